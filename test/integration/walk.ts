// One lab done the student's way, step by step, on a stack that may hold what earlier labs left: before
// each step that counts the student's own work its check must fail, after the student did it it must
// pass, and at the end the whole-lab check passes and the grade is full marks.
import assert from 'node:assert/strict';
import type { Lab, Step } from '../../src/core/lab.js';
import type { Profile } from '../../src/core/stack.js';
import { loadCourse, openLab } from '../../src/lab/tracks.js';
import { labsDir } from '../../src/paths.js';
import { cli } from './helpers.js';
import { Student } from './student.js';

/** Kinds that count what the student did in this lab, so leftovers of an earlier lab must not pass them. */
const COUNTS_WORK = ['topic-contains', 'topic-holds-at-least', 'group-offsets', 'group-members', 'acked-survive'];
const doesSomething = (s: Step) => s.student.some((a) => 'open' in a || 'type' in a || 'ctrlc' in a);

/** `params` are given to the lab's first check, as a student with their own names would. */
export async function walkLab(lab: Lab, stack: string, params: string[] = []): Promise<void> {
  const at = ['--stack', stack];
  const student = new Student(stack);
  try {
    for (const [i, step] of lab.steps.entries()) {
      const n = i + 1;
      // The first check starts the lab; a step that counts the student's work must not pass yet.
      const counts = step.checks.some((c) => COUNTS_WORK.includes(c.kind)) && doesSomething(step);
      if (i === 0 || counts) {
        const early = await cli(['check', lab.ref, String(n), ...at, '--wait', '0', ...(i === 0 ? params : [])]);
        if (counts)
          assert.equal(
            early.exitCode,
            1,
            `${lab.ref} step ${n} ${step.id} passed before the student did it:\n${early.stdout}`,
          );
        else assert.ok(early.exitCode <= 1, `${lab.ref} step ${n}: check exited ${early.exitCode}:\n${early.stderr}`);
      }
      try {
        await student.doStep(lab, i);
      } catch (err) {
        throw new Error(`${lab.ref} step ${n} ${step.id}: ${(err as Error).message}`, { cause: err });
      }
      // A quiz is answered as the student would, with the right choices (counted from 1).
      const answers = (step.quiz ?? []).map((q) => `${q.id}=${q.answer + 1}`);
      const r = await cli([
        'check',
        lab.ref,
        String(n),
        ...at,
        ...(answers.length ? ['--answers', answers.join(',')] : []),
      ]);
      assert.equal(
        r.exitCode,
        0,
        `${lab.ref} step ${n} ${step.id} did not pass after the student did it:\n${r.stdout}\n${r.stderr}\n${student.screens([...student.terminals.keys()]).slice(-4000)}`,
      );
    }
    const whole = await cli(['check', lab.ref, ...at, '--json']);
    assert.equal(whole.exitCode, 0, whole.stdout);
    assert.ok(
      JSON.parse(whole.stdout).steps.every(
        (s: { pass: boolean; passedEarlierAt: string | null }) => s.pass || s.passedEarlierAt,
      ),
      whole.stdout,
    );
    // Graded at the lab's end, with what the last step left running still running.
    const g = JSON.parse((await cli(['grade', lab.ref, ...at, '--json'])).stdout);
    assert.equal(
      g.earned,
      g.possible,
      JSON.stringify(
        g.items.filter((i: { earned: number; points: number }) => i.earned < i.points),
        null,
        2,
      ),
    );
  } finally {
    await student.closeAll();
  }
}

/** The course's labs that run on a profile, in its words, in teaching order; the review quiz is tested apart. */
export async function courseOn(profile: Profile): Promise<Lab[]> {
  const labs = await Promise.all(
    (await loadCourse(labsDir)).labs.filter((id) => id !== 'review').map((id) => openLab(labsDir, id, [], profile)),
  );
  return labs.filter((l) => (l.needs?.profile ?? profile) === profile);
}
