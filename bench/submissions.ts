// Times grading a classroom's submission files: 30 submissions of one lab made from one solved stack
// (`submit --student` thirty times), then `grade LAB --submissions DIR` with the stack gone:
//   node dist/bench/submissions.js [--runs N] [--students N] [--lab LAB]
import { execa } from 'execa';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const { values } = parseArgs({
  options: {
    runs: { type: 'string', default: '5' },
    students: { type: 'string', default: '30' },
    lab: { type: 'string', default: 'replicated-topic' },
  },
});
const runs = Number(values.runs);
const students = Number(values.students);
const lab = values.lab;
const cliPath = fileURLToPath(new URL('../bin/kafka-lab.js', import.meta.url));
const STACK = 'sub-bench';
const at = ['--stack', STACK];
const dir = mkdtempSync(join(tmpdir(), 'kafka-lab-bench-submissions-'));
const env = { CI: '1', KAFKA_LAB_IMAGES: 'local', KAFKA_LAB_STATE: join(dir, 'state') };

async function timed(args: string[], ok = [0, 1]): Promise<{ ms: number; stdout: string }> {
  const started = process.hrtime.bigint();
  const r = await execa('node', [cliPath, ...args], { env, reject: false });
  if (!ok.includes(r.exitCode ?? -1)) throw new Error(`kafka-lab ${args.join(' ')} exited ${r.exitCode}: ${r.stderr}`);
  return { ms: Number(process.hrtime.bigint() - started) / 1e6, stdout: r.stdout };
}
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

try {
  await timed(['down', ...at, '--volumes']);
  await timed(['up', ...at, '--port-base', '31192'], [0]);
  await timed(['solve', lab, ...at, '--quiet'], [0]);
  const files = join(dir, 'files');
  const submitMs: number[] = [];
  for (let i = 1; i <= students; i++) {
    const id = `student-${String(i).padStart(2, '0')}`;
    submitMs.push((await timed(['submit', lab, ...at, '--student', id, '--out', join(files, `${id}.json`)], [0])).ms);
  }
  await timed(['down', ...at, '--volumes'], [0]);
  const gradeMs: number[] = [];
  let graded = '';
  for (let i = 0; i < runs; i++) {
    const r = await timed(['grade', lab, '--submissions', files, '--format', 'csv']);
    gradeMs.push(r.ms);
    graded = r.stdout;
  }
  const rows = graded.trimEnd().split('\r\n').length - 1;
  if (rows !== students) throw new Error(`expected ${students} graded rows, got ${rows}`);
  console.log(`${lab}: ${students} submissions made from one stack, then graded from the files with the stack gone`);
  console.log(`  submit (one file, live cluster)        median ${median(submitMs).toFixed(0)} ms`);
  console.log(
    `  grade --submissions DIR (${students} files)     median ${median(gradeMs).toFixed(0)} ms of ${runs} runs [${Math.min(...gradeMs).toFixed(0)}-${Math.max(...gradeMs).toFixed(0)}], whole CLI process`,
  );
} finally {
  await timed(['down', ...at, '--volumes']).catch(() => {});
  rmSync(dir, { recursive: true, force: true });
}
