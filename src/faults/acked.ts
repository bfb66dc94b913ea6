// A record of what kafka-lab wrote and the brokers acknowledged, per stack and topic, so that a
// check can prove later that nothing acknowledged was lost.
// Each call appends its records in one write, so after a crash a batch is recorded whole or not at
// all; a record cut off mid-line is never read as acknowledged (it would claim a write the file cannot
// prove). Rewriting the whole file on every batch would do the same at a cost that grows with the file.
import { join } from 'node:path';
import { appendRecords, noticeSkipped, readRecords, stderrNotice, type Notice } from '../files.js';

function fileOf(stateDir: string, stack: string, topic: string): string {
  return join(stateDir, stack, 'acked', `${topic}.jsonl`);
}

export async function recordAcked(
  stateDir: string,
  stack: string,
  topic: string,
  values: string[],
  atMs: number,
): Promise<void> {
  await appendRecords(
    fileOf(stateDir, stack, topic),
    values.map((v) => ({ v, at: atMs })),
  );
}

interface AckedRecord {
  v: string;
  at: number;
}

const isAcked = (r: unknown): r is AckedRecord =>
  typeof r === 'object' &&
  r !== null &&
  typeof (r as AckedRecord).v === 'string' &&
  typeof (r as AckedRecord).at === 'number';

export async function readAcked(
  stateDir: string,
  stack: string,
  topic: string,
  notice: Notice = stderrNotice,
): Promise<{ value: string; atMs: number }[]> {
  const file = fileOf(stateDir, stack, topic);
  const { records, skipped } = await readRecords(file, isAcked);
  noticeSkipped(file, skipped, notice);
  return records.map((r) => ({ value: r.v, atMs: r.at }));
}
