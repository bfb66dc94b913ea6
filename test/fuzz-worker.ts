// Runs kafka-lab's readers of untrusted input in a worker thread, one input per message, so that the
// fuzz test (test/unit/fuzz.test.ts) can end a run that hangs: the test terminates the worker.
import { mkdirSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parentPort } from 'node:worker_threads';
import { expandStackNames, parseNamesFile } from '../src/core/classroom.js';
import { UserError } from '../src/core/errors.js';
import { render, type Lab } from '../src/core/lab.js';
import type { Profile } from '../src/core/stack.js';
import { checkStackName } from '../src/core/stack.js';
import { judgeSubmission, parseSubmission, recordedInspector } from '../src/core/submission.js';
import { templatesOf } from '../src/core/templates.js';
import { splitWords } from '../src/core/words.js';
import { parseRoster } from '../src/grading/roster.js';
import { parseRubric } from '../src/grading/rubric.js';
import { readSubmission, sha256Digest } from '../src/grading/submission.js';
import { parseLab, resolveParams } from '../src/lab/load.js';
import { withoutTty } from '../src/lab/runner.js';
import { resolveStack } from '../src/stack/compose.js';
import { loadCourse, openLab } from '../src/lab/tracks.js';
import { symlinkSync } from 'node:fs';

// The YAML reader's cache goes to a directory of this run's own; nothing else is read.
const scratch = mkdtempSync(join(tmpdir(), 'kafka-lab-fuzz-'));
process.env.KAFKA_LAB_CACHE = join(scratch, 'cache');

export type Job =
  | { kind: 'lab'; file: string; text: string; profile: Profile }
  | { kind: 'rubric'; file: string; text: string; params: Record<string, string | number | string[]> }
  | { kind: 'roster'; file: string; text: string }
  | { kind: 'names'; text: string }
  | { kind: 'names-file'; file: string; text: string }
  | { kind: 'submission'; text: string; lab: string; params?: boolean }
  | { kind: 'compose'; file: string; text: string }
  | { kind: 'course'; text: string };

export interface Outcome {
  accepted: boolean;
  /** A refusal: the error's class, whether it is a UserError, and its message. */
  error?: { name: string; user: boolean; message: string; stack?: string };
  /** What an accepted input must never do (a solution command beyond the allowed ones, a bad name). */
  violations: string[];
}

const ALLOWED = ['exec', 'stop', 'start', 'kill', 'pause', 'unpause', 'restart'];
const EXEC_FLAGS = ['-i', '-t', '-ti', '-it', '--interactive', '--tty'];
const composeFile = { zookeeper: 'compose/zk-3-brokers.yaml', kraft: 'compose/kraft-3-brokers.yaml' } as const;
const stacks = (profile: Profile) =>
  ['default', 'fz-01'].map((stack) =>
    resolveStack(composeFile[profile], readFileSync(composeFile[profile], 'utf8'), { stack }),
  );

/** Every solution command of an accepted lab, as the runner would run it on these stacks: only allowed. */
function solutionViolations(lab: Lab, profile: Profile): string[] {
  const out: string[] = [];
  for (const spec of stacks(profile)) {
    const t = templatesOf(spec);
    const own = new Set(Object.values(t.containers));
    for (const step of lab.steps)
      for (const a of step.solution) {
        if (!('run' in a)) continue;
        let argv: string[];
        try {
          argv = withoutTty(splitWords(render(a.run, t)));
        } catch (err) {
          out.push(`'${a.run}' cannot be split after rendering: ${(err as Error).message}`);
          continue;
        }
        const bad = (why: string) => out.push(`'${a.run}' on stack ${spec.stack} runs ${JSON.stringify(argv)}: ${why}`);
        if (argv[0] !== 'docker') bad('not docker');
        else if (!ALLOWED.includes(argv[1] ?? '')) bad(`verb ${argv[1]}`);
        else {
          let i = 2;
          if (argv[1] === 'exec')
            while (argv[i]?.startsWith('-')) if (!EXEC_FLAGS.includes(argv[i++]!)) bad('exec flag');
          const targets = argv[1] === 'exec' ? argv.slice(i, i + 1) : argv.slice(2);
          if (targets.length === 0) bad('no container');
          for (const c of targets) if (!own.has(c)) bad(`container '${c}' is not the stack's`);
          if (argv[1] === 'exec' && argv.length <= i + 1) bad('exec without a command');
        }
      }
  }
  return out;
}

