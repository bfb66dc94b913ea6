import { mkdir } from 'node:fs/promises';
import { readUserFile } from '../stack/yaml-source.js';
import { join } from 'node:path';
import { parseParallel } from '../core/classroom.js';
import { EXIT, UsageError, UserError } from '../core/errors.js';
import { bootstrapServers, stackFlag } from '../core/stack.js';
import { createInspector } from '../cluster/inspector.js';
import { readTopicFromHost } from '../cluster/canary.js';
import { gradeBatch, type Target } from '../grading/batch.js';
import * as formats from '../grading/formats.js';
import { parseRoster, type RosterEntry } from '../grading/roster.js';
import { submissionFiles, submissionTarget } from '../grading/submission.js';
import { loadRubric, type Work } from '../grading/rubric.js';
import type { Lab } from '../core/lab.js';
import type { GivenParams } from '../lab/load.js';
import { openLab } from '../lab/tracks.js';
import { scopeOf } from '../core/progress.js';
import { fileProgressStore } from '../lab/progress.js';
import { writeFileAtomic } from '../files.js';
import { gradersDir, labsDir } from '../paths.js';
import { systemClock } from '../runtime/clock.js';
import { fleetEngines } from '../classroom/engines.js';
import { listStacks } from '../runtime/stacks.js';
import { command, stackOptions } from '../cli/command.js';
import { engineWords, stackContext, type StackOptions } from '../context/stack.js';
import { assertStackIdle } from '../runtime/lock.js';
import { stackInspector, stateDirOf } from '../context/lab.js';
import { stackOptionsOf } from '../context/stack.js';

const FORMATS = ['table', 'json', 'csv', 'junit', 'markdown', 'gradescope'] as const;
type Format = (typeof FORMATS)[number];
const isFormat = (text: string): text is Format => (FORMATS as readonly string[]).includes(text);
/** These write one file per student, so --out names a directory. */
const PER_STUDENT: Format[] = ['markdown', 'gradescope'];

/**
 * The lab and rubric with one student's parameters: the roster's, else those kept with the student's
 * progress, else the lab's own (the track's, for TRACK/LAB).
 */
async function studentLab(lab: Lab, given: GivenParams | undefined) {
  const chosen = given && Object.keys(given.values).length ? await openLab(labsDir, lab.ref, [given]) : lab;
  const rubric = await loadRubric(gradersDir, lab.id, chosen.params);
  const own = Object.fromEntries(
    Object.entries(chosen.params).filter(([k, v]) => JSON.stringify(v) !== JSON.stringify(chosen.declared[k])),
  );
  return { lab: chosen, rubric, params: own };
}

/** `opts` are the stack options every local stack shares (its engine's, in a classroom); `stack` is this one. */
function localTarget(
  opts: StackOptions,
  stateDir: string,
  lab: Lab,
  student: string,
  stack: string,
  given?: GivenParams,
  engine?: string,
): Target {
  return {
    student,
    target: engine === undefined ? `stack ${stack}` : `stack ${stack} on ${engine}`,
    name: stack,
    async open() {
      // Not while the stack is being made, reset or removed: that grade would be of a cluster half there.
      await assertStackIdle(stack);
      const ctx = await stackContext({ ...opts, stack });
      if (ctx.existing.length === 0) throw new UserError(`Stack '${stack}' does not exist on ${engineWords(ctx.rt)}.`);
      // The student's progress on this host: where the lab started, what checks read, the quiz answers.
      const { progress } = await fileProgressStore(stateDir, stack).load(lab, { setAside: false });
      const kept = progress.params ? { values: progress.params, origin: `the progress of ${stack}` } : undefined;
      const mine = await studentLab(lab, given ?? kept);
      const work: Work = {
        scope: scopeOf(progress),
        answers: progress.answers,
        questions: mine.lab.steps.flatMap((s) => s.quiz ?? []),
      };
      return {
        inspector: stackInspector(ctx.rt, ctx.spec, stateDir, { grader: true }),
        bootstrap: bootstrapServers(ctx.spec),
        work,
        rubric: mine.rubric,
        params: mine.params,
      };
    },
  };
}

function remoteTarget(lab: Lab, student: string, bootstrap: string, given?: GivenParams): Target {
  const inspector = createInspector({
    bootstrap,
    internalBootstrap: bootstrap,
    now: () => systemClock.now(),
    containers: async () => [],
    readMessages: (topic, through) => readTopicFromHost(bootstrap, topic, through),
  });
  return {
    student,
    target: bootstrap,
    name: bootstrap,
    open: async () => ({ inspector, bootstrap, ...(await studentLab(lab, given)) }),
  };
}

function unanswered(engine: string, error: string): Target {
  return {
    student: `(every stack on ${engine})`,
    target: `engine ${engine}`,
    name: `engine ${engine}`,
    open: () =>
      Promise.reject(new UserError(`Engine ${engine} did not answer, so its stacks were not graded: ${error}`)),
  };
}

