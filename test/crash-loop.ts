// The kill -9 loop shared by test/unit/crash.test.ts and bench/crash.ts: spawn test/crash-driver.ts,
// SIGKILL it after a random delay, then read every file with the product's own readers and check that
// each holds a whole version the driver wrote (old or new), never a torn one.
import { spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { isDeepStrictEqual } from 'node:util';
import type { Lab } from '../src/core/lab.js';
import type { LabProgress } from '../src/core/progress.js';
import { readAcked } from '../src/faults/acked.js';
import { readEvents, type FaultEvent } from '../src/faults/log.js';
import { fileProgressStore, progressPath } from '../src/lab/progress.js';

export const CRASH_STACK = 'crash-loop';
const LAB = 'crash-lab';
const lab = { ref: LAB, id: LAB, steps: [{ id: 's1' }] } as unknown as Lab;

/** Version k of the progress file: it grows with k (up to some 150 KB), then starts small again. */
export function progressOf(k: number): LabProgress {
  const n = ((k * 37) % 2000) + 1;
  return {
    version: 1,
    lab: LAB,
    stack: CRASH_STACK,
    current: 0,
    steps: {},
    answers: {},
    updatedAtMs: k,
    reads: [
      {
        stepId: 's1',
        atMs: k,
        topic: 'crash-topic',
        messages: Array.from({ length: n }, (_, i) => ({ partition: i % 3, offset: i, value: `v${k}-${i}` })),
      },
    ],
  };
}

export const gradeFile = (dir: string) => join(dir, 'grades', 'crash-lab.csv');
export function gradeText(k: number): string {
  const rows = Array.from({ length: ((k * 53) % 3000) + 1 }, (_, i) => `student-${i},${(k + i) % 101},100`);
  return `# version ${k}\nstudent,earned,possible\n${rows.join('\n')}\n# end ${k}\n`;
}

export function crashEvent(i: number): FaultEvent {
  return {
    at: new Date(i * 1000).toISOString(),
    atMs: i,
    action: 'stop',
    target: 'kafka-2',
    container: `${CRASH_STACK}-kafka-2`,
    service: 'kafka-2',
    brokerId: 2,
    before: { brokers: [1, 2, 3], controller: 1 },
    note: `event ${i} ${'x'.repeat(i % 300)}`,
  };
}

export const ackedFile = (dir: string) => join(dir, CRASH_STACK, 'acked', 'crash-topic.jsonl');
/** Batch b of acknowledged values: one append (one `recordAcked` call) each. */
export const ackedBatch = (b: number) => Array.from({ length: 1 + ((b * 7) % 50) }, (_, j) => `b${b}-${j}`);

export interface State {
  k: number;
  events: number;
  batches: number;
  /** What is torn: a file that is not a whole version the driver wrote, or went back in time. */
  torn: string[];
  /** Lines the readers skipped, with a notice, as not whole records. */
  skipped: number;
}

/** Everything the driver wrote, read back with kafka-lab's readers and checked. */
export async function state(dir: string, before?: State): Promise<State> {
  const torn: string[] = [];
  let skipped = 0;
  const notice = (line: string) => (skipped += Number(/^(\d+) line/.exec(line)?.[1] ?? 1));

  let k = 0;
  if (existsSync(progressPath(dir, CRASH_STACK, LAB))) {
    const loaded = await fileProgressStore(dir, CRASH_STACK).load(lab, { setAside: false });
    k = loaded.progress.updatedAtMs;
    if (loaded.warning) torn.push(`progress: ${loaded.warning}`);
    else if (!isDeepStrictEqual(loaded.progress, progressOf(k))) torn.push(`progress: version ${k} is not whole`);
  }

  if (existsSync(gradeFile(dir))) {
    const text = readFileSync(gradeFile(dir), 'utf8');
    const v = Number(/^# version (\d+)\n/.exec(text)?.[1] ?? -1);
    if (text !== gradeText(v)) torn.push(`grade output: ${text.length} bytes, not a whole version`);
  }

  const events = await readEvents(dir, CRASH_STACK, notice);
  const wrong = events.findIndex((e, i) => !isDeepStrictEqual(e, crashEvent(i)));
  if (wrong >= 0) torn.push(`event log: record ${wrong} is not event ${wrong}`);

  const acked = await readAcked(dir, CRASH_STACK, 'crash-topic', notice);
  let batches = 0;
  let at = 0;
  while (at < acked.length) {
    const want = ackedBatch(batches).map((value) => ({ value, atMs: batches }));
    const got = acked.slice(at, at + want.length);
    if (!isDeepStrictEqual(got, want)) {
      torn.push(`acknowledged writes: batch ${batches} is ${got.length} of ${want.length} records or other ones`);
      break;
    }
    at += want.length;
    batches++;
  }

  if (before && torn.length === 0) {
    if (k < before.k) torn.push(`progress went back from version ${before.k} to ${k}`);
    if (events.length < before.events) torn.push(`event log lost records: ${before.events} -> ${events.length}`);
    if (batches < before.batches) torn.push(`acknowledged writes lost batches: ${before.batches} -> ${batches}`);
  }
  return { k, events: events.length, batches, torn, skipped };
}

/** Temporary files in the writers' directories (left by a killed writer, never read as the file). */
export function tempFiles(dir: string): number {
  const walk = (d: string): number =>
    readdirSync(d, { withFileTypes: true }).reduce(
      (n, e) => n + (e.isDirectory() ? walk(join(d, e.name)) : e.name.endsWith('.tmp') ? 1 : 0),
      0,
    );
  return existsSync(dir) ? walk(dir) : 0;
}

export interface LoopResult {
  kills: number;
  /** Kills that landed while at least one write was under way (between its B and E markers). */
  midWrite: number;
  /** Writes under way at the kills, per kind. */
  inFlight: Record<string, number>;
  /** Kills after which some file was torn (the directory then starts again, empty). */
  tornKills: number;
  examples: string[];
  skippedLines: number;
  /** Versions and records written in all: progress saves, events, acknowledged batches. */
  written: { progress: number; events: number; batches: number };
  leftoverTemps: number;
  ms: number;
}

const driver = fileURLToPath(new URL('./crash-driver.js', import.meta.url));

/** One driver run: spawned, killed with SIGKILL `delayMs` after it is ready; returns its markers. */
function killOnce(dir: string, mode: 'atomic' | 'torn', delayMs: number): Promise<string[]> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [driver, dir, mode], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    let armed = false;
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      if (!armed && out.startsWith('R\n')) {
        armed = true;
        setTimeout(() => child.kill('SIGKILL'), delayMs);
      }
    });
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.on('error', reject);
    child.on('close', (code, signal) => {
      if (signal !== 'SIGKILL') reject(new Error(`the driver ended by itself (${code}): ${err}`));
      else resolve(out.split('\n').filter(Boolean));
    });
  });
}

