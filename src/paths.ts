import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { homedir } from 'node:os';
import { join } from 'node:path';

/** The installed package's root: dist/src/paths.js sits two levels below it. */
export const packageRoot = fileURLToPath(new URL('../..', import.meta.url));
export const defaultComposeFile = join(packageRoot, 'compose', 'zk-3-brokers.yaml');
export const kraftComposeFile = join(packageRoot, 'compose', 'kraft-3-brokers.yaml');
export const imageKitDir = join(packageRoot, 'compose', 'images');
export const labsDir = join(packageRoot, 'labs');
export const gradersDir = join(packageRoot, 'graders');
/** Where kafka-lab keeps what it can make again (image build files, parsed YAML); KAFKA_LAB_CACHE overrides it. */
export const defaultCacheDir = join(homedir(), '.cache', 'kafka-lab');

/** kafka-lab's own version, from its package.json (read when asked: --version and submissions need it). */
export function packageVersion(): string {
  return (JSON.parse(readFileSync(join(packageRoot, 'package.json'), 'utf8')) as { version: string }).version;
}
