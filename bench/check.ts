// Times `check` (one step, a whole lab) and `grade` with the built CLI on a ready, solved stack:
//   node dist/bench/check.js [--runs N] [--against OTHER/dist/bin/kafka-lab.js]
// With --against, another build (an older commit, say) is timed on the same stack, alternating runs.
import { execa } from 'execa';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const { values } = parseArgs({ options: { runs: { type: 'string', default: '5' }, against: { type: 'string' } } });
const runs = Number(values.runs);
const cliPath = fileURLToPath(new URL('../bin/kafka-lab.js', import.meta.url));
const other = values.against;
const STACK = 'bench-check';
const at = ['--stack', STACK];
const env = { CI: '1', KAFKA_LAB_IMAGES: 'local', KAFKA_LAB_STATE: '/tmp/kafka-lab-bench-check' };

async function timed(args: string[], cli = cliPath): Promise<number> {
  const started = process.hrtime.bigint();
  const r = await execa('node', [cli, ...args], { env, reject: false });
  if (r.exitCode !== 0 && r.exitCode !== 1)
    throw new Error(`kafka-lab ${args.join(' ')} exited ${r.exitCode}: ${r.stderr}`);
  return Number(process.hrtime.bigint() - started) / 1e6;
}

await timed(['down', ...at, '--volumes']);
await timed(['up', ...at, '--port-base', '27292']);
await timed(['solve', 'broker-failover', ...at, '--quiet']);
const rows: [string, string[]][] = [
  ['check broker-failover create-topic (one step)', ['check', 'broker-failover', 'create-topic', ...at, '--wait', '0']],
  // A whole lab is judged at once, finished or not: no step waits out its `within`.
  ['check broker-failover (whole lab, finished)', ['check', 'broker-failover', ...at]],
  ['check consumer-failover (whole lab, nothing done)', ['check', 'consumer-failover', ...at]],
  ['grade broker-failover', ['grade', 'broker-failover', ...at]],
  ['status (for scale: CLI start + one describeCluster)', ['status', ...at]],
];
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
console.log(
  `kafka-lab check/grade on a ready stack, ${runs} runs each, median [min-max] wall ms of the whole CLI process${other ? `; then ${other}, and this/that` : ''}`,
);
const cell = (xs: number[]) =>
  `${median(xs).toFixed(0).padStart(6)}  [${Math.min(...xs).toFixed(0)}-${Math.max(...xs).toFixed(0)}]`.padEnd(22);
for (const [label, args] of rows) {
  const xs: number[] = [];
  const ys: number[] = [];
  for (let i = 0; i < runs; i++) {
    xs.push(await timed(args));
    if (other) ys.push(await timed(args, other));
  }
  console.log(`  ${label.padEnd(52)} ${cell(xs)}${other ? `${cell(ys)} ${(median(xs) / median(ys)).toFixed(2)}` : ''}`);
}
await timed(['down', ...at, '--volumes']);
