// The student path is the test of every lab. On one stack, as in a course, every lab in turn is done
// with exactly the commands `kafka-lab show` prints, run as real processes in real terminals (see
// student.ts): consumers left running, producers typed into, Ctrl-C to stop. Before each step that
// counts the student's own work, its check must fail; after the student did it, it must pass; each lab
// then grades at full marks. What the notes claim about a client is what the terminals must show.
// This file walks the course on the ZooKeeper stack; kraft.test.ts walks it on KRaft.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { loadLabs } from '../../src/lab/load.js';
import { labsDir } from '../../src/paths.js';
import { cli, expectOk } from './helpers.js';
import { courseOn, walkLab } from './walk.js';

const STACK = 'it-course';
const at = ['--stack', STACK];
const labs = new Map((await loadLabs(labsDir)).map((l) => [l.id, l]));
const COURSE = await courseOn('zookeeper');

before(async () => {
  await cli(['down', ...at, '--volumes']);
  expectOk(await cli(['up', ...at, '--port-base', '25092']), 'up');
});
after(async () => {
  await cli(['down', ...at, '--volumes']);
});

test('every lab has a student script for every step with commands', () => {
  for (const lab of labs.values()) {
    for (const s of lab.steps)
      if (s.commands.length) assert.ok(s.student.length > 0, `${lab.id} ${s.id} has commands but no student script`);
  }
  assert.deepEqual(
    COURSE.map((l) => l.id),
    ['single-broker', 'replicated-topic', 'consumer-groups', 'consumer-failover', 'broker-failover', 'purchases'],
  );
});

for (const lab of COURSE) {
  test(`${lab.id}: the student path passes every step and grades at full marks, after the labs before it`, () =>
    walkLab(lab, STACK));
}

test('review: answers given with check --answers are kept with the progress and graded by the rubric', async () => {
  const lab = labs.get('review')!;
  const before = JSON.parse((await cli(['grade', 'review', ...at, '--json'])).stdout);
  assert.ok(before.earned < before.possible);
  for (const [i, step] of lab.steps.entries()) {
    // One answer wrong at first, then put right: the kept answer is the last one given.
    const answers = (step.quiz ?? []).map(
      (q, j) => `${q.id}=${(j === 0 ? (q.answer + 1) % q.choices.length : q.answer) + 1}`,
    );
    assert.equal((await cli(['check', 'review', String(i + 1), ...at, '--answers', answers.join(',')])).exitCode, 1);
    const q = step.quiz![0]!;
    expectOk(
      await cli(['check', 'review', String(i + 1), ...at, '--answers', `${q.id}=${q.answer + 1}`]),
      `check review ${i + 1}`,
    );
  }
  const g = JSON.parse((await cli(['grade', 'review', ...at, '--json'])).stdout);
  assert.equal(
    g.earned,
    g.possible,
    JSON.stringify(
      g.items.filter((i: { earned: number; points: number }) => i.earned < i.points),
      null,
      2,
    ),
  );
});
