// The offline image kit: kafka-lab's own drop-in images for Confluent's, built with no registry.
import { createHash } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import type { Runtime } from '../core/runtime.js';

export type ImageChoice = 'confluent' | 'local';

/** kafka: Kafka 3 (ZooKeeper mode); kafka4: Kafka 4 (KRaft). */
export type LocalImages = Record<'kafka' | 'zookeeper' | 'kafka4' | 'kcat', string>;

/** The tag is a hash of the kit's files (not its docs): the same recipe gives the same tag, so a build can be skipped. */
export async function recipeTag(kitDir: string): Promise<string> {
  const files = (await listFiles(kitDir)).filter((f) => !f.endsWith('.md'));
  const contents = await Promise.all(files.map((f) => readFile(f)));
  const hash = createHash('sha256');
  files.forEach((file, i) => hash.update(relative(kitDir, file)).update('\0').update(contents[i]!).update('\0'));
  return hash.digest('hex').slice(0, 12);
}

async function listFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true });
  const nested = await Promise.all(
    entries
      .sort((a, b) => (a.name < b.name ? -1 : 1))
      .map((e) => (e.isDirectory() ? listFiles(join(dir, e.name)) : Promise.resolve([join(dir, e.name)]))),
  );
  return nested.flat();
}

export function localImages(tag: string): LocalImages {
  return {
    kafka: `kafka-lab/kafka:${tag}`,
    zookeeper: `kafka-lab/zookeeper:${tag}`,
    kafka4: `kafka-lab/kafka4:${tag}`,
    kcat: `kafka-lab/kcat:${tag}`,
  };
}

/** Confluent's (and kcat's) public image names to kafka-lab's own; anything else stays as written. */
export function toLocalImage(image: string, local: LocalImages): string {
  const repo = image.replace(/[:@].*$/, '');
  // Confluent Platform 8 is Kafka 4 (KRaft only); 7.x is Kafka 3.
  if (repo === 'confluentinc/cp-kafka')
    return Number(/:(\d+)\./.exec(image)?.[1] ?? 7) >= 8 ? local.kafka4 : local.kafka;
  if (repo === 'confluentinc/cp-zookeeper') return local.zookeeper;
  if (repo === 'edenhill/kcat' || repo === 'confluentinc/cp-kcat') return local.kcat;
  return image;
}

export async function missingImages(rt: Runtime, local: LocalImages): Promise<string[]> {
  const all = Object.values(local);
  const present = await Promise.all(all.map((i) => rt.imageExists(i)));
  return all.filter((_, i) => !present[i]);
}
