// Claims on host ports, so that `up` commands started side by side never pick the same block. A claim is a
// file per port, held by a live kafka-lab from choosing the ports until its containers publish them (then
// the engine holds them, and the stack's labels record its block). The files are made under a short
// host-wide lock, so one process at a time looks at them; a claim whose owner is gone is taken over.
import { readFile, rm, writeFile } from 'node:fs/promises';
import { alive } from '../files.js';
import { lockPath, waitLock } from './lock.js';

export interface PortClaim {
  pid: number;
  stack: string;
  /** the engine the stack is being made on, for messages */
  engine: string;
}

export type Claimed = { release: () => Promise<void> } | { port: number; holder: PortClaim };

function claimPath(port: number): string {
  return lockPath(`port-${port}`);
}

async function liveClaim(port: number): Promise<PortClaim | undefined> {
  try {
    const c = JSON.parse(await readFile(claimPath(port), 'utf8')) as PortClaim;
    return typeof c.pid === 'number' && alive(c.pid) ? c : undefined;
  } catch {
    return undefined;
  }
}

/** A live claim on `port` for another stack than `stack`, if any: to name the holder of a busy port. */
export async function portClaimOf(port: number, stack: string): Promise<PortClaim | undefined> {
  const c = await liveClaim(port);
  return c && c.stack !== stack ? c : undefined;
}

/**
 * Claims every port for `owner.stack`, or none: the first port a live claim for another stack holds is
 * returned with its holder. A claim for the same stack is taken over (the stack's own lock keeps two runs
 * of one stack apart).
 */
export async function claimPorts(ports: number[], owner: Omit<PortClaim, 'pid'>): Promise<Claimed> {
  const unlock = await waitLock(lockPath('ports'), `claim ports for ${owner.stack}`);
  try {
    for (const port of ports) {
      const c = await liveClaim(port);
      if (c && c.stack !== owner.stack) return { port, holder: c };
    }
    const body = JSON.stringify({ pid: process.pid, ...owner, since: new Date().toISOString() });
    // Under the lock nobody else reads or writes claims, so a plain write is whole before anyone looks.
    await Promise.all(ports.map((p) => writeFile(claimPath(p), body, { mode: 0o644 })));
  } finally {
    await unlock();
  }
  let released = false;
  return {
    release: async () => {
      if (released) return;
      released = true;
      // Only our own: a claim taken over after a crash belongs to someone else now.
      await Promise.all(
        ports.map(async (p) => {
          const c = await liveClaim(p);
          if (c?.pid === process.pid && c.stack === owner.stack) await rm(claimPath(p), { force: true });
        }),
      );
    },
  };
}
