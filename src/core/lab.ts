// The lab model: what a student sees and what kafka-lab checks. Pure types and template rendering.
import type { CheckSpec } from './checks/index.js';
import type { Params } from './params.js';

import type { FaultAction } from './faults.js';
import type { Profile } from './stack.js';

export interface Fault {
  action: FaultAction;
  /** service/container name (kafka-2), broker:N, controller, or leader:<topic>/<partition> */
  target: string;
}

export type SolutionAction =
  | { run: string; timeoutSeconds?: number }
  | { consumer: { id: string; topic: string; group?: string; from?: 'beginning' | 'end' } }
  | { stopConsumer: string }
  | { produce: { topic: string; values: string[]; keys?: string[] } }
  | { fault: Fault }
  | { simulate: { topic: string; count: number } };

export interface LabCheck extends CheckSpec {
  /** Poll up to this long for checks whose truth arrives with time. */
  within?: number;
}

export interface QuizQuestion {
  id: string;
  question: string;
  choices: string[];
  answer: number;
  explain: string;
}

/**
 * What a student does in a step, with the step's commands (counted from 1), in named terminals. The
 * student-path test follows it with the printed commands as real processes; it is never run for a user.
 */
export type StudentAction =
  /** Run command N in a new terminal and leave it running; `lines` are typed into it. */
  | { open: string; command: number; lines?: string[] }
  /** Type lines into an open terminal. */
  | { type: string; lines: string[] }
  /** Press Ctrl-C in an open terminal; it must end. */
  | { ctrlc: string }
  /** Run command N to its end (`lines` typed, then Ctrl-D); its output must match `expect`, run again for up to `again` seconds. */
  | { run: number; lines?: string[]; expect?: string; fails?: boolean; again?: number }
  /** Wait until these terminals' output matches `pattern` (`times`: at least that many matches in all). */
  | { wait: string[]; pattern: string; times?: number }
  /** These terminals printed these values: each in one of them (`each: once`) or in all of them (`each: all`). */
  | { sees: string[]; values: string[]; each?: 'once' | 'all' | 'any' }
  /** Remember a topic's end offsets now, under a name. */
  | { mark: string; topic: string }
  /** Every record of `topic` from the mark up to `group`'s committed offsets was printed in one of these terminals. */
  | { sees: string[]; topic: string; since: string; group: string };

export interface Step {
  id: string;
  title: string;
  instructions: string;
  commands: string[];
  hint?: string;
  solution: SolutionAction[];
  fault?: Fault;
  checks: LabCheck[];
  quiz?: QuizQuestion[];
  /** Concept notes shown beside the step. */
  notes?: string;
  student: StudentAction[];
}

export interface Lab {
  id: string;
  /** How commands name this lab: its id, or TRACK/ID on a track with the track's parameters. */
  ref: string;
  title: string;
  summary: string;
  minutes: number;
  /** The one profile the lab runs on, if it does not run on both. */
  needs?: { profile: Profile };
  /** The parameters' values for this run of the lab, and the lab's own defaults. */
  params: Params;
  declared: Params;
  /** Brokers kafka-lab stops when the lab starts (a lab that begins with one broker). */
  start?: { stopped: string[] };
  topics: string[];
  steps: Step[];
  file: string;
}

export interface TemplateContext {
  /** service -> container name for this stack */
  containers: Record<string, string>;
  bootstrap: string;
  internalBootstrap: string;
  network: string;
  /** ` --stack NAME` for a stack other than the default, so a printed kafka-lab command reaches it. */
  stackFlag?: string;
}

const TEMPLATE = /\{\{\s*([a-z0-9-]+)\s*\}\}/g;

/** Names a lab may use in {{...}}: every service of the stack, and these. */
export const TEMPLATE_WORDS = ['bootstrap', 'internal-bootstrap', 'network', 'stack-flag'];

export function templateNames(text: string): string[] {
  return [...text.matchAll(TEMPLATE)].map((m) => m[1]!);
}

export function render(text: string, ctx: TemplateContext): string {
  return text.replace(TEMPLATE, (whole, name: string) => {
    if (name === 'bootstrap') return ctx.bootstrap;
    if (name === 'internal-bootstrap') return ctx.internalBootstrap;
    if (name === 'network') return ctx.network;
    if (name === 'stack-flag') return ctx.stackFlag ?? '';
    return ctx.containers[name] ?? whole;
  });
}

export function findStep(lab: Lab, ref: string): Step | undefined {
  const n = Number(ref);
  if (Number.isInteger(n) && n >= 1 && n <= lab.steps.length) return lab.steps[n - 1];
  return lab.steps.find((s) => s.id === ref);
}

/** Topics whose contents before a fault are evidence for a later check (acked-survive). */
export function evidenceTopics(lab: Lab): string[] {
  return [
    ...new Set(
      lab.steps.flatMap((s) =>
        s.checks.filter((c) => c.kind === 'acked-survive').map((c) => (c.params as { topic: string }).topic),
      ),
    ),
  ];
}
