// A submission: what a student's kafka-lab read of their own cluster for one lab, written to one file
// that an instructor grades elsewhere. Its shape is closed; a digest over its canonical content shows an
// edit made without recomputing it. Pure: the file is read and written by grading/submission.ts, which
// also supplies the hash (core imports no crypto).
import { z } from 'zod';
import { closedProgressSchema } from './progress-file.js';
import type { LabProgress } from './progress.js';
import type { ClusterSnapshot, Inspector, Needs } from './snapshot.js';
import { checkStackName } from './stack.js';

export const SUBMISSION_FORMAT = 'kafka-lab-submission';
export const SUBMISSION_VERSION = 1;

/** A student id is also part of file names and report lines: plain characters only. */
export const STUDENT_ID = /^[A-Za-z0-9][A-Za-z0-9._@+-]{0,99}$/;
const name = z.string().max(249);
const int = z.number().int();
const hex12 = z.string().regex(/^[0-9a-f]{12}$/, '12 hex digits');
const offsets = z.record(z.string(), z.record(z.string(), int));

const snapshotSchema = z.strictObject({
  atMs: z.number(),
  clusterId: z.string().max(100).optional(),
  brokers: z.array(z.strictObject({ id: int, host: z.string().max(255), port: int })).max(100),
  controller: int.nullable(),
  containers: z
    .array(
      z.strictObject({
        service: name,
        name: name,
        state: z.string().max(40),
        brokerId: int.optional(),
        role: z.enum(['zookeeper', 'broker', 'controller', 'tool']).optional(),
      }),
    )
    .max(100),
  topics: z.record(
    name,
    z.strictObject({
      name,
      exists: z.boolean(),
      partitions: z.array(
        z.strictObject({
          partition: int,
          leader: int,
          replicas: z.array(int),
          isr: z.array(int),
          offline: z.array(int),
        }),
      ),
      configs: z.record(z.string(), z.string()),
    }),
  ),
  groups: z.record(
    name,
    z.strictObject({
      groupId: name,
      state: z.string().max(40),
      protocolType: z.string().max(40),
      members: z.array(
        z.strictObject({
          memberId: z.string().max(500),
          clientId: z.string().max(500),
          host: z.string().max(500),
          assignment: z.record(z.string(), z.array(int)).nullable(),
        }),
      ),
      offsets,
    }),
  ),
  messages: z.record(
    name,
    z.array(z.strictObject({ partition: int, offset: int, value: z.string(), ts: z.number().optional() })),
  ),
  acked: z.record(name, z.array(z.strictObject({ value: z.string(), atMs: z.number() }))),
  lastFaultMs: z.number().nullable(),
  gaps: z.array(
    z.strictObject({
      scope: z.enum([
        'cluster',
        'brokers',
        'topic',
        'messages',
        'configs',
        'end-offsets',
        'groups',
        'offsets',
        'quorum',
      ]),
      topic: z.string().optional(),
      group: z.string().optional(),
      via: z.enum(['kafkajs', 'kcat']).optional(),
      reason: z.string().max(2000),
    }),
  ),
  endOffsets: offsets.optional(),
  quorum: z
    .strictObject({
      leaderId: int,
      leaderEpoch: int,
      highWatermark: z.number(),
      voters: z.array(int),
      replication: z
        .array(z.strictObject({ id: int, logEndOffset: z.number(), lag: z.number(), status: z.string().max(40) }))
        .optional(),
      unanswered: z.string().max(500).optional(),
    })
    .optional(),
});

const names = z.array(name).max(1000);
const needsSchema = z.strictObject({
  topics: names,
  groups: names,
  messagesOf: names,
  ackedOf: names.optional(),
  endOffsetsOf: names.optional(),
  readThrough: z.record(name, z.strictObject({ partition: int, offset: int })).optional(),
  quorum: z.boolean().optional(),
});

const canarySchema = z.strictObject({
  topic: name,
  value: z.string().max(200),
  partition: int.optional(),
  offset: int.optional(),
  error: z.string().max(2000).optional(),
  readBack: z.boolean().nullable(),
});

