// Times `check` (one step, a whole lab) and `grade` with the built CLI on a ready, solved stack:
//   node dist/bench/check.js [--runs N]
import { execa } from 'execa';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const { values } = parseArgs({ options: { runs: { type: 'string', default: '5' } } });
const runs = Number(values.runs);
const cliPath = fileURLToPath(new URL('../src/cli.js', import.meta.url));
const STACK = 'bench-check';
const at = ['--stack', STACK];
const env = { CI: '1', KAFKA_LAB_IMAGES: 'local', KAFKA_LAB_STATE: '/tmp/kafka-lab-bench-check' };

async function timed(args: string[]): Promise<number> {
  const started = process.hrtime.bigint();
  const r = await execa('node', [cliPath, ...args], { env, reject: false });
  if (r.exitCode !== 0 && r.exitCode !== 1) throw new Error(`kafka-lab ${args.join(' ')} exited ${r.exitCode}: ${r.stderr}`);
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
console.log(`kafka-lab check/grade on a ready stack, ${runs} runs each, median [min-max] wall ms of the whole CLI process`);
for (const [label, args] of rows) {
  const xs: number[] = [];
  for (let i = 0; i < runs; i++) xs.push(await timed(args));
  console.log(`  ${label.padEnd(52)} ${median(xs).toFixed(0).padStart(6)}  [${Math.min(...xs).toFixed(0)}-${Math.max(...xs).toFixed(0)}]`);
}
await timed(['down', ...at, '--volumes']);
