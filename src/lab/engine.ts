// Checking a step against the live cluster: one snapshot for all of a step's checks, polled
// until each check passes or its own `within` runs out. Failing checks are results, not errors.
import { evaluate, needsOf, type CheckResult } from '../core/checks.js';
import type { LabCheck, QuizQuestion, Step } from '../core/lab.js';
import { mergeNeeds, type ClusterSnapshot } from '../core/snapshot.js';
import type { Clock } from '../core/wait.js';
import type { Inspector } from '../cluster/inspector.js';

export interface CheckOutcome {
  check: LabCheck;
  result: CheckResult;
}

export interface StepResult {
  stepId: string;
  pass: boolean;
  outcomes: CheckOutcome[];
  quiz?: QuizOutcome[];
  unknown: string[];
  tookMs: number;
}

export interface QuizOutcome {
  id: string;
  pass: boolean;
  message: string;
}

export interface CheckOptions {
  clock: Clock;
  signal?: AbortSignal;
  /** Overrides every check's `within` (seconds). */
  waitSeconds?: number;
  answers?: Record<string, number>;
  onPoll?: (snapshot: ClusterSnapshot, outcomes: CheckOutcome[]) => void;
}

export async function checkStep(step: Step, inspector: Inspector, o: CheckOptions): Promise<StepResult> {
  const started = o.clock.now();
  const quiz = step.quiz ? gradeQuiz(step.quiz, o.answers ?? {}) : undefined;
  if (step.checks.length === 0) {
    return { stepId: step.id, pass: quiz ? quiz.every((q) => q.pass) : true, outcomes: [], quiz, unknown: [], tookMs: 0 };
  }
  const needs = mergeNeeds(step.checks.map(needsOf));
  const until = step.checks.map((c) => started + 1000 * (o.waitSeconds ?? c.within ?? 0));
  for (;;) {
    const snap = await inspector.snapshot(needs);
    const outcomes = step.checks.map((check) => ({ check, result: evaluate(check, snap) }));
    o.onPoll?.(snap, outcomes);
    const now = o.clock.now();
    const settled = outcomes.every((x, i) => x.result.pass || now >= until[i]!);
    if (settled || o.signal?.aborted) {
      const pass = outcomes.every((x) => x.result.pass) && (quiz?.every((q) => q.pass) ?? true);
      return { stepId: step.id, pass, outcomes, quiz, unknown: snap.unknown, tookMs: now - started };
    }
    await o.clock.pause(1000, o.signal).catch(() => {});
  }
}

export function gradeQuiz(questions: QuizQuestion[], answers: Record<string, number>): QuizOutcome[] {
  return questions.map((q) => {
    const given = answers[q.id];
    if (given === undefined) return { id: q.id, pass: false, message: `${q.id}: not answered yet.` };
    if (given === q.answer) return { id: q.id, pass: true, message: `${q.id}: right. ${q.explain}` };
    return { id: q.id, pass: false, message: `${q.id}: '${q.choices[given] ?? given}' is not right. ${q.explain}` };
  });
}
