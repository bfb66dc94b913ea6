// Crash safety of what kafka-lab writes: the kill -9 loop on the real writers (test/crash-loop.ts),
// and the record files' rules one by one. The 1000-kill run is bench/crash.ts.
import assert from 'node:assert/strict';
import { appendFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { appendRecords, readRecords, writeFileAtomic } from '../../src/files.js';
import { readAcked, recordAcked } from '../../src/faults/acked.js';
import { killLoop } from '../crash-loop.js';

const tmp = () => mkdtempSync(join(tmpdir(), 'kafka-lab-crash-'));
const KILLS = Number(process.env.KAFKA_LAB_CRASH_KILLS ?? 50);

test(`kill -9 at random moments (${KILLS} times): every file is the old version or the new, never torn`, async () => {
  const r = await killLoop({ dir: tmp(), mode: 'atomic', kills: KILLS, maxDelayMs: 40 });
  assert.equal(r.kills, KILLS);
  assert.deepEqual(r.examples, []);
  assert.equal(r.tornKills, 0);
  // The loop proves something only if kills land while writes are under way and the files move on.
  assert.ok(r.midWrite > KILLS / 2, `only ${r.midWrite} of ${KILLS} kills landed during a write`);
  assert.ok(r.written.progress > 0 && r.written.events > 0 && r.written.batches > 0, JSON.stringify(r.written));
  // A killed writer's temporary file is removed by the next write of the same file.
  assert.ok(r.leftoverTemps <= 2, `${r.leftoverTemps} temporary files left`);
});

test('the same loop catches a writer that writes in place or appends in pieces', async () => {
  const r = await killLoop({ dir: tmp(), mode: 'torn', kills: 60, maxDelayMs: 40, stopAtTorn: true });
  assert.equal(r.tornKills, 1, `no torn file in ${r.kills} kills of the careless writer`);
  assert.match(r.examples[0]!, /not usable|not a whole|batch|is not event|went back|lost/);
});

const isNum = (v: unknown): v is { n: number } => typeof (v as { n?: unknown })?.n === 'number';

test('a record cut off by a crash is skipped with a notice, and the next append starts on a line of its own', async () => {
  const file = join(tmp(), 'r.jsonl');
  await appendRecords(file, [{ n: 1 }, { n: 2 }]);
  appendFileSync(file, '{"n":3,"pad":"xx'); // a writer killed mid-record
  let read = await readRecords(file, isNum);
  assert.deepEqual(read.records, [{ n: 1 }, { n: 2 }]);
  assert.deepEqual(read.skipped, [{ line: 3, reason: 'cut off: no end of line' }]);
  await appendRecords(file, [{ n: 4 }]);
  read = await readRecords(file, isNum);
  assert.deepEqual(read.records, [{ n: 1 }, { n: 2 }, { n: 4 }]);
  assert.equal(read.skipped.length, 1);
  assert.equal(readFileSync(file, 'utf8').split('\n').length, 5);
});

test('an acknowledged write cut off mid-record is not counted, and the reader says so', async () => {
  const dir = tmp();
  await recordAcked(dir, 's', 't', ['a', 'b'], 1);
  appendFileSync(join(dir, 's', 'acked', 't.jsonl'), '{"v":"c","at":2');
  const notices: string[] = [];
  const acked = await readAcked(dir, 's', 't', (l) => notices.push(l));
  assert.deepEqual(
    acked.map((a) => a.value),
    ['a', 'b'],
  );
  assert.match(notices.join('\n'), /1 line\(s\) of .*t\.jsonl are not whole records.*line 3: cut off/);
});

test("a killed writer's temporary file is removed by the next write; a live writer's is kept", async () => {
  const dir = tmp();
  const file = join(dir, 'out', 'grades.csv');
  mkdirSync(join(dir, 'out'));
  const dead = `.grades.csv.${2 ** 22 + 12345}.abc123.tmp`; // above Linux's pid_max default: no such process
  const live = `.grades.csv.${process.ppid}.def456.tmp`;
  writeFileSync(join(dir, 'out', dead), 'half');
  writeFileSync(join(dir, 'out', live), 'half');
  await writeFileAtomic(file, 'new');
  assert.deepEqual(readdirSync(join(dir, 'out')).sort(), [live, 'grades.csv'].sort());
  assert.equal(readFileSync(file, 'utf8'), 'new');
});
