// A writer to be killed: writes kafka-lab's own files over and over, through the product's writers
// (progress saves, event log, acknowledged-write records, a grade output), until SIGKILL.
//   node dist/test/crash-driver.js DIR atomic|torn
// `torn` writes the same content without the product's care (in place, records in pieces), so the
// loop can show that it catches a torn file. Markers on fd 1: R ready, B<kind> before a write, E<kind> after.
import { writeSync } from 'node:fs';
import { mkdir, open } from 'node:fs/promises';
import { dirname } from 'node:path';
import { appendEvent, eventLogPath } from '../src/faults/log.js';
import { recordAcked } from '../src/faults/acked.js';
import { writeFileAtomic } from '../src/files.js';
import { fileProgressStore, progressPath } from '../src/lab/progress.js';
import {
  CRASH_STACK,
  ackedBatch,
  ackedFile,
  crashEvent,
  gradeFile,
  gradeText,
  progressOf,
  state,
} from './crash-loop.js';

const [dir, mode] = process.argv.slice(2) as [string, 'atomic' | 'torn'];
const mark = (m: string) => writeSync(1, `${m}\n`);
const yieldNow = () => new Promise<void>((r) => setImmediate(r));

/** In place and in 4 KiB pieces: what a careless writer does. */
async function writeInPlace(file: string, text: string): Promise<void> {
  const fh = await open(file, 'w');
  const buf = Buffer.from(text);
  for (let at = 0; at < buf.length; at += 4096) {
    await fh.write(buf, at, Math.min(4096, buf.length - at));
    await yieldNow();
  }
  await fh.close();
}

/** Each record in two pieces: a kill between them leaves half a record, or half a batch. */
async function appendInPieces(file: string, records: unknown[]): Promise<void> {
  const fh = await open(file, 'a');
  for (const r of records) {
    const line = `${JSON.stringify(r)}\n`;
    const half = line.length >> 1;
    await fh.write(line.slice(0, half));
    await yieldNow();
    await fh.write(line.slice(half));
  }
  await fh.close();
}

async function forever(kind: string, step: () => Promise<void>): Promise<never> {
  for (;;) {
    mark(`B${kind}`);
    await step();
    mark(`E${kind}`);
  }
}

const now = await state(dir);
let { k, events, batches } = now;
const store = fileProgressStore(dir, CRASH_STACK);
for (const file of [progressPath(dir, CRASH_STACK, progressOf(0).lab), gradeFile(dir), ackedFile(dir)])
  await mkdir(dirname(file), { recursive: true });
mark('R');
await Promise.all([
  forever('progress', async () => {
    const p = progressOf(++k);
    if (mode === 'atomic') await store.save(p);
    else await writeInPlace(progressPath(dir, CRASH_STACK, p.lab), `${JSON.stringify(p, null, 2)}\n`);
  }),
  forever('grade', async () => {
    const text = gradeText(k);
    if (mode === 'atomic') await writeFileAtomic(gradeFile(dir), text);
    else await writeInPlace(gradeFile(dir), text);
  }),
  forever('events', async () => {
    const e = crashEvent(events++);
    if (mode === 'atomic') await appendEvent(dir, CRASH_STACK, e);
    else await appendInPieces(eventLogPath(dir, CRASH_STACK), [e]);
  }),
  forever('acked', async () => {
    const b = batches++;
    const values = ackedBatch(b);
    if (mode === 'atomic') await recordAcked(dir, CRASH_STACK, 'crash-topic', values, b);
    else
      await appendInPieces(
        ackedFile(dir),
        values.map((v) => ({ v, at: b })),
      );
  }),
]);
