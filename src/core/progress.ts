// A student's progress through one lab on one stack: the current step, each step's last result and
// the quiz answers given, as kept between commands; the port it is saved through; reading it back.
// Pure: the file store is lab/progress.ts.
import type { StepResult } from './engine.js';
import type { Lab } from './lab.js';
import { addReads, type Baseline, type LabScope, type Read } from './scope.js';
import { describeGap } from './snapshot.js';

export type StepStatus = 'not-started' | 'passed' | 'failed';

export interface ResultLine {
  pass: boolean;
  text: string;
}

export interface StepRecord {
  status: 'passed' | 'failed';
  /** When the check finished. */
  atMs: number;
  tookMs: number;
  lines: ResultLine[];
  /** What the inspector could not learn during the check, in words (see describeGap). */
  unknown: string[];
  /** The last time the step passed, kept when a later check fails (the state moved on). */
  passedAtMs?: number;
}

export interface LabProgress {
  version: 1;
  lab: string;
  stack: string;
  /** Index of the current step. */
  current: number;
  steps: Record<string, StepRecord>;
  /** Quiz question id -> chosen index (from 0). */
  answers: Record<string, number>;
  updatedAtMs: number;
  /** The cluster when the lab started (opened in the UI, or its first check): checks count from here. */
  baseline?: Baseline;
  /** What passing checks read of the lab's topics: evidence of what they held before a fault. */
  reads?: Read[];
  /** This student's own parameter values (--param), kept so every later command uses them. */
  params?: Record<string, unknown>;
}

export function scopeOf(p: LabProgress): LabScope {
  return { baseline: p.baseline, reads: p.reads ?? [] };
}

/** The progress with a step's check result in it, and what the check read kept as evidence. */
export function withResult(p: LabProgress, r: StepResult, atMs: number): LabProgress {
  const lines: ResultLine[] = [
    ...r.outcomes.map((o) => ({ pass: o.result.pass, text: o.result.message })),
    ...(r.quiz ?? []).map((q) => ({ pass: q.pass, text: q.message })),
  ];
  const passedAtMs = r.pass ? atMs : p.steps[r.stepId]?.passedAtMs;
  const rec: StepRecord = {
    status: r.pass ? 'passed' : 'failed',
    atMs,
    tookMs: r.tookMs,
    lines,
    unknown: r.pass ? [] : r.gaps.map(describeGap),
    ...(passedAtMs !== undefined ? { passedAtMs } : {}),
  };
  return {
    ...p,
    steps: { ...p.steps, [r.stepId]: rec },
    reads: addReads(p.reads ?? [], r.reads ?? []),
    updatedAtMs: atMs,
  };
}

export interface LoadedProgress {
  progress: LabProgress;
  /** Said to the student when the saved file could not be used. */
  warning?: string;
}

/** The port the session saves through; the file store (lab/progress.ts) is its only real implementation. */
export interface ProgressStore {
  load(lab: Lab, o?: { setAside?: boolean }): Promise<LoadedProgress>;
  /** Resolves a notice when another process had saved this lab's progress since this store last read or wrote it. */
  save(p: LabProgress): Promise<{ notice: string } | void>;
}

export function emptyProgress(lab: Lab, stack: string, now = 0): LabProgress {
  return { version: 1, lab: lab.ref, stack, current: 0, steps: {}, answers: {}, updatedAtMs: now };
}

export function statusOf(p: LabProgress, stepId: string): StepStatus {
  return p.steps[stepId]?.status ?? 'not-started';
}

/** Keeps what still fits the lab as it is now: steps may have been renamed or removed since. */
export function fitToLab(p: LabProgress, lab: Lab): LabProgress {
  const ids = new Set(lab.steps.map((s) => s.id));
  const questions = new Map(lab.steps.flatMap((s) => s.quiz ?? []).map((q) => [q.id, q]));
  return {
    ...p,
    current: Math.min(p.current, lab.steps.length - 1),
    steps: Object.fromEntries(Object.entries(p.steps).filter(([id]) => ids.has(id))),
    answers: Object.fromEntries(
      Object.entries(p.answers).filter(([id, n]) => (questions.get(id)?.choices.length ?? 0) > n),
    ),
  };
}
