import { EXIT, UsageError } from '../core/errors.js';
import { evidenceTopics, type Step } from '../core/lab.js';
import { checkNow, checkStep, type StepResult } from '../core/engine.js';
import { describeGap } from '../core/snapshot.js';
import { formatStepResult, stepsOf } from '../core/present.js';
import { scopeOf, withResult } from '../core/progress.js';
import { fileProgressStore } from '../lab/progress.js';
import { started } from '../lab/start.js';
import { systemClock } from '../runtime/clock.js';
import { command, stackOptions } from '../cli/command.js';
import { labContext, stateDirOf, stopFor } from '../context/lab.js';
import { labOf, paramOptions } from '../context/lab-ref.js';
import { stackOptionsOf } from '../context/stack.js';
import { openLab } from '../lab/tracks.js';
import { labsDir } from '../paths.js';

function parseAnswers(text: string | undefined, steps: Step[]): Record<string, number> {
  if (!text) return {};
  const questions = steps.flatMap((s) => s.quiz ?? []);
  const out: Record<string, number> = {};
  for (const part of text.split(',')) {
    const [id, choice] = part.split('=');
    const q = questions.find((x) => x.id === id);
    const n = Number(choice);
    if (!q || !Number.isInteger(n) || n < 1 || n > q.choices.length) {
      throw new UsageError(
        `--answers '${part}' is not QUESTION=CHOICE with a choice from 1 to the number of choices.`,
        `Questions: ${questions.map((x) => x.id).join(', ')}.`,
      );
    }
    out[q.id] = n - 1;
  }
  return out;
}

export const checkCommand = command({
  name: 'check',
  usage:
    'kafka-lab check LAB [STEP] [--stack NAME] [--wait SECONDS] [--answers q1=2,q2=1] [--param NAME=VALUE] [--restart] [--json]',
  details: [
    'STEP is a step id or number. One step is polled until its checks pass or their time runs out; the',
    'whole lab is judged at once, each step as the cluster is now, with when it last passed.',
    "The lab's first check starts it: from then on its checks count only what happens in this lab",
    '(messages sent, offsets committed, consumers that joined). --restart starts it over.',
    'Answers are kept with the progress. Exit code 0 only when everything checked passed (or, for a',
    'whole lab, passed at some point), 1 when a check failed.',
  ].join('\n'),
  options: {
    ...stackOptions,
    ...paramOptions,
    wait: {
      type: 'string',
      value: 'SECONDS',
      description: "keep polling failing checks this long (default: each check's own allowance)",
    },
    answers: { type: 'string', value: 'ID=N,...', description: 'answers to quiz questions, choices counted from 1' },
    restart: { type: 'boolean', description: 'start the lab over: count from now, forget step results' },
    json: { type: 'boolean', description: 'print the results as JSON' },
  },
  maxPositionals: 2,
  async run(inv) {
    const [labId, stepRef] = inv.positionals;
    if (!labId) throw new UsageError('Which lab? kafka-lab check LAB [STEP].', "Run 'kafka-lab labs' to see them.");
    const store = fileProgressStore(stateDirOf(inv.env), stackOptionsOf(inv).stack);
    const restart = inv.values.restart === true;
    const wait = inv.values.wait === undefined ? undefined : Number(inv.values.wait);
    if (wait !== undefined && !(wait >= 0 && wait <= 600))
      throw new UsageError(`--wait ${inv.values.wait} is not a number of seconds from 0 to 600.`);
    // Quiz-only steps need no stack, so the stack (and its profile) is used only for steps with checks;
    // it is asked for while the lab is read.
    const asked = labContext(inv);
    asked.catch(() => {});
    const needsCluster = stepsOf(await openLab(labsDir, labId), stepRef).some((s) => s.checks.length > 0);
    const ctx = needsCluster ? await asked : undefined;
    const { lab, loaded } = await labOf(inv.values, labId, store, { restart, profile: ctx?.knownProfile });
    const steps = stepsOf(lab, stepRef);
    const given = parseAnswers(inv.values.answers, steps);
    if (loaded.warning) inv.err.write(`${loaded.warning}\n`);
    let progress = loaded.progress;
    progress = await started(ctx?.inspector, lab, progress, { restart, stop: ctx && stopFor(ctx, inv) });
    progress = { ...progress, answers: { ...progress.answers, ...given } };
    // Quiz-only steps are judged locally and need no stack.
    const inspector = ctx?.inspector ?? { snapshot: () => Promise.reject(new Error('quiz steps read no cluster')) };
    const o = {
      clock: systemClock,
      answers: progress.answers,
      scope: scopeOf(progress),
      keepReadsOf: evidenceTopics(lab),
    };
    const results: StepResult[] =
      stepRef === undefined
        ? await checkNow(steps, inspector, o)
        : [await checkStep(steps[0]!, inspector, { ...o, signal: inv.signal, waitSeconds: wait })];
    const before = progress;
    for (const r of results) progress = withResult(progress, r, systemClock.now());
    if (stepRef !== undefined && results[0]!.pass)
      progress = { ...progress, current: Math.min(lab.steps.indexOf(steps[0]!) + 1, lab.steps.length - 1) };
    await store.save(progress);
    const earlier = (r: StepResult) => (r.pass ? undefined : before.steps[r.stepId]?.passedAtMs);
    if (!inv.values.json) for (const r of results) inv.out.write(`${formatStepResult(lab, r, earlier(r))}\n`);
    const done = (r: StepResult) => r.pass || earlier(r) !== undefined;
    const pass = stepRef === undefined ? results.every(done) : results.every((r) => r.pass);
    if (inv.values.json) {
      const json = {
        lab: lab.ref,
        stack: ctx?.spec.stack ?? null,
        params: lab.params,
        pass,
        startedAt: progress.baseline ? new Date(progress.baseline.atMs).toISOString() : null,
        steps: results.map((r) => ({
          id: r.stepId,
          pass: r.pass,
          passedEarlierAt: earlier(r) === undefined ? null : new Date(earlier(r)!).toISOString(),
          tookMs: r.tookMs,
          checks: r.outcomes.map((x) => ({ kind: x.check.kind, params: x.check.params, ...x.result })),
          quiz: r.quiz,
          unknown: r.gaps.map(describeGap),
        })),
      };
      inv.out.write(`${JSON.stringify(json, null, 2)}\n`);
    }
    return pass ? EXIT.ok : EXIT.failed;
  },
});
