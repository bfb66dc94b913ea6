// Builds the offline images with the kit's build.sh (kit.ts names them and knows which are missing).
import { join } from 'node:path';
import { execa } from 'execa';
import { ExternalError, Interrupted, lastLines } from '../core/errors.js';
import type { Runtime } from '../core/runtime.js';
import { localImages, missingImages, type LocalImages } from './kit.js';
import { lockHolder, lockPath, waitLock } from '../runtime/lock.js';

export interface BuildOptions {
  rt: Runtime;
  kitDir: string;
  tag: string;
  cacheDir: string;
  onLine: (line: string) => void;
  signal?: AbortSignal;
  force?: boolean;
}

export async function buildImages(o: BuildOptions): Promise<{ built: boolean; images: LocalImages }> {
  const images = localImages(o.tag);
  if (!o.force && (await missingImages(o.rt, images)).length === 0) return { built: false, images };
  // One build at a time on this host: a second one waits, then finds the images the first one made.
  const path = lockPath('images-build');
  const holder = await lockHolder(path);
  if (holder)
    o.onLine(`[images] waiting for another kafka-lab that is building them (pid ${holder.pid}, since ${holder.since})`);
  const release = await waitLock(path, `images build (${o.tag})`, 3 * 60 * 60 * 1000, o.signal);
  try {
    if (!o.force || holder) {
      if ((await missingImages(o.rt, images)).length === 0) return { built: false, images };
    }
    return await build(o, images);
  } finally {
    await release();
  }
}

async function build(o: BuildOptions, images: LocalImages): Promise<{ built: boolean; images: LocalImages }> {
  const script = join(o.kitDir, 'build.sh');
  if (o.force) {
    // The script skips every image whose tag exists, so a forced build starts by removing them.
    for (const image of [
      ...Object.values(images),
      `kafka-lab/kafka-dist:${o.tag}`,
      `kafka-lab/kafka4-dist:${o.tag}`,
      `kafka-lab/base:${o.tag}`,
    ]) {
      await o.rt.removeImage(image);
    }
  }
  const args = [script, '--tag', o.tag, '--cache', o.cacheDir];
  const child = execa('bash', args, {
    all: true,
    reject: false,
    cancelSignal: o.signal,
    env: { DOCKER_BUILDKIT: '0' },
  });
  let output = '';
  child.all?.setEncoding('utf8');
  child.all?.on('data', (chunk: string) => {
    output += chunk;
    for (const line of chunk.split('\n')) if (line.startsWith('[images]')) o.onLine(line);
  });
  const result = await child;
  if (result.isCanceled || o.signal?.aborted)
    throw new Interrupted(
      'Interrupted while building images; run the command again to resume (finished layers are kept).',
    );
  if (result.exitCode !== 0) {
    throw new ExternalError(
      'Building the offline images failed.',
      `bash ${args.join(' ')}`,
      result.exitCode,
      lastLines(output, 15),
    );
  }
  return { built: true, images };
}
