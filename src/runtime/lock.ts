// Host-wide lock files: one for resets, one per stack name for up/down/reset, one for image builds, and a
// short one while port blocks are claimed. The file holds the owner's pid; a lock whose owner is gone
// (killed, crashed) is taken over.
import { randomBytes } from 'node:crypto';
import { link, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { UsageError, UserError } from '../core/errors.js';
import { checkStackName } from '../core/stack.js';
import { waitFor } from '../core/wait.js';
import { systemClock } from './clock.js';
import { alive } from '../files.js';

export function lockPath(name: string, env: NodeJS.ProcessEnv = process.env): string {
  return join(env.KAFKA_LAB_LOCK_DIR ?? tmpdir(), `kafka-lab-${name}.lock`);
}

export interface LockHolder {
  pid: number;
  what: string;
  since: string;
}

type Seen = { state: 'absent' } | { state: 'live'; holder: LockHolder } | { state: 'stale'; text: string };

async function readLock(path: string): Promise<Seen> {
  const text = await readFile(path, 'utf8').catch(() => undefined);
  if (text === undefined) return { state: 'absent' };
  let holder: Partial<LockHolder> | undefined;
  try {
    holder = JSON.parse(text) as Partial<LockHolder>;
  } catch {
    // not JSON: left by a holder from before locks were written whole
  }
  if (typeof holder?.pid !== 'number' || !alive(holder.pid)) return { state: 'stale', text };
  return { state: 'live', holder: { pid: holder.pid, what: holder.what ?? '?', since: holder.since ?? '?' } };
}

/** The live process holding the lock, or undefined when it is free or its holder is gone. */
export async function lockHolder(path: string): Promise<LockHolder | undefined> {
  const seen = await readLock(path);
  return seen.state === 'live' ? seen.holder : undefined;
}

/**
 * Removes a dead holder's lock, and only that: another process may have taken the lock over since it was
 * read. The file is moved aside in one step, and put back when it turns out to be someone else's.
 */
async function removeStale(path: string, text: string): Promise<void> {
  const moved = `${path}.stale.${process.pid}.${randomBytes(4).toString('hex')}`;
  try {
    await rename(path, moved);
  } catch {
    return; // gone already
  }
  const now = await readFile(moved, 'utf8').catch(() => undefined);
  if (now !== text) await link(moved, path).catch(() => {});
  await rm(moved, { force: true });
}

/** Takes the lock, or says who holds it. */
export async function tryLock(
  path: string,
  what: string,
): Promise<{ release: () => Promise<void> } | { holder: LockHolder }> {
  const body = JSON.stringify({ pid: process.pid, host: hostname(), what, since: new Date().toISOString() });
  // Each round ends with the lock taken, a live holder named, or the lock seen free or stale (then tried
  // again): only other processes taking and releasing it in the moment between make another round.
  for (let round = 0; round < 50; round++) {
    // Written aside, then linked into place: the lock appears whole or not at all (link refuses an existing name).
    const aside = `${path}.${process.pid}.${randomBytes(4).toString('hex')}`;
    await writeFile(aside, body, { mode: 0o644 });
    try {
      await link(aside, path);
      return { release: () => rm(path, { force: true }) };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    } finally {
      await rm(aside, { force: true });
    }
    const seen = await readLock(path);
    if (seen.state === 'live') return { holder: seen.holder };
    if (seen.state === 'stale') await removeStale(path, seen.text);
  }
  throw new UserError(
    `Could not take the lock ${path}: other kafka-lab commands kept taking it.`,
    'Run the command again.',
  );
}

/** Takes the lock or throws a UserError naming its holder; resolves a function that releases it. */
export async function acquireLock(path: string, what: string): Promise<() => Promise<void>> {
  const got = await tryLock(path, what);
  if ('release' in got) return got.release;
  const h = got.holder;
  throw new UserError(
    `Another kafka-lab is already doing '${h.what}' on this host (pid ${h.pid}, since ${h.since}).`,
    `Wait for it to finish and run this again. If that process is gone, remove ${path}.`,
  );
}

/** Waits for the lock up to `timeoutMs`: by default one held for moments (a few file operations). */
export async function waitLock(
  path: string,
  what: string,
  timeoutMs = 15_000,
  signal?: AbortSignal,
): Promise<() => Promise<void>> {
  return waitFor(
    async () => {
      const got = await tryLock(path, what);
      return 'release' in got
        ? { done: true, value: got.release }
        : { done: false, seen: `held by pid ${got.holder.pid} (${got.holder.what})` };
    },
    { what: `the lock ${path}`, timeoutMs, intervalMs: timeoutMs > 60_000 ? 1000 : 20, clock: systemClock, signal },
  );
}

/**
 * Runs `fn` holding one of the stack's locks: 'stack' for up, down and reset (they never overlap), 'faults'
 * for fault and heal, which are also refused while the stack is being made or removed.
 */
export async function withStackLock<T>(
  stack: string,
  what: string,
  fn: () => Promise<T>,
  kind: 'stack' | 'faults' = 'stack',
): Promise<T> {
  const bad = checkStackName(stack);
  if (bad) throw new UsageError(bad);
  if (kind === 'faults') await assertStackIdle(stack);
  const path = lockPath(`${kind}-${stack}`);
  const got = await tryLock(path, what);
  if ('holder' in got) throw stackBusy(stack, got.holder, path);
  try {
    return await fn();
  } finally {
    await got.release();
  }
}

function stackBusy(stack: string, h: LockHolder, path: string): UserError {
  return new UserError(
    `Stack '${stack}' is busy: another kafka-lab is running '${h.what}' on it (pid ${h.pid}, since ${h.since}).`,
    `Wait for it to finish and run this again. If that process is gone, remove ${path}.`,
  );
}

/** For commands that read or change a stack without making it: refuses while an up, down or reset of it runs. */
export async function assertStackIdle(stack: string): Promise<void> {
  if (checkStackName(stack)) return; // the command refuses the name itself
  const path = lockPath(`stack-${stack}`);
  const h = await lockHolder(path);
  if (h && h.pid !== process.pid) throw stackBusy(stack, h, path);
}
