import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, symlink, truncate, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  canonicalJson,
  judgeSubmission,
  parseSubmission,
  recordedInspector,
  type Submission,
  type SubmissionBody,
} from '../../src/core/submission.js';
import { emptyProgress } from '../../src/core/progress.js';
import { parseRubric, gradeSnapshot } from '../../src/grading/rubric.js';
import { parseLab } from '../../src/lab/load.js';
import { readSubmission, sealSubmission, sha256Digest, submissionFiles } from '../../src/grading/submission.js';
import { emptySnapshot } from './snapshot-fixture.js';

const LAB = parseLab(
  'labs/demo.yaml',
  `id: demo
title: Demo
summary: A demo lab.
minutes: 5
topics: [t]
steps:
  - id: create
    title: Create
    instructions: Create t.
    commands: []
    solution: []
    checks:
      - { kind: topic-exists, topic: t, partitions: 1 }
`,
);
const RUBRIC = parseRubric(
  'graders/demo.yaml',
  `lab: demo
title: Demo
items:
  - { id: topic, title: t exists, points: 10, checks: [{ kind: topic-exists, topic: t, partitions: 1 }] }
  - { id: data, title: t holds a and b, points: 5, hidden: true, checks: [{ kind: topic-contains, topic: t, values: [a, b] }] }
`,
);
const EXPECTED = { lab: 'demo', rubricVersion: RUBRIC.version };

function body(): SubmissionBody {
  const snapshot = emptySnapshot({
    atMs: 1_000,
    clusterId: 'abc',
    topics: {
      t: {
        name: 't',
        exists: true,
        configs: {},
        partitions: [{ partition: 0, leader: 1, replicas: [1], isr: [1], offline: [] }],
      },
    },
    messages: {
      t: [
        { partition: 0, offset: 0, value: 'a', ts: 5 },
        { partition: 0, offset: 1, value: 'b', ts: 6 },
      ],
    },
  });
  return {
    format: 'kafka-lab-submission',
    version: 1,
    student: 'alice',
    collectedAt: '2026-12-03T10:00:00.000Z',
    stack: 'sub-1',
    lab: { id: 'demo', ref: 'demo', version: '0123456789ab' },
    rubric: { version: RUBRIC.version },
    kafkaLab: { version: '0.1.0' },
    params: {},
    cluster: { id: 'abc', brokers: [1, 2, 3] },
    needs: { topics: ['t'], groups: [], messagesOf: ['t'] },
    snapshot,
    canaries: [{ topic: 't', value: 'kafka-lab-canary-00', partition: 0, offset: 2, readBack: true }],
    progress: { ...emptyProgress(LAB, 'sub-1', 900), answers: { q1: 0 } },
  };
}

const sealed = () => sealSubmission(body());
const reparse = (s: unknown) => parseSubmission(JSON.stringify(s, null, 2));
/** What is wrong, or 'sound' for a submission that parsed. */
const problem = (r: Submission | string) => (typeof r === 'string' ? r : 'parsed');

test('a sealed submission reads back whole and is judged sound', () => {
  const s = sealed();
  const back = reparse(s);
  assert.equal(problem(back), 'parsed');
  assert.deepEqual(back, s);
  assert.equal(judgeSubmission(back as Submission, EXPECTED, sha256Digest), undefined);
});

test('the digest does not depend on key order or indentation', () => {
  const s = sealed();
  const shuffled = Object.fromEntries(Object.entries(s).reverse());
  assert.equal(canonicalJson(shuffled), canonicalJson(s));
  const back = parseSubmission(JSON.stringify(shuffled));
  assert.equal(judgeSubmission(back as Submission, EXPECTED, sha256Digest), undefined);
});

test('an edited file is reported as edited: a message count, an answer, a step time', () => {
  const edits: ((s: Submission) => void)[] = [
    (s) => s.snapshot.messages.t!.pop(),
    (s) => (s.progress.answers.q1 = 1),
    (s) => (s.progress.updatedAtMs += 1),
    (s) => (s.student = 'bob'),
    (s) => (s.params = { topic: 'x' }),
  ];
  for (const edit of edits) {
    const s = structuredClone(sealed());
    edit(s);
    const back = reparse(s) as Submission;
    assert.equal(typeof back, 'object');
    assert.equal(judgeSubmission(back, EXPECTED, sha256Digest)?.refusal, 'edited', edit.toString());
  }
});

test('another lab or another rubric version is reported as such, even with the digest recomputed', () => {
  const other = sealSubmission({
    ...body(),
    lab: { id: 'consumer-groups', ref: 'consumer-groups', version: '0123456789ab' },
  });
  const r1 = judgeSubmission(reparse(other) as Submission, EXPECTED, sha256Digest);
  assert.equal(r1?.refusal, 'other-lab');
  assert.match(r1!.message, /lab 'consumer-groups', not 'demo'/);
  const older = sealSubmission({ ...body(), rubric: { version: 'ffffffffffff' } });
  const r2 = judgeSubmission(reparse(older) as Submission, EXPECTED, sha256Digest);
  assert.equal(r2?.refusal, 'other-rubric');
  assert.match(r2!.message, /rubric version ffffffffffff/);
});

