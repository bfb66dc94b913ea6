// How kafka-lab writes its own files so that a crash (kill -9, power loss) never leaves a torn one.
// Whole files: a temporary file beside the target, fsync, rename over it, fsync of the directory; a
// reader sees the old content or the new. Record logs (JSON lines): one write() per append, fsynced; a
// reader counts only whole lines and skips a cut-off one, so a record is there entirely or not at all.
import { readdirSync, rmSync } from 'node:fs';
import { mkdir, open, readFile, rename, unlink } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

/** `.NAME.PID.RANDOM.tmp`: hidden, and never matched by a reader's `*.json` or the target's name. */
function tempName(file: string): string {
  return join(dirname(file), `.${basename(file)}.${process.pid}.${Math.random().toString(36).slice(2, 10)}.tmp`);
}

const TEMP = /^\.(.+)\.(\d+)\.[a-z0-9]+\.tmp$/;

/** The process exists (EPERM: it does, and is someone else's). */
export function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Temporary files that a killed writer of `file` left behind; a live writer's are kept. */
function removeDeadTemps(file: string): void {
  let names: string[];
  try {
    names = readdirSync(dirname(file));
  } catch {
    return;
  }
  for (const n of names) {
    const m = TEMP.exec(n);
    if (m && m[1] === basename(file) && Number(m[2]) !== process.pid && !alive(Number(m[2])))
      rmSync(join(dirname(file), n), { force: true });
  }
}

async function syncDir(dir: string): Promise<void> {
  // The rename is durable once the directory is synced; not every platform allows opening one.
  const fh = await open(dir, 'r').catch(() => undefined);
  if (!fh) return;
  await fh.sync().catch(() => {});
  await fh.close().catch(() => {});
}

/** Writes `data` to `file` so that readers see the old content or the new, never a part. */
export async function writeFileAtomic(file: string, data: string | Uint8Array): Promise<void> {
  await mkdir(dirname(file), { recursive: true });
  removeDeadTemps(file);
  const tmp = tempName(file);
  const fh = await open(tmp, 'wx', 0o644);
  try {
    await fh.writeFile(data);
    await fh.sync();
    await fh.close();
    await rename(tmp, file);
  } catch (err) {
    await fh.close().catch(() => {});
    await unlink(tmp).catch(() => {});
    throw err;
  }
  await syncDir(dirname(file));
}

/**
 * Appends records as JSON lines in one write: after a crash the file holds all of them or none (a
 * cut-off tail is not a record). A tail cut off by an earlier crash gets its own line first, so it
 * never swallows the new records.
 */
export async function appendRecords(file: string, records: unknown[]): Promise<void> {
  if (records.length === 0) return;
  await mkdir(dirname(file), { recursive: true });
  const fh = await open(file, 'a+', 0o644);
  try {
    const { size } = await fh.stat();
    let lead = '';
    if (size > 0) {
      const last = Buffer.alloc(1);
      await fh.read(last, 0, 1, size - 1);
      if (last[0] !== 0x0a) lead = '\n';
    }
    const buf = Buffer.from(lead + records.map((r) => `${JSON.stringify(r)}\n`).join(''));
    // One write() of an O_APPEND file: nothing of another writer lands inside it.
    const { bytesWritten } = await fh.write(buf, 0, buf.length);
    if (bytesWritten !== buf.length) throw new Error(`short write to ${file} (${bytesWritten} of ${buf.length})`);
    await fh.sync();
  } finally {
    await fh.close();
  }
}

export interface Records<T> {
  records: T[];
  /** Lines that are not whole records (cut off by a crash, or edited), with their line numbers. */
  skipped: { line: number; reason: string }[];
}

/** The whole records of a JSON-lines file; a missing file has none. */
export async function readRecords<T>(file: string, valid: (v: unknown) => v is T): Promise<Records<T>> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    return { records: [], skipped: code === 'ENOENT' ? [] : [{ line: 0, reason: `cannot be read (${code})` }] };
  }
  const lines = text.split('\n');
  // The text after the last newline is a record still being written, or one cut off: never counted.
  const tail = lines.pop()!;
  const out: Records<T> = { records: [], skipped: [] };
  lines.forEach((line, i) => {
    if (line === '') return;
    try {
      const v: unknown = JSON.parse(line);
      if (valid(v)) out.records.push(v);
      else out.skipped.push({ line: i + 1, reason: 'not a record of this file' });
    } catch {
      out.skipped.push({ line: i + 1, reason: 'not whole JSON (cut off by a crash?)' });
    }
  });
  if (tail !== '') out.skipped.push({ line: lines.length + 1, reason: 'cut off: no end of line' });
  return out;
}

export type Notice = (line: string) => void;

const told = new Set<string>();
/** By default a notice goes to stderr, once per file and problem in a process. */
export const stderrNotice: Notice = (line) => {
  if (told.has(line)) return;
  told.add(line);
  process.stderr.write(`${line}\n`);
};

/** Says which lines were skipped: "2 line(s) of FILE are not whole records ... (line 7: cut off ...)". */
export function noticeSkipped(file: string, skipped: Records<unknown>['skipped'], notice: Notice): void {
  if (skipped.length === 0) return;
  const first = skipped[0]!;
  notice(
    `${skipped.length} line(s) of ${file} are not whole records and were skipped (line ${first.line}: ${first.reason}).`,
  );
}
