// The stack's event log: one JSON line per fault or heal, with the cluster state just before.
import { appendFile, mkdir, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { FaultAction } from '../core/faults.js';

export interface FaultEvent {
  at: string;
  atMs: number;
  action: FaultAction | 'heal';
  target: string;
  container: string;
  service: string;
  brokerId?: number;
  before: { brokers: number[]; controller: number | null };
  note?: string;
}

export function eventLogPath(stateDir: string, stack: string): string {
  return join(stateDir, stack, 'events.jsonl');
}

export async function appendEvent(stateDir: string, stack: string, e: FaultEvent): Promise<void> {
  await mkdir(join(stateDir, stack), { recursive: true });
  await appendFile(eventLogPath(stateDir, stack), `${JSON.stringify(e)}\n`);
}

/** Forget a stack's events and acknowledged-message records: its data is gone too. */
export async function clearStackState(stateDir: string, stack: string): Promise<void> {
  await rm(join(stateDir, stack), { recursive: true, force: true });
}

export async function readEvents(stateDir: string, stack: string): Promise<FaultEvent[]> {
  let text: string;
  try {
    text = await readFile(eventLogPath(stateDir, stack), 'utf8');
  } catch {
    return [];
  }
  // A line cut short by a crash is skipped, not fatal.
  return text.split('\n').flatMap((line) => {
    try {
      return line ? [JSON.parse(line) as FaultEvent] : [];
    } catch {
      return [];
    }
  });
}
