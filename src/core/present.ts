// Pure presentation of a lab step for plain output: the same text the UI shows.
import type { StepResult } from './engine.js';
import { UsageError } from './errors.js';
import { findStep, render, type Lab, type Step, type TemplateContext } from './lab.js';
import { describeGap } from './snapshot.js';

/** `docker exec -ti kcat kcat ...` as the host's own kcat would type it, with host addresses. */
export function hostKcatAlternative(
  command: string,
  t: TemplateContext,
  hostByInternal: Record<string, string>,
): string | undefined {
  const rendered = render(command, t);
  const prefix = [`docker exec -ti ${t.containers.kcat} kcat `, `docker exec -i ${t.containers.kcat} kcat `].find((x) =>
    rendered.startsWith(x),
  );
  if (!prefix) return undefined;
  let rest = rendered.slice(prefix.length);
  for (const [internal, host] of Object.entries(hostByInternal)) rest = rest.split(internal).join(host);
  return `kcat ${rest}`;
}

export function stepText(
  step: Step,
  index: number,
  total: number,
  t: TemplateContext,
  o: { hint: boolean; solution: boolean; hostKcat?: Record<string, string> },
): string {
  const lines = [`Step ${index + 1}/${total}  ${step.id}: ${step.title}`, '', step.instructions.trimEnd()];
  if (step.notes)
    lines.push(
      '',
      ...step.notes
        .trimEnd()
        .split('\n')
        .map((l) => `  | ${l}`),
    );
  if (step.commands.length) {
    lines.push('', 'Type:');
    for (const c of step.commands) {
      lines.push(`  $ ${render(c, t)}`);
      const alt = o.hostKcat && hostKcatAlternative(c, t, o.hostKcat);
      if (alt) lines.push(`    (or with kcat installed on this machine: ${alt})`);
    }
  }
  for (const [i, q] of (step.quiz ?? []).entries()) {
    lines.push('', `${i + 1}. [${q.id}] ${q.question}`, ...q.choices.map((c, j) => `     ${j + 1}) ${c}`));
  }
  if (o.hint && step.hint) lines.push('', `Hint: ${step.hint.trimEnd()}`);
  if (o.solution) {
    lines.push('', 'Solution:');
    for (const q of step.quiz ?? []) lines.push(`  ${q.id}: ${q.answer + 1}) ${q.choices[q.answer]} - ${q.explain}`);
    for (const c of step.commands) lines.push(`  $ ${render(c, t)}`);
  }
  if (step.fault)
    lines.push('', `This step's fault: kafka-lab fault ${step.fault.action} ${step.fault.target}${t.stackFlag ?? ''}`);
  return lines.join('\n');
}

/** The steps a STEP argument names: one (by number or id), or all of them. */
export function stepsOf(lab: Lab, ref: string | undefined): Step[] {
  if (ref === undefined) return lab.steps;
  const step = findStep(lab, ref);
  if (!step)
    throw new UsageError(
      `Lab '${lab.ref}' has no step '${ref}'.`,
      `Steps: ${lab.steps.map((s, i) => `${i + 1} ${s.id}`).join(', ')}.`,
    );
  return [step];
}

/** One step's result as plain lines: PASS, FAIL or DONE, each check, what could not be learnt, the hint. */
export function formatStepResult(lab: Lab, r: StepResult, passedAtMs?: number): string {
  const index = lab.steps.findIndex((s) => s.id === r.stepId);
  const step = lab.steps[index]!;
  const earlier =
    passedAtMs === undefined ? '' : `  (passed at ${new Date(passedAtMs).toISOString().slice(11, 19)} UTC; now:)`;
  const lines = [
    `${r.pass ? 'PASS' : passedAtMs === undefined ? 'FAIL' : 'DONE'}  step ${index + 1} ${step.id}: ${step.title}${earlier}`,
  ];
  for (const o of r.outcomes) lines.push(`      ${o.result.pass ? '✔' : '✘'} ${o.result.message}`);
  for (const q of r.quiz ?? []) lines.push(`      ${q.pass ? '✔' : '✘'} ${q.message}`);
  if (!r.pass && r.gaps.length) lines.push(`      (could not learn: ${r.gaps.map(describeGap).join('; ')})`);
  if (!r.pass && passedAtMs === undefined && step.hint) lines.push(`      hint: ${step.hint.trim().split('\n')[0]}`);
  return lines.join('\n');
}
