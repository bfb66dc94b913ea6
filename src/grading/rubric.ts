// Rubrics: points per item, partial credit, hidden items; graded from one snapshot of the cluster.
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { evaluate, type CheckResult } from '../core/checks/index.js';
import { UserError } from '../core/errors.js';
import type { LabCheck, QuizQuestion } from '../core/lab.js';
import { NO_SCOPE, type LabScope } from '../core/scope.js';
import { checksNeeds } from '../core/needs.js';
import { describeGap, type ClusterSnapshot, type Inspector } from '../core/snapshot.js';
import { isProblem, substitute, type Params } from '../core/params.js';
import { parseCheck, unknownTemplates } from '../lab/load.js';
import { readYaml, validate, where } from '../stack/yaml-source.js';

export interface RubricItem {
  id: string;
  title: string;
  points: number;
  partial: boolean;
  hidden: boolean;
  checks: LabCheck[];
  /** Quiz questions of the lab this item grades, by id: right when the kept answer is. */
  questions?: string[];
}

export interface Rubric {
  lab: string;
  title: string;
  version: string;
  items: RubricItem[];
  file: string;
}

const schema = z.strictObject({
  lab: z.string().min(1),
  title: z.string().min(1),
  items: z
    .array(
      z.strictObject({
        id: z.string().regex(/^[a-z0-9][a-z0-9-]*$/),
        title: z.string().min(1),
        points: z.number().min(0).max(1000),
        partial: z.boolean().default(false),
        hidden: z.boolean().default(false),
        checks: z.array(z.looseObject({ kind: z.string() })).default([]),
        questions: z.array(z.string().min(1)).default([]),
      }),
    )
    .min(1),
});

const NEXT = 'Fix the rubric file in graders/.';

/** A rubric takes its lab's parameters: `{{topic}}` is the topic this student's lab uses. */
export function parseRubric(file: string, text: string, params: Params = {}): Rubric {
  const src = readYaml(file, text, NEXT);
  const done = substitute(src.value, params);
  if (isProblem(done)) throw new UserError(`${where(src, done.path)}: ${done.message}.`, NEXT);
  unknownTemplates(src, done.value, [], params);
  const raw = validate(src, schema, done.value, NEXT);
  const ids = new Set<string>();
  const items = raw.items.map((item, i) => {
    if (ids.has(item.id))
      throw new UserError(`${where(src, ['items', i, 'id'])}: item id '${item.id}' is used twice.`, NEXT);
    ids.add(item.id);
    if (item.checks.length + item.questions.length === 0)
      throw new UserError(`${where(src, ['items', i])}: item '${item.id}' has neither checks nor questions.`, NEXT);
    return { ...item, checks: item.checks.map((c, j) => parseCheck(src, ['items', i, 'checks', j], c)) };
  });
  const version = createHash('sha256').update(text).digest('hex').slice(0, 12);
  return { lab: raw.lab, title: raw.title, version, items, file };
}

export async function loadRubric(dir: string, labId: string, params: Params = {}): Promise<Rubric> {
  const file = join(dir, `${labId}.yaml`);
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch {
    throw new UserError(`Lab '${labId}' has no rubric (${file}).`, 'Add one to graders/, or grade a lab that has one.');
  }
  const rubric = parseRubric(file, text, params);
  if (rubric.lab !== labId)
    throw new UserError(`${file}: the rubric is for lab '${rubric.lab}', not '${labId}'.`, NEXT);
  return rubric;
}

export interface ItemGrade {
  id: string;
  title: string;
  hidden: boolean;
  points: number;
  earned: number;
  results: (CheckResult & { kind: string })[];
}

export interface Grade {
  lab: string;
  stack: string;
  /** The lab's parameters this student was graded with. */
  params?: Params;
  rubricVersion: string;
  earned: number;
  possible: number;
  items: ItemGrade[];
  /** What the grade was judged on: brokers, controller, the topics' partitions, and what could not be learnt (in words). */
  evidence: Pick<ClusterSnapshot, 'brokers' | 'controller' | 'topics'> & {
    unknown: string[];
    groups: Record<string, { members: number; state: string }>;
  };
  gradedAt: string;
  /** Graded from a submission file rather than a live cluster: which, and what it says of itself. */
  submitted?: {
    file: string;
    collectedAt: string;
    kafkaLab: string;
    /** The lab file's version the student had, and whether it is the one graded with. */
    labVersion: string;
    labVersionMatches: boolean;
    clusterId: string | null;
  };
}

/** What the student's own progress adds: where the lab started, what checks read, the quiz answers. */
export interface Work {
  scope: LabScope;
  answers: Record<string, number>;
  questions: QuizQuestion[];
}

const NO_WORK: Work = { scope: NO_SCOPE, answers: {}, questions: [] };

function gradeQuestion(id: string, work: Work): CheckResult & { kind: string } {
  const q = work.questions.find((x) => x.id === id);
  const given = work.answers[id];
  if (!q) return { kind: 'quiz', pass: false, score: 0, message: `question ${id} is not in the lab.` };
  if (given === undefined)
    return { kind: 'quiz', pass: false, score: 0, message: `expected an answer to ${id}; found none kept.` };
  return given === q.answer
    ? { kind: 'quiz', pass: true, score: 1, message: `${id}: right.` }
    : {
        kind: 'quiz',
        pass: false,
        score: 0,
        message: `expected the right answer to ${id}; found '${q.choices[given] ?? given}'.`,
      };
}

export function gradeSnapshot(
  rubric: Rubric,
  stack: string,
  snap: ClusterSnapshot,
  now: Date,
  work: Work = NO_WORK,
): Grade {
  const items = rubric.items.map((item): ItemGrade => {
    const results = [
      ...item.checks.map((c) => ({ kind: c.kind, ...evaluate(c, snap, work.scope) })),
      ...(item.questions ?? []).map((q) => gradeQuestion(q, work)),
    ];
    const score = item.partial
      ? results.reduce((a, r) => a + r.score, 0) / results.length
      : results.every((r) => r.pass)
        ? 1
        : 0;
    return {
      id: item.id,
      title: item.title,
      hidden: item.hidden,
      points: item.points,
      earned: Math.round(item.points * score * 100) / 100,
      results,
    };
  });
  return {
    lab: rubric.lab,
    stack,
    rubricVersion: rubric.version,
    earned: Math.round(items.reduce((a, i) => a + i.earned, 0) * 100) / 100,
    possible: items.reduce((a, i) => a + i.points, 0),
    items,
    evidence: {
      brokers: snap.brokers,
      controller: snap.controller,
      topics: snap.topics,
      unknown: snap.gaps.map(describeGap),
      groups: Object.fromEntries(
        Object.entries(snap.groups).map(([k, g]) => [k, { members: g.members.length, state: g.state }]),
      ),
    },
    gradedAt: now.toISOString(),
  };
}

export async function grade(
  rubric: Rubric,
  stack: string,
  inspector: Inspector,
  now: () => Date,
  work?: Work,
): Promise<Grade> {
  const needs = checksNeeds(rubric.items.flatMap((i) => i.checks));
  return gradeSnapshot(rubric, stack, await inspector.snapshot(needs), now(), work);
}
