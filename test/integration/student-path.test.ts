// The student path is the test of every lab. On one stack, as in a course, every lab in turn is done
// with exactly the commands `kafka-lab show` prints, run as real processes in real terminals (see
// student.ts): consumers left running, producers typed into, Ctrl-C to stop. Before each step that
// counts the student's own work, its check must fail; after the student did it, it must pass; each lab
// then grades at full marks. What the notes claim about a client is what the terminals must show.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { loadLabs } from '../../src/lab/load.js';
import { labsDir } from '../../src/paths.js';
import type { Lab, Step } from '../../src/core/lab.js';
import { cli, expectOk } from './helpers.js';
import { Student } from './student.js';

const STACK = 'it-course';
const at = ['--stack', STACK];
const COURSE = ['single-broker', 'replicated-topic', 'consumer-groups', 'consumer-failover', 'broker-failover', 'purchases'];
const labs = new Map((await loadLabs(labsDir)).map((l) => [l.id, l]));

/** Kinds that count what the student did in this lab, so leftovers of an earlier lab must not pass them. */
const COUNTS_WORK = ['topic-contains', 'topic-holds-at-least', 'group-offsets', 'group-members', 'acked-survive'];
const doesSomething = (s: Step) => s.student.some((a) => 'open' in a || 'type' in a || 'ctrlc' in a);

before(async () => {
  await cli(['down', ...at, '--volumes']);
  expectOk(await cli(['up', ...at, '--port-base', '25092']), 'up');
});
after(async () => {
  await cli(['down', ...at, '--volumes']);
});

test('every lab of the course has a student script for every step with commands', () => {
  for (const id of COURSE) {
    const lab = labs.get(id)!;
    for (const s of lab.steps) if (s.commands.length) assert.ok(s.student.length > 0, `${id} ${s.id} has commands but no student script`);
  }
  assert.deepEqual([...labs.keys()].filter((id) => id !== 'review').sort(), [...COURSE].sort());
});

async function checkStep(lab: Lab, n: number): Promise<{ pass: boolean; out: string }> {
  const r = await cli(['check', lab.id, String(n), ...at]);
  return { pass: r.exitCode === 0, out: `${r.stdout}\n${r.stderr}` };
}

for (const id of COURSE) {
  test(`${id}: the student path passes every step and grades at full marks, after the labs before it`, async () => {
    const lab = labs.get(id)!;
    const student = new Student(STACK);
    try {
      for (const [i, step] of lab.steps.entries()) {
        const n = i + 1;
        // The first check starts the lab; a step that counts the student's work must not pass yet.
        const counts = step.checks.some((c) => COUNTS_WORK.includes(c.kind)) && doesSomething(step);
        if (i === 0 || counts) {
          const early = await cli(['check', lab.id, String(n), ...at, '--wait', '0']);
          if (counts) assert.equal(early.exitCode, 1, `${id} step ${n} ${step.id} passed before the student did it:\n${early.stdout}`);
        }
        try {
          await student.doStep(lab, i);
        } catch (err) {
          throw new Error(`${id} step ${n} ${step.id}: ${(err as Error).message}`);
        }
        const r = await checkStep(lab, n);
        assert.ok(r.pass, `${id} step ${n} ${step.id} did not pass after the student did it:\n${r.out}\n${student.screens([...student.terminals.keys()]).slice(-4000)}`);
      }
      const whole = await cli(['check', lab.id, ...at, '--json']);
      assert.equal(whole.exitCode, 0, whole.stdout);
      assert.ok(JSON.parse(whole.stdout).steps.every((s: { pass: boolean; passedEarlierAt: string | null }) => s.pass || s.passedEarlierAt), whole.stdout);
      // Graded at the lab's end, with what the last step left running still running.
      const g = JSON.parse((await cli(['grade', lab.id, ...at, '--json'])).stdout);
      assert.equal(g.earned, g.possible, JSON.stringify(g.items.filter((i: { earned: number; points: number }) => i.earned < i.points), null, 2));
    } finally {
      await student.closeAll();
    }
  });
}

test('review: answers given with check --answers are kept with the progress and graded by the rubric', async () => {
  const lab = labs.get('review')!;
  const before = JSON.parse((await cli(['grade', 'review', ...at, '--json'])).stdout);
  assert.ok(before.earned < before.possible);
  for (const [i, step] of lab.steps.entries()) {
    // One answer wrong at first, then put right: the kept answer is the last one given.
    const answers = (step.quiz ?? []).map((q, j) => `${q.id}=${(j === 0 ? (q.answer + 1) % q.choices.length : q.answer) + 1}`);
    assert.equal((await cli(['check', 'review', String(i + 1), ...at, '--answers', answers.join(',')])).exitCode, 1);
    const q = step.quiz![0]!;
    expectOk(await cli(['check', 'review', String(i + 1), ...at, '--answers', `${q.id}=${q.answer + 1}`]), `check review ${i + 1}`);
  }
  const g = JSON.parse((await cli(['grade', 'review', ...at, '--json'])).stdout);
  assert.equal(g.earned, g.possible, JSON.stringify(g.items.filter((i: { earned: number; points: number }) => i.earned < i.points), null, 2));
});
