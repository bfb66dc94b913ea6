// Host-wide lock files: one for resets, one per stack name for up/down/reset, one for image builds, and a
// short one while port blocks are claimed. The file holds the owner's pid; a lock whose owner is gone
// (killed, crashed) is taken over.
import { randomBytes } from 'node:crypto';
import { link, readFile, rm, writeFile } from 'node:fs/promises';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { UsageError, UserError } from '../core/errors.js';
import { checkStackName } from '../core/stack.js';
import { waitFor } from '../core/wait.js';
import { systemClock } from './clock.js';

export function lockPath(name: string, env: NodeJS.ProcessEnv = process.env): string {
  return join(env.KAFKA_LAB_LOCK_DIR ?? tmpdir(), `kafka-lab-${name}.lock`);
}

export interface LockHolder {
  pid: number;
  what: string;
  since: string;
}

export function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** The live process holding the lock, or undefined when it is free or its holder is gone. */
export async function lockHolder(path: string): Promise<LockHolder | undefined> {
  const holder = await readFile(path, 'utf8')
    .then(
      (text) => JSON.parse(text) as Partial<LockHolder>,
      () => undefined, // absent
    )
    .catch(() => undefined); // not JSON: left by a holder from before locks were written whole
  if (typeof holder?.pid !== 'number' || !alive(holder.pid)) return undefined;
  return { pid: holder.pid, what: holder.what ?? '?', since: holder.since ?? '?' };
}

/** Takes the lock, or says who holds it. */
export async function tryLock(
  path: string,
  what: string,
): Promise<{ release: () => Promise<void> } | { holder: LockHolder }> {
  const body = JSON.stringify({ pid: process.pid, host: hostname(), what, since: new Date().toISOString() });
  for (let attempt = 0; attempt < 2; attempt++) {
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
    const holder = await lockHolder(path);
    if (holder) return { holder };
    await rm(path, { force: true });
  }
  throw new UserError(`Could not take the lock ${path}.`, 'Run the command again.');
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
