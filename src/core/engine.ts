// Checking a step against the live cluster: one snapshot for all of a step's checks, polled
// until each check passes or its own `within` runs out. Failing checks are results, not errors.
import { evaluate, readsMessages, type CheckResult } from './checks/index.js';
import type { LabCheck, QuizQuestion, Step } from './lab.js';
import { checksNeeds } from './needs.js';
import { messagesSince, NO_SCOPE, type LabScope, type Read } from './scope.js';
import type { ClusterSnapshot, Gap, Inspector } from './snapshot.js';
import type { Clock } from './wait.js';

export interface CheckOutcome {
  check: LabCheck;
  result: CheckResult;
}

export interface StepResult {
  stepId: string;
  pass: boolean;
  outcomes: CheckOutcome[];
  quiz?: QuizOutcome[];
  /** What the snapshot could not learn. */
  gaps: Gap[];
  tookMs: number;
  /** When the step passed: what its checks read of each topic, this lab's part only. */
  reads?: Read[];
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
  /** Where the lab started and what earlier checks read; without it everything in the cluster counts. */
  scope?: LabScope;
  /** Topics whose reads a passing step keeps as evidence (see lab.ts evidenceTopics). */
  keepReadsOf?: readonly string[];
  onPoll?: (snapshot: ClusterSnapshot, outcomes: CheckOutcome[]) => void;
}

/** A step without checks: its quiz decides, and nothing was asked of the cluster. */
function quizOnly(step: Step, quiz: QuizOutcome[] | undefined): StepResult {
  return {
    stepId: step.id,
    pass: quiz ? quiz.every((q) => q.pass) : true,
    outcomes: [],
    quiz,
    gaps: [],
    tookMs: 0,
    reads: [],
  };
}

export async function checkStep(step: Step, inspector: Inspector, o: CheckOptions): Promise<StepResult> {
  const started = o.clock.now();
  const quiz = step.quiz ? gradeQuiz(step.quiz, o.answers ?? {}) : undefined;
  if (step.checks.length === 0) return quizOnly(step, quiz);
  const scope = o.scope ?? NO_SCOPE;
  const needs = checksNeeds(step.checks);
  const until = step.checks.map((c) => started + 1000 * (o.waitSeconds ?? c.within ?? 0));
  for (;;) {
    const snap = await inspector.snapshot(needs);
    const result = judge(step, snap, { scope, keep: o.keepReadsOf ?? [] }, quiz, o.clock.now() - started);
    o.onPoll?.(snap, result.outcomes);
    const now = o.clock.now();
    const settled = result.outcomes.every((x, i) => x.result.pass || now >= until[i]!);
    if (settled || o.signal?.aborted) return { ...result, tookMs: now - started };
    await o.clock.pause(1000, o.signal).catch(() => {});
  }
}

/** Every step judged once against one snapshot: a whole lab's state now, with no waiting. */
export async function checkNow(
  steps: Step[],
  inspector: Inspector,
  o: Pick<CheckOptions, 'clock' | 'answers' | 'scope' | 'keepReadsOf'>,
): Promise<StepResult[]> {
  const started = o.clock.now();
  const scope = o.scope ?? NO_SCOPE;
  const withChecks = steps.filter((s) => s.checks.length > 0);
  const snap = withChecks.length
    ? await inspector.snapshot(checksNeeds(withChecks.flatMap((s) => s.checks)))
    : undefined;
  const took = o.clock.now() - started;
  return steps.map((step) => {
    const quiz = step.quiz ? gradeQuiz(step.quiz, o.answers ?? {}) : undefined;
    if (!snap || step.checks.length === 0) return quizOnly(step, quiz);
    return judge(step, snap, { scope, keep: o.keepReadsOf ?? [] }, quiz, took);
  });
}

function judge(
  step: Step,
  snap: ClusterSnapshot,
  o: { scope: LabScope; keep: readonly string[] },
  quiz: QuizOutcome[] | undefined,
  tookMs: number,
): StepResult {
  const { scope } = o;
  const outcomes = step.checks.map((check) => ({ check, result: evaluate(check, snap, scope) }));
  const pass = outcomes.every((x) => x.result.pass) && (quiz?.every((q) => q.pass) ?? true);
  const read = step.checks.filter(readsMessages).map((c) => (c.params as { topic: string }).topic);
  const topics = [...new Set(read)].filter((t) => o.keep.includes(t));
  const reads = pass
    ? topics.flatMap((topic) => {
        const all = snap.messages[topic];
        return all
          ? [
              {
                stepId: step.id,
                atMs: snap.atMs,
                topic,
                messages: messagesSince(scope, topic, all, snap.endOffsets?.[topic]),
              },
            ]
          : [];
      })
    : [];
  return { stepId: step.id, pass, outcomes, quiz, gaps: snap.gaps, tookMs, reads };
}

export function gradeQuiz(questions: QuizQuestion[], answers: Record<string, number>): QuizOutcome[] {
  return questions.map((q) => {
    const given = answers[q.id];
    if (given === undefined) return { id: q.id, pass: false, message: `${q.id}: not answered yet.` };
    if (given === q.answer) return { id: q.id, pass: true, message: `${q.id}: right. ${q.explain}` };
    return { id: q.id, pass: false, message: `${q.id}: '${q.choices[given] ?? given}' is not right. ${q.explain}` };
  });
}
