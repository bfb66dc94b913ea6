// A record of what kafka-lab wrote and the brokers acknowledged, per stack and topic, so that a
// check can prove later that nothing acknowledged was lost.
import { appendFile, mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';

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
  if (values.length === 0) return;
  await mkdir(join(stateDir, stack, 'acked'), { recursive: true });
  await appendFile(fileOf(stateDir, stack, topic), values.map((v) => `${JSON.stringify({ v, at: atMs })}\n`).join(''));
}

export async function readAcked(
  stateDir: string,
  stack: string,
  topic: string,
): Promise<{ value: string; atMs: number }[]> {
  const text = await readFile(fileOf(stateDir, stack, topic), 'utf8').catch(() => '');
  return text.split('\n').flatMap((line) => {
    try {
      const r = JSON.parse(line) as { v: string; at: number };
      return [{ value: r.v, atMs: r.at }];
    } catch {
      return [];
    }
  });
}
