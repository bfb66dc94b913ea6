// Submission files: collected by a student's kafka-lab with the grader's own canary-backed read,
// sealed with a digest, and read back by the instructor's as a grading Target. The shape and the
// judgement are core/submission.ts; this module adds the hash, the files and the wiring.
import { createHash } from 'node:crypto';
import { lstat, readdir, readFile, stat } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { UserError } from '../core/errors.js';
import type { Lab } from '../core/lab.js';
import { checksNeeds } from '../core/needs.js';
import { scopeOf, type LabProgress } from '../core/progress.js';
import { mergeNeeds, type Inspector } from '../core/snapshot.js';
import {
  digestText,
  judgeSubmission,
  parseSubmission,
  recordedInspector,
  SUBMISSION_FORMAT,
  SUBMISSION_VERSION,
  type Submission,
  type SubmissionBody,
} from '../core/submission.js';
import { canaryRead, noBrokerMessage, type Opened, type Target } from './batch.js';
import type { Rubric } from './rubric.js';

/** Far above any lab's snapshot (a few hundred KB); a larger file is refused before it is read. */
export const MAX_SUBMISSION_BYTES = 32 * 1024 * 1024;

export const sha256Digest = (text: string) => `sha256:${createHash('sha256').update(text).digest('hex')}`;

export function sealSubmission(body: SubmissionBody): Submission {
  return { ...body, digest: sha256Digest(digestText(body)) };
}

/** A lab file's version: the first 12 hex digits of its text's sha256, as a rubric's. */
export async function labVersion(lab: Lab): Promise<string> {
  return createHash('sha256')
    .update(await readFile(lab.file, 'utf8'))
    .digest('hex')
    .slice(0, 12);
}

export interface Collected {
  submission: Submission;
  /** What could not be read, in words: recorded in the file too. */
  gaps: number;
}

/**
 * Reads the student's cluster for everything the lab's checks and every rubric item (hidden ones
 * too) need, with the grader's canaries, and makes the submission. Throws when no broker answers.
 */
export async function collectSubmission(o: {
  inspector: Inspector;
  bootstrap: string;
  lab: Lab;
  rubric: Rubric;
  progress: LabProgress;
  student: string;
  stack: string;
  kafkaLab: string;
  now: () => Date;
  say?: (line: string) => void;
}): Promise<Submission> {
  const needs = mergeNeeds([
    checksNeeds(o.lab.steps.flatMap((s) => s.checks)),
    checksNeeds(o.rubric.items.flatMap((i) => i.checks)),
  ]);
  const { snap, canaries } = await canaryRead(o.inspector, o.bootstrap, needs, o.say);
  if (snap.brokers.length === 0)
    throw new UserError(
      `${noBrokerMessage(snap, o.bootstrap)}, so there is nothing to submit.`,
      `Check it with 'kafka-lab status --stack ${o.stack}', start what is stopped ('kafka-lab heal --stack ${o.stack}'), then submit again.`,
    );
  return sealSubmission({
    format: SUBMISSION_FORMAT,
    version: SUBMISSION_VERSION,
    student: o.student,
    collectedAt: o.now().toISOString(),
    stack: o.stack,
    lab: { id: o.lab.id, ref: o.lab.ref, version: await labVersion(o.lab) },
    rubric: { version: o.rubric.version },
    kafkaLab: { version: o.kafkaLab },
    params: o.lab.params,
    cluster: { id: snap.clusterId ?? null, brokers: snap.brokers.map((b) => b.id) },
    needs,
    snapshot: snap,
    canaries,
    progress: o.progress,
  });
}

/**
 * The files DIR_OR_FILES names: each argument may list several, comma-separated; a directory gives
 * its own *.json files (not those of folders inside it). A name that is not there is a usage error.
 */
export async function submissionFiles(args: string[]): Promise<string[]> {
  const out: string[] = [];
  for (const path of args.flatMap((a) => a.split(',')).filter((p) => p.trim() !== '')) {
    const st = await stat(path).catch(() => undefined);
    if (!st)
      throw new UserError(`There is no submission file or folder '${path}'.`, 'Give a folder of *.json or the files.');
    if (st.isDirectory()) {
      const names = (await readdir(path)).filter((n) => n.endsWith('.json')).sort();
      out.push(...names.map((n) => join(path, n)));
    } else out.push(path);
  }
  return [...new Set(out)];
}

/** The submission, or what is wrong with the file as words that follow its name ("is 40 MiB; ..."). */
export async function readSubmission(file: string): Promise<Submission | string> {
  const st = await lstat(file).catch((err: Error) => err);
  if (st instanceof Error) return `cannot be read (${st.message})`;
  if (!st.isFile()) return 'is not a plain file (a link or a folder); give the file itself';
  if (st.size > MAX_SUBMISSION_BYTES)
    return `is ${Math.round(st.size / 1048576)} MiB; a submission is at most ${MAX_SUBMISSION_BYTES / 1048576} MiB`;
  const text = await readFile(file, 'utf8').catch((err: Error) => err);
  if (text instanceof Error) return `cannot be read (${text.message})`;
  const parsed = parseSubmission(text);
  return typeof parsed === 'string' ? `is not usable: ${parsed}` : parsed;
}

/** A name for a file that cannot be read: its base name, in plain characters. */
const fileStudent = (file: string) =>
  basename(file)
    .replace(/[^A-Za-z0-9._@+-]/g, '_')
    .slice(0, 100) || 'submission';

/**
 * A grading Target for one submission file. `studentLab` gives the instructor's lab and rubric with
 * the submission's parameters. A file that is unreadable, edited, for another lab or rubric version
 * is not graded: opening it throws, and the batch reports the reason for that student alone.
 */
export async function submissionTarget(
  file: string,
  lab: Lab,
  rubric: Rubric,
  studentLab: (
    params: Record<string, unknown>,
    origin: string,
  ) => Promise<{ lab: Lab; rubric: Rubric; params: Record<string, unknown> }>,
): Promise<Target> {
  const read = await readSubmission(file);
  const where = basename(file);
  if (typeof read === 'string') {
    return {
      student: fileStudent(file),
      target: `file ${where}`,
      name: where,
      open: () => Promise.reject(new UserError(`Submission ${file} ${read}.`)),
    };
  }
  const version = await labVersion(lab);
  return {
    student: read.student,
    target: `file ${where}`,
    name: read.stack,
    async open(): Promise<Opened> {
      const refused = judgeSubmission(read, { lab: lab.id, rubricVersion: rubric.version }, sha256Digest);
      if (refused) throw new UserError(`Submission ${file} is not graded: ${refused.message}.`);
      const mine = await studentLab(read.params, `the submission ${where}`);
      return {
        inspector: recordedInspector(read),
        canaries: read.canaries,
        work: {
          scope: scopeOf(read.progress),
          answers: read.progress.answers,
          questions: mine.lab.steps.flatMap((s) => s.quiz ?? []),
        },
        rubric: mine.rubric,
        params: mine.params as Opened['params'],
        submitted: {
          file: where,
          collectedAt: read.collectedAt,
          kafkaLab: read.kafkaLab.version,
          labVersion: read.lab.version,
          labVersionMatches: read.lab.version === version,
          clusterId: read.cluster.id,
        },
      };
    },
  };
}
