// Images to and from one `docker save` archive, for classroom hosts without a registry.
import { createReadStream, createWriteStream } from 'node:fs';
import { access, constants, open, rename, rm, stat } from 'node:fs/promises';
import { dirname } from 'node:path';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { ExternalError, Interrupted, UserError } from '../core/errors.js';
import type { Runtime } from '../core/runtime.js';

export interface SaveOptions {
  rt: Runtime;
  images: string[];
  file: string;
  signal?: AbortSignal;
  onBytes?: (n: number) => void;
}

/** Streams the images into FILE.partial and renames it, so FILE is either complete or untouched. */
export async function saveImages(o: SaveOptions): Promise<{ bytes: number }> {
  const partial = `${o.file}.partial`;
  const what = `save ${o.images.join(' ')}`;
  let bytes = 0;
  try {
    const source = await o.rt.saveImages(o.images, o.signal);
    await pipeline(
      source,
      counter((n) => ((bytes += n), o.onBytes?.(n))),
      createWriteStream(partial),
      { signal: o.signal },
    );
    await rename(partial, o.file);
    return { bytes };
  } catch (err) {
    await rm(partial, { force: true });
    if (o.signal?.aborted)
      throw new Interrupted(`Interrupted; ${o.file} was not written (the partial file was removed).`);
    const code = (err as NodeJS.ErrnoException).code;
    if (code && /^E[A-Z]+$/.test(code) && (err as NodeJS.ErrnoException).syscall) {
      throw new UserError(
        `Cannot write ${o.file}: ${(err as Error).message}.`,
        'Choose a writable directory with enough free space.',
      );
    }
    if (err instanceof ExternalError) throw err;
    throw new ExternalError(
      `Docker could not ${what}: ${firstLine(err)}`,
      `docker API: ${what}`,
      (err as { statusCode?: number }).statusCode,
    );
  }
}

/** Fails before any work when FILE cannot be written: a missing directory, no permission, or a directory in its place. */
export async function checkWritable(file: string): Promise<void> {
  const dir = dirname(file);
  const next = 'Choose a path in an existing directory you can write to.';
  const isDir = await stat(file).then(
    (s) => s.isDirectory(),
    () => false,
  );
  if (isDir) throw new UserError(`Cannot write ${file}: it is a directory.`, next);
  try {
    await access(dir, constants.W_OK);
  } catch (err) {
    const why = (err as NodeJS.ErrnoException).code === 'ENOENT' ? 'does not exist' : 'is not writable';
    throw new UserError(`Cannot write ${file}: directory ${dir} ${why}.`, next);
  }
}

/** Size of FILE after checking that it looks like an image archive, so Docker is not sent a wrong file. */
export async function checkArchive(file: string): Promise<number> {
  const next = "Give the path of an archive made by 'kafka-lab images save' (or 'docker save').";
  let size: number;
  const head = Buffer.alloc(512);
  let read: number;
  try {
    const info = await stat(file);
    if (!info.isFile()) throw new UserError(`${file} is not a file.`, next);
    size = info.size;
    const handle = await open(file, 'r');
    try {
      read = (await handle.read(head, 0, head.length, 0)).bytesRead;
    } finally {
      await handle.close();
    }
  } catch (err) {
    if (err instanceof UserError) throw err;
    const code = (err as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'no such file' : code === 'EACCES' ? 'permission denied' : firstLine(err);
    throw new UserError(`Cannot read ${file}: ${why}.`, next);
  }
  if (!looksLikeArchive(head.subarray(0, read)))
    throw new UserError(`${file} is not an image archive (not a tar file).`, next);
  return size;
}

/** A tar header, or one of the compressions `docker load` accepts. */
export function looksLikeArchive(head: Buffer): boolean {
  if (head.length >= 262 && head.subarray(257, 262).toString('latin1') === 'ustar') return true;
  const magics = [
    [0x1f, 0x8b],
    [0x42, 0x5a, 0x68],
    [0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00],
    [0x28, 0xb5, 0x2f, 0xfd],
  ];
  return magics.some((m) => head.length >= m.length && m.every((b, i) => head[i] === b));
}

export interface LoadOptions {
  rt: Runtime;
  file: string;
  signal?: AbortSignal;
  onBytes?: (n: number) => void;
}

/** Sends FILE to the engine; returns the image names (or IDs, for untagged images) it reports as loaded. */
export async function loadImages(o: LoadOptions): Promise<{ images: string[] }> {
  const body = createReadStream(o.file);
  body.on('data', (chunk) => o.onBytes?.(chunk.length));
  let result: { images: string[]; refused?: string };
  try {
    result = await o.rt.loadImages(body, o.signal);
  } catch (err) {
    if (err instanceof Interrupted || o.signal?.aborted) {
      throw new Interrupted(
        `Interrupted while loading ${o.file}; images Docker finished before that are kept. Run the command again to load the rest.`,
      );
    }
    throw err;
  } finally {
    body.destroy();
  }
  const { images, refused } = result;
  if (refused !== undefined && /(manifest\.json|repositories): no such file/.test(refused)) {
    throw new UserError(
      `${o.file} is a tar file but not an image archive (it has no manifest.json).`,
      "Give the path of an archive made by 'kafka-lab images save' (or 'docker save').",
    );
  }
  if (refused !== undefined) {
    throw new UserError(
      `Docker could not load ${o.file}: ${refused.replace(/\.$/, '')}.`,
      "Is it complete? Compare its size with the original, or save it again with 'kafka-lab images save FILE'.",
    );
  }
  return { images };
}

function counter(onBytes: (n: number) => void): Transform {
  return new Transform({
    transform(chunk: Buffer, _enc, done) {
      onBytes(chunk.length);
      done(null, chunk);
    },
  });
}

function firstLine(err: unknown): string {
  return ((err as Error).message ?? String(err)).split('\n')[0]!;
}
