// `up --stacks` of 4 stacks over two engines vs 4 stacks on one, side by side, with the built CLI:
//   node dist/bench/fleet.js [--runs 2] [--first unix:///var/run/docker.sock]
// The second engine is scripts/second-engine.sh's (its own state directory, bridge and address pool, as
// test/integration/fleet.test.ts uses), reached through a unix:// Docker context; it is stopped after if
// this bench started it. Runs alternate (two engines, one engine, two, one, ...), each from nothing:
// the stacks are removed between runs. Stacks fleet-b1..fleet-b4 on ports from 23592.
import { execa } from 'execa';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const { values } = parseArgs({
  options: {
    runs: { type: 'string', default: '2' },
    first: { type: 'string', default: 'unix:///var/run/docker.sock' },
  },
});
const runs = Number(values.runs);
const cliPath = fileURLToPath(new URL('../bin/kafka-lab.js', import.meta.url));
const script = fileURLToPath(new URL('../../scripts/second-engine.sh', import.meta.url));
const engineEnv = {
  KAFKA_LAB_ENGINE2_DIR: '/tmp/kafka-lab-engine-fleet',
  KAFKA_LAB_ENGINE2_BRIDGE: 'klabfleetbr',
  KAFKA_LAB_ENGINE2_BRIDGE_CIDR: '10.203.0.1/24',
  KAFKA_LAB_ENGINE2_POOL: '10.213.0.0/16',
  KAFKA_LAB_ENGINE2_SSH_PORT: '2203',
};
const STACKS = 'fleet-b1..fleet-b4';
const PORTS = ['--port-base', '23592'];

const wasRunning =
  (await execa('docker', ['-H', `unix://${engineEnv.KAFKA_LAB_ENGINE2_DIR}/docker.sock`, 'version'], { reject: false }))
    .exitCode === 0;
const started = await execa('bash', [script, 'start'], { env: engineEnv });
const second = /^ENGINE2_UNIX=(.*)$/m.exec(started.stdout)![1]!;

const config = mkdtempSync(join(tmpdir(), 'kafka-lab-bench-fleet-'));
const plain = { DOCKER_CONFIG: config, DOCKER_HOST: '', DOCKER_CONTEXT: '' };
for (const [name, host] of [
  ['bench-one', values.first!],
  ['bench-two', second],
])
  await execa('docker', ['context', 'create', name, '--docker', `host=${host}`], { env: plain });
const env = { CI: '1', KAFKA_LAB_IMAGES: 'local', ...plain };

async function run(args: string[]): Promise<number> {
  const t0 = process.hrtime.bigint();
  const r = await execa('node', [cliPath, ...args], { env, reject: false });
  if (r.exitCode !== 0) throw new Error(`kafka-lab ${args.join(' ')} exited ${r.exitCode}: ${r.stderr}`);
  return Number(process.hrtime.bigint() - t0) / 1e6;
}
const down = () => run(['down', '--stacks', STACKS, '--contexts', 'bench-one,bench-two']);

const cases: [string, string[]][] = [
  ['4 stacks over two engines (--contexts)', ['up', '--stacks', STACKS, '--contexts', 'bench-one,bench-two', ...PORTS]],
  ['4 stacks on one engine (--context)', ['up', '--stacks', STACKS, '--context', 'bench-one', ...PORTS]],
];
const times = cases.map(() => [] as number[]);
try {
  await down();
  for (let i = 0; i < runs; i++)
    for (const [k, [, args]] of cases.entries()) {
      times[k]!.push(await run(args));
      await down();
    }
} finally {
  await down().catch(() => {});
  rmSync(config, { recursive: true, force: true });
  if (!wasRunning) await execa('bash', [script, 'stop'], { env: engineEnv });
}
console.log(`up --stacks ${STACKS} from nothing, wall s of the whole CLI process, ${runs} runs each, alternating`);
for (const [k, [label]] of cases.entries())
  console.log(`  ${label.padEnd(42)} ${times[k]!.map((ms) => (ms / 1000).toFixed(1)).join('  ')}`);
