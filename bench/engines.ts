// Grading through SSH forwarding vs direct: one solved stack on the second engine (scripts/second-engine.sh),
// `grade LAB --json` with DOCKER_HOST=ssh://… (Engine API and Kafka through one SSH session) and with
// DOCKER_HOST=unix://… (the same engine's socket, Kafka on the loopback ports), alternating runs:
//   node dist/bench/engines.js [--runs N] [--lab LAB]
import { execa } from 'execa';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { engineEnv, startSecondEngine, stopSecondEngine } from '../test/integration/engines.js';

const { values } = parseArgs({
  options: { runs: { type: 'string', default: '5' }, lab: { type: 'string', default: 'replicated-topic' } },
});
const runs = Number(values.runs);
const lab = values.lab;
const cliPath = fileURLToPath(new URL('../bin/kafka-lab.js', import.meta.url));
const STACK = 'eng-bench';
const at = ['--stack', STACK];
const common = {
  CI: '1',
  KAFKA_LAB_IMAGES: 'local',
  KAFKA_LAB_STATE: mkdtempSync(join(tmpdir(), 'kafka-lab-bench-eng-')),
};

const engine = await startSecondEngine();
const via = { ssh: { ...common, ...engineEnv(engine, 'ssh') }, unix: { ...common, ...engineEnv(engine, 'unix') } };

async function timed(args: string[], env: Record<string, string>): Promise<number> {
  const started = process.hrtime.bigint();
  const r = await execa('node', [cliPath, ...args], { env, reject: false });
  if (r.exitCode !== 0) throw new Error(`kafka-lab ${args.join(' ')} exited ${r.exitCode}: ${r.stderr}`);
  return Number(process.hrtime.bigint() - started) / 1e6;
}

try {
  await execa('node', [cliPath, 'down', ...at, '--volumes'], { env: via.unix, reject: false });
  await timed(['up', ...at, '--port-base', '26092'], via.unix);
  await timed(['solve', lab, ...at, '--quiet'], via.unix);
  const rows: [string, string[]][] = [
    [`grade ${lab} --json`, ['grade', lab, ...at, '--json']],
    ['status (CLI start, one engine call, describeCluster)', ['status', ...at]],
  ];
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
  const cell = (xs: number[]) =>
    `${median(xs).toFixed(0).padStart(6)}  [${Math.min(...xs).toFixed(0)}-${Math.max(...xs).toFixed(0)}]`.padEnd(22);
  console.log(
    `One solved stack on the second engine, ${runs} runs each, alternating; median [min-max] wall ms of the whole CLI process`,
  );
  console.log(`  ${''.padEnd(54)} ${'ssh://'.padEnd(22)}${'unix://'.padEnd(22)}ssh/unix`);
  for (const [label, args] of rows) {
    const s: number[] = [];
    const u: number[] = [];
    for (let i = 0; i < runs; i++) {
      s.push(await timed(args, via.ssh));
      u.push(await timed(args, via.unix));
    }
    console.log(`  ${label.padEnd(54)} ${cell(s)}${cell(u)}${(median(s) / median(u)).toFixed(2)}`);
  }
} finally {
  await execa('node', [cliPath, 'down', ...at, '--volumes'], { env: via.unix, reject: false });
  await stopSecondEngine(engine);
}
