// What the host itself offers a class: memory that programs can still get.
import { readFile } from 'node:fs/promises';
import { freemem } from 'node:os';
import { parseMemAvailableMiB } from '../core/memory.js';

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
