import { EXIT, UsageError } from '../core/errors.js';
import { findStep, type Lab, type Step } from '../core/lab.js';
import { checkStep, type StepResult } from '../lab/engine.js';
import { findLab } from '../lab/load.js';
import { labsDir } from '../paths.js';
import { systemClock } from '../runtime/clock.js';
import { stackOptions, type Command, type Invocation } from './command.js';
import { labContext } from './lab-context.js';

export function stepsOf(lab: Lab, ref: string | undefined): Step[] {
  if (ref === undefined) return lab.steps;
  const step = findStep(lab, ref);
  if (!step) throw new UsageError(`Lab '${lab.id}' has no step '${ref}'.`, `Steps: ${lab.steps.map((s, i) => `${i + 1} ${s.id}`).join(', ')}.`);
  return [step];
}

export function formatStepResult(lab: Lab, r: StepResult): string {
  const index = lab.steps.findIndex((s) => s.id === r.stepId);
  const step = lab.steps[index]!;
  const lines = [`${r.pass ? 'PASS' : 'FAIL'}  step ${index + 1} ${step.id}: ${step.title}`];
  for (const o of r.outcomes) lines.push(`      ${o.result.pass ? '✔' : '✘'} ${o.result.message}`);
  for (const q of r.quiz ?? []) lines.push(`      ${q.pass ? '✔' : '✘'} ${q.message}`);
  if (!r.pass && r.unknown.length) lines.push(`      (could not learn: ${r.unknown.join('; ')})`);
  if (!r.pass && step.hint) lines.push(`      hint: ${step.hint.trim().split('\n')[0]}`);
  return lines.join('\n');
}

function parseAnswers(text: string | undefined, steps: Step[]): Record<string, number> {
  if (!text) return {};
  const questions = steps.flatMap((s) => s.quiz ?? []);
  const out: Record<string, number> = {};
  for (const part of text.split(',')) {
    const [id, choice] = part.split('=');
    const q = questions.find((x) => x.id === id);
    const n = Number(choice);
    if (!q || !Number.isInteger(n) || n < 1 || n > q.choices.length) {
      throw new UsageError(`--answers '${part}' is not QUESTION=CHOICE with a choice from 1 to the number of choices.`, `Questions: ${questions.map((x) => x.id).join(', ')}.`);
    }
    out[q.id] = n - 1;
  }
  return out;
}

export const checkCommand: Command = {
  name: 'check',
  summary: "Check one step of a lab, or all of them, against the live cluster.",
  usage: 'kafka-lab check LAB [STEP] [--stack NAME] [--wait SECONDS] [--answers q1=2,q2=1] [--json]',
  details: 'STEP is a step id or number. Exit code 0 only when everything checked passed, 1 when a check failed.',
  options: {
    ...stackOptions,
    wait: { type: 'string', value: 'SECONDS', description: "keep polling failing checks this long (default: each check's own allowance)" },
    answers: { type: 'string', value: 'ID=N,...', description: 'answers to quiz questions, choices counted from 1' },
    json: { type: 'boolean', description: 'print the results as JSON' },
  },
  maxPositionals: 2,
  async run(inv: Invocation) {
    const [labId, stepRef] = inv.positionals;
    if (!labId) throw new UsageError('Which lab? kafka-lab check LAB [STEP].', "Run 'kafka-lab labs' to see them.");
    const lab = await findLab(labsDir, labId);
    const steps = stepsOf(lab, stepRef);
    const answers = parseAnswers(inv.values.answers as string | undefined, steps);
    const wait = inv.values.wait === undefined ? undefined : Number(inv.values.wait);
    if (wait !== undefined && !(wait >= 0 && wait <= 600)) throw new UsageError(`--wait ${inv.values.wait} is not a number of seconds from 0 to 600.`);
    const needsCluster = steps.some((s) => s.checks.length > 0);
    const ctx = needsCluster ? await labContext(inv) : undefined;
    // Quiz-only steps are judged locally and need no stack.
    const inspector = ctx?.inspector ?? { snapshot: () => Promise.reject(new Error('quiz steps read no cluster')) };
    const results: StepResult[] = [];
    for (const step of steps) {
      const r = await checkStep(step, inspector, { clock: systemClock, signal: inv.signal, waitSeconds: wait, answers });
      results.push(r);
      if (!inv.values.json) inv.out.write(`${formatStepResult(lab, r)}\n`);
    }
    const pass = results.every((r) => r.pass);
    if (inv.values.json) {
      inv.out.write(`${JSON.stringify({ lab: lab.id, stack: ctx?.spec.stack ?? null, pass, steps: results.map((r) => ({ id: r.stepId, pass: r.pass, tookMs: r.tookMs, checks: r.outcomes.map((o) => ({ kind: o.check.kind, params: o.check.params, ...o.result })), quiz: r.quiz, unknown: r.unknown })) }, null, 2)}\n`);
    }
    return pass ? EXIT.ok : EXIT.failed;
  },
};