// A labs folder of this run's own: the real labs, and the course file under test.
const labsDir = join(scratch, 'labs');
mkdirSync(labsDir);
for (const f of readdirSync('labs')) if (f !== 'tracks.yaml') symlinkSync(resolve('labs', f), join(labsDir, f));

const labText = (id: string) => readFileSync(`labs/${id}.yaml`, 'utf8');

async function run(job: Job): Promise<Outcome> {
  const violations: string[] = [];
  switch (job.kind) {
    case 'lab': {
      const lab = parseLab(job.file, job.text, [], job.profile);
      // A lab for one profile runs only on that profile's stacks, worded for it (context/lab-ref labOf).
      const profile = lab.needs?.profile ?? job.profile;
      const worded = profile === job.profile ? lab : parseLab(job.file, job.text, [], profile);
      violations.push(...solutionViolations(worded, profile));
      break;
    }
    case 'rubric':
      parseRubric(job.file, job.text, job.params);
      break;
    case 'roster':
      for (const e of parseRoster(job.file, job.text)) {
        if ((e.stack === undefined) === (e.bootstrap === undefined))
          violations.push(`${e.student}: stack and bootstrap`);
        if (e.stack !== undefined && checkStackName(e.stack)) violations.push(`bad stack name '${e.stack}' accepted`);
      }
      break;
    case 'names':
    case 'names-file': {
      const names = job.kind === 'names' ? expandStackNames(job.text) : parseNamesFile(job.file, job.text);
      for (const n of names) if (checkStackName(n)) violations.push(`bad stack name '${n}' accepted`);
      if (new Set(names).size !== names.length) violations.push('a name accepted twice');
      break;
    }
    case 'submission': {
      const parsed = parseSubmission(job.text);
      const file = join(scratch, 'submission.json');
      writeFileSync(file, job.text);
      const read = await readSubmission(file);
      if (typeof parsed !== typeof read) violations.push('parseSubmission and readSubmission disagree');
      if (typeof parsed === 'string') return { accepted: false, violations };
      if (judgeSubmission(parsed, { lab: job.lab, rubricVersion: 'abcdef012345' }, sha256Digest))
        return { accepted: false, violations };
      await recordedInspector(parsed).snapshot({
        topics: ['t', ...Object.keys(parsed.snapshot.topics)],
        messagesOf: Object.keys(parsed.snapshot.messages),
        groups: ['g'],
        quorum: true,
      });
      // The submission's parameters go to the instructor's lab, as grading does.
      if (job.params) {
        const lab = parseLab(`labs/${job.lab}.yaml`, labText(job.lab));
        resolveParams(lab.id, lab.declared, [{ values: parsed.params, origin: 'the submission' }]);
      }
      break;
    }
    case 'compose':
      resolveStack(job.file, job.text, { stack: 'fz-02', portBase: 36092 });
      break;
    case 'course': {
      writeFileSync(join(labsDir, 'tracks.yaml'), job.text);
      const course = await loadCourse(labsDir);
      // Each track's parameters go to its labs: a bad one is the course file's fault, with its place.
      for (const t of course.tracks) for (const l of t.labs) await openLab(labsDir, `${t.id}/${l.lab}`);
      break;
    }
  }
  return { accepted: true, violations };
}

parentPort!.on('message', (m: { id: number; job: Job }) => {
  run(m.job).then(
    (outcome) => parentPort!.postMessage({ id: m.id, outcome }),
    (err: unknown) => {
      const e = err instanceof Error ? err : new Error(String(err));
      const outcome: Outcome = {
        accepted: false,
        error: { name: e.name, user: err instanceof UserError, message: e.message, stack: e.stack },
        violations: [],
      };
      parentPort!.postMessage({ id: m.id, outcome });
    },
  );
});