export const submissionSchema = z.strictObject({
  format: z.literal(SUBMISSION_FORMAT),
  version: z.literal(SUBMISSION_VERSION),
  student: z.string().regex(STUDENT_ID, 'letters, digits and . _ @ + - (at most 100)'),
  collectedAt: z.iso.datetime(),
  stack: z.string().refine((s) => checkStackName(s) === undefined, 'a stack name'),
  lab: z.strictObject({
    id: z.string().regex(/^[a-z0-9][a-z0-9-]{0,40}$/),
    ref: z.string().regex(/^(?:[a-z0-9][a-z0-9-]{0,40}\/)?[a-z0-9][a-z0-9-]{0,40}$/),
    version: hex12,
  }),
  rubric: z.strictObject({ version: hex12 }),
  kafkaLab: z.strictObject({ version: z.string().max(40) }),
  params: z.record(z.string().max(60), z.union([z.string().max(1000), z.number(), z.array(z.string().max(1000))])),
  cluster: z.strictObject({ id: z.string().max(100).nullable(), brokers: z.array(int).max(100) }),
  needs: needsSchema,
  snapshot: snapshotSchema,
  canaries: z.array(canarySchema).max(1000),
  progress: closedProgressSchema,
  digest: z.string().regex(/^sha256:[0-9a-f]{64}$/, 'sha256: and 64 hex digits'),
});

export type Submission = Omit<z.infer<typeof submissionSchema>, 'snapshot' | 'progress' | 'needs'> & {
  snapshot: ClusterSnapshot;
  progress: LabProgress;
  needs: Needs;
};
export type SubmissionBody = Omit<Submission, 'digest'>;

/** JSON with every object's keys in order: the same content gives the same text, whoever wrote it. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

/** The text a digest is taken over: everything but the digest itself. */
export function digestText(s: SubmissionBody | Submission): string {
  const { digest: _digest, ...body } = s as Submission;
  return canonicalJson(body);
}

/** The parsed submission, or what is wrong with the text (one line). `__proto__` keys are refused. */
export function parseSubmission(text: string): Submission | string {
  let raw: unknown;
  try {
    raw = JSON.parse(text, (key, v: unknown) => {
      if (key === '__proto__') throw new Error('a key named __proto__');
      return v;
    });
  } catch (err) {
    return `not JSON: ${(err as Error).message}`;
  }
  if (raw === null || typeof raw !== 'object' || (raw as { format?: unknown }).format !== SUBMISSION_FORMAT)
    return 'not a kafka-lab submission (no "format": "kafka-lab-submission")';
  const version = (raw as { version?: unknown }).version;
  if (version !== SUBMISSION_VERSION)
    return `submission format version ${JSON.stringify(version)}; this kafka-lab reads version ${SUBMISSION_VERSION}`;
  const parsed = submissionSchema.safeParse(raw, { jitless: true });
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    return `${issue.path.join('.') || 'the file'}: ${issue.message}`;
  }
  return parsed.data as Submission;
}

export type Refusal = 'edited' | 'other-lab' | 'other-rubric';

/**
 * Why a submission cannot be graded as sound against this lab and rubric, or undefined. `digestOf`
 * hashes digestText (sha256, 'sha256:<hex>'). The digest is checked first: an edited file's other
 * fields say nothing.
 */
export function judgeSubmission(
  s: Submission,
  expected: { lab: string; rubricVersion: string },
  digestOf: (text: string) => string,
): { refusal: Refusal; message: string } | undefined {
  if (digestOf(digestText(s)) !== s.digest)
    return {
      refusal: 'edited',
      message: 'the file was edited after kafka-lab wrote it (its digest does not match its content)',
    };
  if (s.lab.id !== expected.lab)
    return { refusal: 'other-lab', message: `it is a submission for lab '${s.lab.id}', not '${expected.lab}'` };
  if (s.rubric.version !== expected.rubricVersion)
    return {
      refusal: 'other-rubric',
      message: `it was made for rubric version ${s.rubric.version}; this rubric is version ${expected.rubricVersion}`,
    };
  return undefined;
}

/**
 * An Inspector that answers with the recorded snapshot: grading a submission runs the same checks on
 * it as on a live cluster. What is asked beyond what was recorded is a gap, never a guess.
 */
export function recordedInspector(s: Pick<Submission, 'snapshot' | 'needs'>): Inspector {
  return {
    snapshot(needs: Needs) {
      const snap = structuredClone(s.snapshot);
      const had = (asked: string[] | undefined, recorded: string[] | undefined) =>
        (asked ?? []).filter((x) => !(recorded ?? []).includes(x));
      const reason = 'the submission did not record it';
      for (const topic of had(needs.topics, s.needs.topics)) snap.gaps.push({ scope: 'topic', topic, reason });
      for (const topic of had(needs.messagesOf, s.needs.messagesOf))
        snap.gaps.push({ scope: 'messages', topic, reason });
      for (const topic of had(needs.endOffsetsOf, s.needs.endOffsetsOf))
        snap.gaps.push({ scope: 'end-offsets', topic, reason });
      if (had(needs.groups, s.needs.groups).length) snap.gaps.push({ scope: 'groups', reason });
      if (needs.quorum && !s.needs.quorum) snap.gaps.push({ scope: 'quorum', reason });
      return Promise.resolve(snap);
    },
  };
}
