// Classroom figures with the built CLI, as a facilitator runs it:
//   node dist/bench/classroom.js [--images local|confluent] [--roster 30]
// - up --stacks for 1, 2 and 3 stacks from nothing: wall time, and the host's peak memory rise
//   (MemTotal - MemAvailable, sampled every 200 ms, minus the level before);
// - grading: grade --all over the 3 stacks (each solved to a different step), and a roster of N
//   entries pointing at those stacks, at --parallel 1 and at the default 4, side by side;
// - reset --all over the 3 stacks.
// Uses stacks bench-c1..bench-c3 on ports from 31092; removes them at the end.
import { execa } from 'execa';
import { readFileSync, writeFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const { values } = parseArgs({
  options: { images: { type: 'string', default: 'local' }, roster: { type: 'string', default: '30' } },
});
const cliPath = fileURLToPath(new URL('../bin/kafka-lab.js', import.meta.url));
const env = { CI: '1', KAFKA_LAB_IMAGES: values.images! };
const names = (n: number) => Array.from({ length: n }, (_, i) => `bench-c${i + 1}`);

async function run(args: string[], okCodes = [0]): Promise<{ ms: number; stdout: string }> {
  const started = Date.now();
  const r = await execa('node', [cliPath, ...args], { env, reject: false });
  if (!okCodes.includes(r.exitCode ?? -1))
    throw new Error(`kafka-lab ${args.join(' ')} exited ${r.exitCode}: ${r.stderr}`);
  return { ms: Date.now() - started, stdout: r.stdout };
}

function usedMiB(): number {
  const info = readFileSync('/proc/meminfo', 'utf8');
  const kb = (key: string) => Number(new RegExp(`^${key}:\\s+(\\d+)`, 'm').exec(info)![1]);
  return (kb('MemTotal') - kb('MemAvailable')) / 1024;
}

/** Runs `fn` while sampling host memory; resolves its result and the peak rise over the start. */
async function withPeakMemory<T>(fn: () => Promise<T>): Promise<{ value: T; peakRiseMiB: number }> {
  const base = usedMiB();
  let peak = base;
  const timer = setInterval(() => (peak = Math.max(peak, usedMiB())), 200);
  try {
    const value = await fn();
    peak = Math.max(peak, usedMiB());
    return { value, peakRiseMiB: Math.round(peak - base) };
  } finally {
    clearInterval(timer);
  }
}

const s = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
const all = names(3).join(',');
await run(['down', '--stacks', all]);

console.log('up --stacks, from nothing (3 at a time):');
for (const n of [1, 2, 3]) {
  const { value, peakRiseMiB } = await withPeakMemory(() =>
    run(['up', '--stacks', names(n).join(','), '--port-base', '31092']),
  );
  console.log(
    `  ${n} stack(s): ${s(value.ms)}, peak host memory rise ${peakRiseMiB} MiB (${Math.round(peakRiseMiB / n)} MiB per stack)`,
  );
  if (n < 3) await run(['down', '--stacks', names(n).join(',')]);
}

// Different lab states: all steps, the first step, nothing.
await run(['solve', 'replicated-topic', '--stack', 'bench-c1', '--quiet']);
await run(['solve', 'replicated-topic', 'create-topics', '--stack', 'bench-c2', '--quiet']);

const gradeAll = await run(['grade', 'replicated-topic', '--all', '--format', 'csv'], [0, 1]);
console.log(`grade --all over 3 stacks: ${s(gradeAll.ms)}`);

const dir = mkdtempSync(join(tmpdir(), 'kafka-lab-bench-'));
const roster = join(dir, 'roster.yaml');
const entries = Number(values.roster);
writeFileSync(
  roster,
  [
    'students:',
    ...Array.from(
      { length: entries },
      (_, i) => `  - { id: student-${String(i + 1).padStart(2, '0')}, stack: bench-c${(i % 3) + 1} }`,
    ),
    '',
  ].join('\n'),
);
const serial = await run(
  ['grade', 'replicated-topic', '--roster', roster, '--parallel', '1', '--format', 'csv'],
  [0, 1],
);
const parallel = await run(['grade', 'replicated-topic', '--roster', roster, '--format', 'csv'], [0, 1]);
console.log(
  `roster of ${entries} over those stacks: --parallel 1 ${s(serial.ms)}, --parallel 4 (default) ${s(parallel.ms)}, ratio ${(serial.ms / parallel.ms).toFixed(2)}`,
);

const reset = await run(['reset', '--all']);
console.log(`reset --all of 3 stacks: ${s(reset.ms)}`);
await run(['down', '--stacks', all]);
