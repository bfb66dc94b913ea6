import { userInfo } from 'node:os';
import { resolve } from 'node:path';
import { EXIT, UsageError, UserError } from '../core/errors.js';
import { describeGap } from '../core/snapshot.js';
import { STUDENT_ID } from '../core/submission.js';
import { bootstrapServers } from '../core/stack.js';
import { fileProgressStore } from '../lab/progress.js';
import { writeFileAtomic } from '../files.js';
import { loadRubric } from '../grading/rubric.js';
import { collectSubmission } from '../grading/submission.js';
import { gradersDir, packageVersion } from '../paths.js';
import { command, stackOptions } from '../cli/command.js';
import { labContext, stackInspector } from '../context/lab.js';
import { labOf, paramOptions } from '../context/lab-ref.js';

function defaultStudent(env: NodeJS.ProcessEnv): string {
  try {
    return userInfo().username;
  } catch {
    return env.USER ?? env.USERNAME ?? '';
  }
}

export const submitCommand = command({
  name: 'submit',
  usage: 'kafka-lab submit LAB [--stack NAME] [--student ID] [--out FILE] [--param NAME=VALUE] [--json]',
  details:
    'Reads your cluster now, as the grader would (it writes a canary to each topic it reads and checks it reads it\n' +
    "back), with your progress (steps, times, quiz answers) and the lab's parameters, into one file to hand in.\n" +
    "Your instructor grades it with 'kafka-lab grade LAB --submissions FILE'. Submit when the lab is done and the\n" +
    'cluster is as the lab leaves it; submitting again writes a new file from the cluster as it is then.',
  options: {
    ...stackOptions,
    ...paramOptions,
    student: { type: 'string', value: 'ID', description: 'who you are to the instructor (default: your user name)' },
    out: {
      type: 'string',
      value: 'FILE',
      description: 'where to write it (default: LAB-STACK-submission.json in this folder)',
    },
    json: { type: 'boolean', description: 'print what was written as JSON' },
  },
  maxPositionals: 1,
  async run(inv) {
    const [labId] = inv.positionals;
    if (!labId) throw new UsageError('Which lab? kafka-lab submit LAB.', "Run 'kafka-lab labs' to see them.");
    const student = inv.values.student ?? defaultStudent(inv.env);
    if (!STUDENT_ID.test(student))
      throw new UsageError(
        `'${student}' cannot be a student id: use letters, digits and . _ @ + - (at most 100).`,
        'Give one with --student ID (the id your instructor knows you by).',
      );
    const ctx = await labContext(inv);
    const store = fileProgressStore(ctx.stateDir, ctx.spec.stack);
    const { lab, loaded } = await labOf(inv.values, labId, store, { profile: ctx.knownProfile, setAside: false });
    if (loaded.warning) inv.err.write(`${loaded.warning}\n`);
    if (!loaded.progress.baseline && Object.keys(loaded.progress.steps).length === 0)
      inv.err.write(
        `No progress is kept for ${lab.ref} on stack ${ctx.spec.stack}: the submission has no step history or answers.\n`,
      );
    const rubric = await loadRubric(gradersDir, lab.id, lab.params);
    const say = (line: string) => inv.err.write(`${line}...\n`);
    const sub = await collectSubmission({
      inspector: stackInspector(ctx.rt, ctx.spec, ctx.stateDir, { grader: true }),
      bootstrap: bootstrapServers(ctx.spec),
      lab,
      rubric,
      progress: loaded.progress,
      student,
      stack: ctx.spec.stack,
      kafkaLab: packageVersion(),
      now: () => new Date(),
      say,
    });
    const file = resolve(inv.values.out ?? `${lab.ref.replace('/', '-')}-${ctx.spec.stack}-submission.json`);
    const text = `${JSON.stringify(sub, null, 2)}\n`;
    await writeFileAtomic(file, text).catch((err: Error) => {
      throw new UserError(`Could not write ${file}: ${err.message}.`, 'Give another place with --out FILE.');
    });
    const gaps = sub.snapshot.gaps.map(describeGap);
    const messages = Object.values(sub.snapshot.messages).reduce((a, m) => a + m.length, 0);
    if (inv.values.json) {
      inv.out.write(
        `${JSON.stringify({ file, student, lab: lab.ref, stack: sub.stack, bytes: Buffer.byteLength(text), digest: sub.digest, unknown: gaps }, null, 2)}\n`,
      );
    } else {
      inv.out.write(
        `Wrote ${file} for ${student}: lab ${lab.ref}, ${Object.keys(sub.snapshot.topics).length} topic(s), ${messages} message(s), ` +
          `${Object.keys(loaded.progress.steps).length} step(s) checked, ${Object.keys(loaded.progress.answers).length} answer(s).\n`,
      );
      if (gaps.length) inv.out.write(`Could not read (recorded in the file): ${gaps.join('; ')}\n`);
      inv.out.write('Hand this file in as your instructor asks.\n');
    }
    return EXIT.ok;
  },
});
