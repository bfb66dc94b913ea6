import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync, mkdirSync, existsSync, rmSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { emptyProgress, fitToLab, type LabProgress } from '../../src/core/progress.js';
import { fileProgressStore, progressPath } from '../../src/lab/progress.js';
import { writeFileAtomic } from '../../src/files.js';
import { brokerFailover } from './ui-fixtures.js';

const dirs: string[] = [];
const tmp = () => {
  const d = mkdtempSync(join(tmpdir(), 'kafka-lab-ui-progress-'));
  dirs.push(d);
  return d;
};
after(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

function someProgress(): LabProgress {
  return {
    ...emptyProgress(brokerFailover, 'ui-p', 1),
    current: 4,
    steps: {
      'create-topic': {
        status: 'passed',
        atMs: 10,
        tookMs: 3,
        lines: [{ pass: true, text: 'topic exists' }],
        unknown: [],
      },
    },
    answers: {},
  };
}

test('progress is saved under <state>/<stack>/progress/<lab>.json and loads back the same', async () => {
  const dir = tmp();
  const store = fileProgressStore(dir, 'ui-p');
  await store.save(someProgress());
  const file = join(dir, 'ui-p', 'progress', 'broker-failover.json');
  assert.equal(progressPath(dir, 'ui-p', 'broker-failover'), file);
  assert.deepEqual(JSON.parse(readFileSync(file, 'utf8')), someProgress());
  const loaded = await fileProgressStore(dir, 'ui-p').load(brokerFailover);
  assert.equal(loaded.warning, undefined);
  assert.deepEqual(loaded.progress, someProgress());
  assert.deepEqual(readdirSync(dirname(file)), ['broker-failover.json'], 'no temporary file is left behind');
});

test('no saved progress: step 1, nothing passed, no warning', async () => {
  const loaded = await fileProgressStore(tmp(), 'ui-p').load(brokerFailover);
  assert.equal(loaded.warning, undefined);
  assert.equal(loaded.progress.current, 0);
  assert.deepEqual(loaded.progress.steps, {});
});

test('the atomic write: a reader never sees a partial file, and the last save wins', async () => {
  const dir = tmp();
  const store = fileProgressStore(dir, 'ui-p');
  const file = progressPath(dir, 'ui-p', 'broker-failover');
  await store.save(someProgress());
  const big = (n: number): LabProgress => ({
    ...someProgress(),
    current: n % 8,
    // Large enough that a non-atomic write would be seen half done.
    steps: Object.fromEntries(
      brokerFailover.steps.map((s) => [
        s.id,
        {
          status: 'failed',
          atMs: n,
          tookMs: n,
          lines: Array.from({ length: 200 }, (_, i) => ({ pass: false, text: `line ${i} of save ${n}` })),
          unknown: [],
        },
      ]),
    ),
  });
  const saves = Array.from({ length: 30 }, (_, n) => store.save(big(n)));
  let reads = 0;
  const reader = (async () => {
    let done = false;
    void Promise.all(saves).then(() => (done = true));
    while (!done) {
      const text = await readFile(file, 'utf8');
      JSON.parse(text); // throws on a torn file
      reads++;
      await new Promise((r) => setImmediate(r));
    }
  })();
  await Promise.all([...saves, reader]);
  assert.ok(reads > 0);
  const final = JSON.parse(readFileSync(file, 'utf8')) as LabProgress;
  assert.equal(final.steps['create-topic']!.atMs, 29, 'the last save is what is on disk');
  assert.deepEqual(readdirSync(dirname(file)), ['broker-failover.json']);
});

test('a crash mid-write leaves the old file: a stray temporary file is ignored', async () => {
  const dir = tmp();
  const store = fileProgressStore(dir, 'ui-p');
  await store.save(someProgress());
  const file = progressPath(dir, 'ui-p', 'broker-failover');
  // What a crash between write and rename leaves: a half-written temporary file beside the real one.
  writeFileSync(`${file}.12345.abcdef.tmp`, '{"version":1,"lab":"broker-fail');
  const loaded = await fileProgressStore(dir, 'ui-p').load(brokerFailover);
  assert.equal(loaded.warning, undefined);
  assert.equal(loaded.progress.current, 4);
});

test('writeFileAtomic replaces a file whole and creates missing directories', async () => {
  const dir = tmp();
  const file = join(dir, 'a', 'b', 'c.json');
  await writeFileAtomic(file, 'one');
  await writeFileAtomic(file, 'two');
  assert.equal(readFileSync(file, 'utf8'), 'two');
  assert.deepEqual(readdirSync(dirname(file)), ['c.json']);
});

for (const [what, text] of [
  ['not JSON', '{"version":1,"lab":"broker-fail'],
  [
    'JSON of the wrong shape',
    '{"version":1,"lab":"broker-failover","stack":"ui-p","current":"four","steps":{},"answers":{},"updatedAtMs":0}',
  ],
  ['another lab', JSON.stringify({ ...someProgress(), lab: 'purchases' })],
] as const) {
  test(`a corrupt progress file (${what}) is reported and set aside, and the lab starts again`, async () => {
    const dir = tmp();
    const file = progressPath(dir, 'ui-p', 'broker-failover');
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, text);
    const store = fileProgressStore(dir, 'ui-p', () => Date.UTC(2026, 0, 2, 3, 4, 5));
    const loaded = await store.load(brokerFailover);
    assert.equal(loaded.progress.current, 0);
    assert.deepEqual(loaded.progress.steps, {});
    const aside = `${file}.corrupt-2026-01-02T03-04-05-000Z`;
    assert.match(loaded.warning ?? '', /was not usable/);
    assert.ok(loaded.warning!.includes(aside), loaded.warning);
    assert.equal(readFileSync(aside, 'utf8'), text, 'the bad file is kept for a look');
    assert.equal(existsSync(file), false);
    // And saving works again afterwards.
    await store.save(someProgress());
    assert.equal((await store.load(brokerFailover)).progress.current, 4);
  });
}

test('the picker reads without setting anything aside', async () => {
  const dir = tmp();
  const file = progressPath(dir, 'ui-p', 'broker-failover');
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, 'garbage');
  const loaded = await fileProgressStore(dir, 'ui-p').load(brokerFailover, { setAside: false });
  assert.match(loaded.warning ?? '', /not usable/);
  assert.equal(readFileSync(file, 'utf8'), 'garbage');
});

test('progress saved for an older version of the lab keeps only what still fits', () => {
  const p = fitToLab(
    {
      ...someProgress(),
      current: 40,
      steps: { ...someProgress().steps, 'gone-step': { status: 'passed', atMs: 1, tookMs: 1, lines: [], unknown: [] } },
      answers: { nope: 1 },
    },
    brokerFailover,
  );
  assert.equal(p.current, brokerFailover.steps.length - 1);
  assert.deepEqual(Object.keys(p.steps), ['create-topic']);
  assert.deepEqual(p.answers, {});
});