export async function killLoop(o: {
  dir: string;
  mode: 'atomic' | 'torn';
  kills: number;
  maxDelayMs: number;
  /** Stop at the first torn file (the torn writer's run only needs to show one). */
  stopAtTorn?: boolean;
  random?: () => number;
}): Promise<LoopResult> {
  const random = o.random ?? Math.random;
  const started = Date.now();
  const r: LoopResult = {
    kills: 0,
    midWrite: 0,
    inFlight: {},
    tornKills: 0,
    examples: [],
    skippedLines: 0,
    written: { progress: 0, events: 0, batches: 0 },
    leftoverTemps: 0,
    ms: 0,
  };
  let before = await state(o.dir);
  for (let i = 0; i < o.kills; i++) {
    const markers = await killOnce(o.dir, o.mode, Math.floor(random() * (o.maxDelayMs + 1)));
    r.kills++;
    const last = new Map<string, string>();
    for (const m of markers) if (m !== 'R') last.set(m.slice(1), m[0]!);
    const open = [...last].filter(([, m]) => m === 'B').map(([kind]) => kind);
    if (open.length) r.midWrite++;
    for (const kind of open) r.inFlight[kind] = (r.inFlight[kind] ?? 0) + 1;
    const now = await state(o.dir, before);
    r.skippedLines = now.skipped;
    if (now.torn.length) {
      r.tornKills++;
      if (r.examples.length < 5) r.examples.push(`kill ${i + 1}: ${now.torn.join('; ')}`);
      rmSync(o.dir, { recursive: true, force: true });
      before = await state(o.dir);
      if (o.stopAtTorn) break;
      continue;
    }
    r.written.progress += now.k - before.k;
    r.written.events += now.events - before.events;
    r.written.batches += now.batches - before.batches;
    before = now;
  }
  r.leftoverTemps = tempFiles(o.dir);
  r.ms = Date.now() - started;
  return r;
}