async function rosterOf(file: string): Promise<RosterEntry[]> {
  return parseRoster(file, await readUserFile(file, 'The roster', 'Give a YAML file with a students: list.'));
}

export const gradeCommand = command({
  name: 'grade',
  usage:
    'kafka-lab grade LAB [--stack NAME | --all | --roster FILE | --submissions DIR_OR_FILES] [--format F] [--out PATH] [--json]',
  details:
    'The grade reads the clusters as they are now, from this process only: Kafka for topics, groups and data (after writing\n' +
    "a canary message to each topic it reads), Docker's own record for containers; nothing is asked of a student's container.\n" +
    'A roster is YAML: students: [{id: alice, stack: team-01}, {id: bob, bootstrap: "10.0.0.5:9092", params: {topic: bob-t}}].\n' +
    "LAB is a lab id or TRACK/LAB. Each student is graded with their own parameters: the roster's, else those their\n" +
    'progress was started with (--param).\n' +
    "Submissions are files students wrote with 'kafka-lab submit' on their own machines: graded with this rubric as they\n" +
    'were read then; one that was edited, or made for another lab or rubric version, is reported so and not graded.\n' +
    'Formats: table (default), json, csv, junit, markdown and gradescope (one file per student: --out is a directory;\n' +
    'with --out FILE.json, one Gradescope results.json for one submission, as the autograder writes it).\n' +
    'Exit 0 when everyone has full marks, 1 otherwise.',
  options: {
    ...stackOptions,
    all: {
      type: 'boolean',
      description: 'grade every kafka-lab stack on this host, or on every engine of --contexts or the classroom file',
    },
    roster: {
      type: 'string',
      value: 'FILE',
      description: 'grade the students listed in FILE (stack names or bootstrap servers)',
    },
    submissions: {
      type: 'string',
      multiple: true,
      value: 'DIR_OR_FILES',
      description: 'grade submission files: a folder of *.json, or files (comma-separated or repeated)',
    },
    format: { type: 'string', value: 'F', description: `${FORMATS.join('|')} (default table)` },
    out: {
      type: 'string',
      value: 'PATH',
      description: 'write the report there instead of stdout (a directory for markdown and gradescope)',
    },
    parallel: { type: 'string', value: 'N', description: 'how many clusters to grade at once (default 4)' },
    json: { type: 'boolean', description: 'same as --format json' },
  },
  maxPositionals: 1,
  async run(inv) {
    const [labId] = inv.positionals;
    if (!labId) throw new UsageError('Which lab? kafka-lab grade LAB.', "Run 'kafka-lab labs' to see them.");
    const format = inv.values.json ? 'json' : (inv.values.format ?? 'table');
    if (!isFormat(format)) throw new UsageError(`--format ${format} is not known: use ${FORMATS.join(', ')}.`);
    const out = inv.values.out;
    if (PER_STUDENT.includes(format) && !out)
      throw new UsageError(`--format ${format} writes one file per student: give --out DIRECTORY.`);
    const submissions = inv.values.submissions;
    const chosen = [
      inv.values.stack !== undefined,
      inv.values.all === true,
      inv.values.roster !== undefined,
      submissions !== undefined,
    ].filter(Boolean).length;
    if (chosen > 1) throw new UsageError('Give one of --stack, --all, --roster or --submissions.');
    // The autograder's one results.json: Gradescope reads exactly that file.
    const resultsFile = format === 'gradescope' && out?.endsWith('.json') ? out : undefined;
    const lab = await openLab(labsDir, labId);
    const rubric = await loadRubric(gradersDir, lab.id, lab.params);
    const parallel = parseParallel(inv.values.parallel, 4);
    const opts = stackOptionsOf(inv);
    const stateDir = stateDirOf(inv.env);

    // Only stacks need Docker: a roster of remote clusters is graded through Kafka alone. A roster's or one
    // stack's engine is found per stack (stackContext); --all lists each engine of the classroom once.
    let targets: Target[];
    if (submissions) {
      const files = await submissionFiles(submissions);
      if (files.length === 0 && resultsFile) {
        await writeFileAtomic(
          resultsFile,
          formats.gradescopeNone(rubric, 'No kafka-lab submission file (*.json) was uploaded.'),
        );
        return EXIT.failed;
      }
      if (files.length === 0)
        throw new UserError(
          `There is no submission file (*.json) in ${submissions.join(', ')}.`,
          "Students write one with 'kafka-lab submit LAB'.",
        );
      const forStudent = (values: Record<string, unknown>, origin: string) => studentLab(lab, { values, origin });
      targets = await Promise.all(files.map((f) => submissionTarget(f, lab, rubric, forStudent)));
      // Each is graded; the instructor decides which one counts.
      for (const [student, n] of countBy(targets.map((t) => t.student)))
        if (n > 1) inv.err.write(`${student} has ${n} submission files here; each is graded.\n`);
    } else if (inv.values.roster) {
      targets = (await rosterOf(inv.values.roster)).map((e) =>
        e.stack
          ? localTarget(opts, stateDir, lab, e.student, e.stack, e.params)
          : remoteTarget(lab, e.student, e.bootstrap!, e.params),
      );
    } else if (inv.values.all) {
      const { single, engines, unreachable } = await fleetEngines({ engine: opts.engine!, classroom: opts.classroom });
      targets = (
        await Promise.all(
          engines.map(async (e) =>
            (await listStacks(e.rt))
              .filter((s) => s.containers.length > 0)
              .map((s) =>
                localTarget(
                  { ...opts, engine: e.request, classroom: undefined },
                  stateDir,
                  lab,
                  s.stack,
                  s.stack,
                  undefined,
                  single ? undefined : e.name,
                ),
              ),
          ),
        )
      ).flat();
      // An engine that does not answer has stacks nobody can list: one failing result says so.
      targets.push(...unreachable.map((u) => unanswered(u.engine, u.error)));
      if (targets.length === 0)
        throw new UserError(
          `There are no kafka-lab stacks ${single ? 'on this host' : 'on these engines'} to grade.`,
          "Create them with 'kafka-lab up --stacks team-01..team-12'.",
        );
    } else {
      const { stack } = opts;
      targets = [localTarget(opts, stateDir, lab, stack, stack)];
    }

    const many = targets.length > 1;
    let done = 0;
    const batch = await gradeBatch(
      rubric,
      targets,
      parallel,
      () => new Date(),
      (r) => {
        done++;
        if (many && (format !== 'table' || out))
          inv.err.write(
            `[${done}/${targets.length}] ${r.student}: ${r.grade ? `${r.grade.earned} / ${r.grade.possible}` : `not graded (${r.error})`}\n`,
          );
      },
    );

    const alone = inv.values.roster === undefined && !inv.values.all && submissions === undefined;
    if (alone && batch.results[0]!.error) {
      throw new UserError(
        batch.results[0]!.error,
        `Check it with 'kafka-lab status${stackFlag(opts.stack)}', then grade again.`,
      );
    }
    if (resultsFile) {
      await writeFileAtomic(resultsFile, formats.gradescopeOne(batch));
      inv.err.write(`Wrote Gradescope results for ${batch.results.length} submission(s) to ${resultsFile}.\n`);
    } else if (PER_STUDENT.includes(format)) {
      const files = format === 'markdown' ? formats.markdown(batch) : formats.gradescopeAll(batch);
      await mkdir(out!, { recursive: true });
      for (const [name, text] of files) await writeFileAtomic(join(out!, name), text);
      inv.err.write(`Wrote ${files.size} ${format} file(s) to ${out}.\n`);
    } else {
      const one = alone ? batch.results[0] : undefined;
      const text =
        format === 'json' && one?.grade
          ? `${JSON.stringify(one.grade, null, 2)}\n`
          : format === 'json'
            ? formats.json(batch)
            : format === 'csv'
              ? formats.csv(batch)
              : format === 'junit'
                ? formats.junit(batch)
                : (single(batch) ?? formats.table(batch));
      if (out) {
        await writeFileAtomic(out, text);
        inv.err.write(`Wrote ${format} for ${batch.results.length} student(s) to ${out}.\n`);
      } else inv.out.write(text.endsWith('\n') ? text : `${text}\n`);
    }
    return batch.results.every((r) => r.grade && r.grade.earned === r.grade.possible) ? EXIT.ok : EXIT.failed;
  },
});

function countBy(xs: string[]): Map<string, number> {
  const m = new Map<string, number>();
  for (const x of xs) m.set(x, (m.get(x) ?? 0) + 1);
  return m;
}

/** One stack graded for a person: every item, and what failed. */
function single(batch: formats.Batch): string | undefined {
  if (batch.results.length !== 1) return undefined;
  const r = batch.results[0]!;
  if (!r.grade) return `${batch.rubric.title}: not graded (${r.target}): ${r.error}\n`;
  const g = r.grade;
  const lines = [`${batch.rubric.title}: ${g.earned} / ${g.possible} points (${r.target}, rubric ${g.rubricVersion})`];
  for (const item of g.items) {
    lines.push(
      `  ${String(item.earned).padStart(6)} / ${String(item.points).padEnd(4)} ${item.title}${item.hidden ? ' (hidden)' : ''}`,
    );
    for (const c of item.results) if (!c.pass) lines.push(`                 ✘ ${c.message}`);
  }
  if (g.evidence.unknown.length) lines.push(`  could not learn: ${g.evidence.unknown.join('; ')}`);
  return `${lines.join('\n')}\n`;
}
