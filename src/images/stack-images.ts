// Which images a stack runs, which of them this host lacks, and how to get them.
import type { StackSpec } from '../core/stack.js';
import type { ImageChoice } from './kit.js';
import type { Runtime } from '../core/runtime.js';

/** Each image once, in the compose file's order. */
export function stackImages(spec: StackSpec): string[] {
  return [...new Set(spec.services.map((s) => s.image))];
}

export async function absentImages(rt: Runtime, images: string[]): Promise<string[]> {
  const present = await Promise.all(images.map((i) => rt.imageExists(i)));
  return images.filter((_, i) => !present[i]);
}

export function howToGetImages(choice: ImageChoice, missing: string[]): string {
  if (choice === 'local') {
    return "Build them with 'kafka-lab images build', or load an archive saved on another host: 'kafka-lab images load FILE'.";
  }
  return (
    `On a host with internet run 'docker pull IMAGE' for ${missing.length === 1 ? 'it' : 'each'}, then 'kafka-lab images save FILE' there ` +
    "and 'kafka-lab images load FILE' here; or use kafka-lab's offline images: 'kafka-lab images build', then --images local."
  );
}