test('the shape is closed: unknown keys, wrong types, other formats and __proto__ are refused with a path', () => {
  const s = sealed() as unknown as Record<string, unknown>;
  const cases: [unknown, RegExp][] = [
    [{ ...s, extra: 1 }, /Unrecognized key/],
    [{ ...s, snapshot: { ...(s.snapshot as object), sneaky: true } }, /snapshot/],
    [
      { ...s, progress: { ...(s.progress as object), steps: { x: { status: 'passed', bogus: 1 } } } },
      /progress\.steps\.x/,
    ],
    [{ ...s, student: '../../etc/passwd' }, /^student:/],
    [{ ...s, format: 'other' }, /not a kafka-lab submission/],
    [{ ...s, version: 2 }, /format version 2/],
    [[1, 2], /not a kafka-lab submission/],
    ['"text"', /not a kafka-lab submission/],
  ];
  for (const [value, re] of cases) assert.match(problem(reparse(value)), re);
  assert.match(problem(parseSubmission('{"__proto__": {"polluted": 1}}')), /__proto__/);
  assert.match(problem(parseSubmission('{nope')), /^not JSON/);
  assert.equal(({} as { polluted?: number }).polluted, undefined);
});

test('any one change to a sealed file is refused by its shape or caught by its digest', () => {
  // A small deterministic fuzz: each leaf of the file is changed in turn (numbers moved, strings
  // altered, booleans flipped); nothing may come back as sound.
  const s = sealed();
  const leaves: (string | number)[][] = [];
  const walk = (v: unknown, path: (string | number)[]) => {
    if (v !== null && typeof v === 'object')
      for (const [k, x] of Object.entries(v)) walk(x, [...path, Array.isArray(v) ? Number(k) : k]);
    else if (path[0] !== 'digest') leaves.push(path);
  };
  walk(s, []);
  assert.ok(leaves.length > 40, `${leaves.length} leaves`);
  for (const path of leaves) {
    const copy = structuredClone(s) as unknown as Record<string | number, unknown>;
    let at = copy;
    for (const k of path.slice(0, -1)) at = at[k] as Record<string | number, unknown>;
    const key = path.at(-1)!;
    const v = at[key];
    at[key] = typeof v === 'number' ? v + 1 : typeof v === 'boolean' ? !v : v === null ? 0 : `${v as string}x`;
    const back = reparse(copy);
    if (typeof back === 'string') continue;
    assert.equal(judgeSubmission(back, EXPECTED, sha256Digest)?.refusal, 'edited', path.join('.'));
  }
});

test('the recorded inspector gives the recorded snapshot to the same checks, and gaps for what was not recorded', async () => {
  const s = sealed();
  const live = gradeSnapshot(RUBRIC, 'sub-1', s.snapshot, new Date(0));
  const inspector = recordedInspector(s);
  const fromFile = gradeSnapshot(
    RUBRIC,
    'sub-1',
    await inspector.snapshot({ topics: ['t'], groups: [], messagesOf: ['t'] }),
    new Date(0),
  );
  assert.deepEqual(fromFile, live);
  assert.equal(fromFile.earned, 15);
  const more = await inspector.snapshot({ topics: ['t', 'u'], groups: ['g'], messagesOf: ['u'], quorum: true });
  assert.deepEqual(
    more.gaps.map((g) => `${g.scope}:${g.topic ?? ''}`),
    ['topic:u', 'messages:u', 'groups:', 'quorum:'],
  );
  more.messages.t!.pop();
  assert.equal(s.snapshot.messages.t!.length, 2, 'the recorded snapshot is handed out as a copy');
});

test('files: too big, a link, a folder of *.json, comma lists; a missing path is a usage problem', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'kafka-lab-sub-'));
  const good = join(dir, 'a.json');
  await writeFile(good, JSON.stringify(sealed()));
  const big = join(dir, 'big.json');
  await writeFile(big, '');
  await truncate(big, 40 * 1024 * 1024);
  assert.match(problem(await readSubmission(big)), /is 40 MiB; a submission is at most 32 MiB/);
  await symlink('/etc/passwd', join(dir, 'link.json'));
  assert.match(problem(await readSubmission(join(dir, 'link.json'))), /not a plain file/);
  await writeFile(join(dir, 'notes.txt'), 'x');
  assert.deepEqual(
    (await submissionFiles([dir])).map((f) => f.slice(dir.length + 1)),
    ['a.json', 'big.json', 'link.json'],
  );
  assert.deepEqual(await submissionFiles([`${good},${good}`, good]), [good]);
  await assert.rejects(submissionFiles([join(dir, 'nope')]), /There is no submission file or folder/);
  assert.equal(typeof (await readSubmission(good)), 'object');
});
