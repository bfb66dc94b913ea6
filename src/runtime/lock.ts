// A host-wide lock file, so two facilitators' resets cannot race on the same stacks.
// The file holds the owner's pid; a lock whose owner is gone (killed, crashed) is taken over.
import { open, readFile, rm } from 'node:fs/promises';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { UserError } from '../core/errors.js';

export function lockPath(name: string, env: NodeJS.ProcessEnv = process.env): string {
  return join(env.KAFKA_LAB_LOCK_DIR ?? tmpdir(), `kafka-lab-${name}.lock`);
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Takes the lock or throws a UserError naming its holder; resolves a function that releases it. */
export async function acquireLock(path: string, what: string): Promise<() => Promise<void>> {
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const f = await open(path, 'wx', 0o644);
      await f.writeFile(JSON.stringify({ pid: process.pid, host: hostname(), what, since: new Date().toISOString() }));
      await f.close();
      return () => rm(path, { force: true });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
    let holder: { pid?: number; what?: string; since?: string } = {};
    try {
      holder = JSON.parse(await readFile(path, 'utf8')) as typeof holder;
    } catch {
      // half-written by a holder that died at that moment: treat as stale
    }
    if (typeof holder.pid === 'number' && alive(holder.pid)) {
      throw new UserError(
        `Another kafka-lab is already doing '${holder.what ?? '?'}' on this host (pid ${holder.pid}, since ${holder.since ?? '?'}).`,
        `Wait for it to finish and run this again. If that process is gone, remove ${path}.`,
      );
    }
    await rm(path, { force: true });
  }
  throw new UserError(`Could not take the lock ${path}.`, 'Run the command again.');
}
