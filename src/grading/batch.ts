// Grading as an instructor: from this process, through Kafka and Docker's own view of containers only.
// Nothing a student's container says is asked (no exec into it); data checks read the topics with
// this process's own client, after writing a canary the student cannot predict.
import { mapLimit } from '../core/classroom.js';
import { renderError, UserError } from '../core/errors.js';
import { checksNeeds } from '../core/needs.js';
import { CANARY_PREFIX, describeGap, type ClusterSnapshot, type Inspector, type Needs } from '../core/snapshot.js';
import { writeCanaries, type Canary } from '../cluster/canary.js';
import type { Batch, StudentResult } from './formats.js';
import type { Params } from '../core/params.js';
import { gradeSnapshot, type Grade, type Rubric, type Work } from './rubric.js';

/** What a target gives the grader to read. */
export interface Opened {
  inspector: Inspector;
  /**
   * Where the grader writes its canaries. Absent for a recorded read (a submission), which carries
   * the canaries written when it was collected.
   */
  bootstrap?: string;
  canaries?: CanaryEvidence[];
  work?: Work;
  rubric?: Rubric;
  params?: Params;
  submitted?: Grade['submitted'];
}

export interface Target {
  student: string;
  /** 'stack team-01' or the bootstrap servers, for people reading the results */
  target: string;
  /** the stack's name, or the bootstrap servers: the grade's `stack` */
  name: string;
  /** Throws a UserError when the target cannot be graded at all (a stack that does not exist). */
  open: () => Promise<Opened>;
}

export type CanaryEvidence = Canary & { readBack: boolean | null };

/**
 * The grader's read of a live cluster: a canary written to every topic whose messages are needed, one
 * snapshot read through them, then the canaries looked for and taken out. A topic whose canary is not
 * read back has its messages dropped, with a gap saying why. `say` hears each phase (long on a big topic).
 */
export async function canaryRead(
  inspector: Inspector,
  bootstrap: string,
  needs: Needs,
  say: (line: string) => void = () => {},
): Promise<{ snap: ClusterSnapshot; canaries: CanaryEvidence[] }> {
  if (needs.messagesOf.length) say(`Writing a canary to ${needs.messagesOf.join(', ')}`);
  const canaries = await writeCanaries(bootstrap, needs.messagesOf);
  const written = canaries.filter((c) => c.offset !== undefined);
  say(
    `Reading ${needs.topics.length} topic(s)${needs.messagesOf.length ? `, the messages of ${needs.messagesOf.length}` : ''}${needs.groups.length ? ` and ${needs.groups.length} group(s)` : ''}`,
  );
  const snap = await inspector.snapshot({
    ...needs,
    readThrough: Object.fromEntries(written.map((c) => [c.topic, { partition: c.partition!, offset: c.offset! }])),
  });
  const evidence: CanaryEvidence[] = canaries.map((c) => {
    const values = snap.messages[c.topic];
    if (values === undefined || c.error) return { ...c, readBack: null };
    const readBack = values.some((m) => m.value === c.value);
    snap.messages[c.topic] = values.filter((m) => !m.value.startsWith(CANARY_PREFIX));
    if (!readBack) {
      delete snap.messages[c.topic];
      snap.gaps.push({
        scope: 'messages',
        topic: c.topic,
        reason: `the grader's canary (partition ${c.partition}, offset ${c.offset}) was not read back, so what was read is not trusted`,
      });
    }
    return { ...c, readBack };
  });
  return { snap, canaries: evidence };
}

/** Said when no broker answered: nothing can be graded (or submitted). */
export function noBrokerMessage(snap: ClusterSnapshot, where: string): string {
  return `No broker answered at ${where}${snap.gaps.length ? ` (${describeGap(snap.gaps[0]!)})` : ''}: the cluster is down or unreachable`;
}

export async function gradeTarget(
  base: Rubric,
  t: Target,
  now: () => Date,
): Promise<Grade & { evidence: { canaries: CanaryEvidence[] } }> {
  const { inspector, bootstrap, work, rubric = base, params, submitted, canaries: recorded } = await t.open();
  const needs = checksNeeds(rubric.items.flatMap((i) => i.checks));
  const { snap, canaries } =
    bootstrap === undefined
      ? { snap: await inspector.snapshot(needs), canaries: recorded ?? [] }
      : await canaryRead(inspector, bootstrap, needs);
  if (snap.brokers.length === 0)
    throw new UserError(`${noBrokerMessage(snap, bootstrap ?? t.target)}, so nothing could be graded.`);
  const g = {
    ...gradeSnapshot(rubric, t.name, snap, now(), work),
    ...(params && Object.keys(params).length ? { params } : {}),
    ...(submitted ? { submitted } : {}),
  };
  return { ...g, evidence: { ...g.evidence, canaries } };
}

/** Grades every target, `parallel` at once; one that cannot be graded gets a failing result with the reason. */
export async function gradeBatch(
  rubric: Rubric,
  targets: Target[],
  parallel: number,
  now: () => Date,
  onResult?: (r: StudentResult) => void,
): Promise<Batch> {
  const results = await mapLimit(targets, parallel, async (t): Promise<StudentResult> => {
    let r: StudentResult;
    try {
      r = { student: t.student, target: t.target, grade: await gradeTarget(rubric, t, now) };
    } catch (err) {
      r = { student: t.student, target: t.target, error: renderError(err).split('\n').slice(0, 2).join(' ') };
    }
    onResult?.(r);
    return r;
  });
  return { rubric, results, gradedAt: now().toISOString() };
}
