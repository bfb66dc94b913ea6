// What a host offers a class: memory that programs can still get, on this host or an engine's.
import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { freemem } from 'node:os';
import { UserError } from '../core/errors.js';
import { parseMemAvailableMiB } from '../core/memory.js';
import type { Runtime } from '../core/runtime.js';
import { waitFor, type Clock } from '../core/wait.js';

export interface AvailableMemory {
  mib: number;
  source: '/proc/meminfo MemAvailable' | 'os.freemem()';
}

/** MemAvailable counts reclaimable page cache; freemem() does not, so it is only the fallback (macOS, Windows). */
export async function availableMemory(): Promise<AvailableMemory> {
  const text = await readFile('/proc/meminfo', 'utf8').catch(() => undefined);
  const mib = text === undefined ? undefined : parseMemAvailableMiB(text);
  if (mib !== undefined) return { mib, source: '/proc/meminfo MemAvailable' };
  return { mib: freemem() / (1024 * 1024), source: 'os.freemem()' };
}

/**
 * What an engine's host offers, asked of the engine itself: /proc/meminfo is not namespaced, so a
 * container sees its host's (Docker Desktop's VM's, for a desktop engine). The probe is a short-lived
 * container of an image the stack already uses, labelled kafka-lab.probe, removed after.
 */
export async function engineMemory(rt: Runtime, images: string[], clock: Clock): Promise<EngineMemory> {
  const image = await firstPresent(rt, images);
  if (image === undefined)
    throw new UserError(
      `None of the stack's images is on the engine at ${rt.where}, so its memory cannot be read yet.`,
      "Load them first ('kafka-lab images load FILE' with that engine, or 'kafka-lab up --stack NAME' there once).",
    );
  const name = `kafka-lab-probe-${process.pid}-${randomBytes(3).toString('hex')}`;
  await rt.create({
    name,
    image,
    entrypoint: ['cat', '/proc/meminfo', BOOT_ID],
    cmd: [],
    network: 'none',
    labels: { [PROBE_LABEL]: 'memory' },
  });
  try {
    await rt.start(name);
    await waitFor(
      async () => {
        const d = await rt.inspect(name);
        return d && !d.running ? { done: true, value: d } : { done: false, seen: d ? 'running' : 'absent' };
      },
      { what: `the memory probe ${name} on ${rt.where} to finish`, timeoutMs: 30_000, intervalMs: 100, clock },
    );
    const text = await rt.logs(name, 200);
    const mib = parseMemAvailableMiB(text);
    if (mib === undefined)
      throw new UserError(`The engine at ${rt.where} gave no MemAvailable in /proc/meminfo (${image}).`);
    const machine = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/m.exec(text)?.[0];
    return { mib, machine, source: `MemAvailable read by a container of ${image}` };
  } finally {
    await rt.remove(name);
  }
}

export const PROBE_LABEL = 'kafka-lab.probe';

export interface EngineMemory {
  mib: number;
  /** The kernel's boot id: engines that give the same one share the machine and its memory. */
  machine?: string;
  source: string;
}

const BOOT_ID = '/proc/sys/kernel/random/boot_id';

async function firstPresent(rt: Runtime, images: string[]): Promise<string | undefined> {
  for (const i of images) if (await rt.imageExists(i)) return i;
  return undefined;
}
