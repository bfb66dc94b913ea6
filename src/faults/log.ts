// The stack's event log: one JSON line per fault or heal, with the cluster state just before.
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { FaultAction } from '../core/faults.js';
import { appendRecords, noticeSkipped, readRecords, stderrNotice, type Notice } from '../files.js';

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
  await appendRecords(eventLogPath(stateDir, stack), [e]);
}

/** Forget a stack's events and acknowledged-message records: its data is gone too. */
export async function clearStackState(stateDir: string, stack: string): Promise<void> {
  await rm(join(stateDir, stack), { recursive: true, force: true });
}

function isEvent(v: unknown): v is FaultEvent {
  const e = v as FaultEvent | null;
  return (
    typeof e === 'object' &&
    e !== null &&
    typeof e.atMs === 'number' &&
    typeof e.action === 'string' &&
    typeof e.target === 'string' &&
    typeof e.container === 'string' &&
    typeof e.service === 'string' &&
    typeof e.before === 'object' &&
    e.before !== null &&
    Array.isArray(e.before.brokers)
  );
}

/** The stack's events; a line cut short by a crash is skipped with a notice, never counted. */
export async function readEvents(
  stateDir: string,
  stack: string,
  notice: Notice = stderrNotice,
): Promise<FaultEvent[]> {
  const file = eventLogPath(stateDir, stack);
  const { records, skipped } = await readRecords(file, isEvent);
  noticeSkipped(file, skipped, notice);
  return records;
}
