// Times the stack's life cycle with the built CLI, as a user runs it:
//   node dist/bench/up.js [--runs N] [--images local|confluent]
// - up from no containers to ready, beside the moment the last broker logged "started"
//   (the difference is kafka-lab's own overhead: readiness polling, process start);
// - resident memory of the whole stack once ready (docker stats);
// - status, down and reset.
import { execa } from 'execa';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const { values } = parseArgs({
  options: { runs: { type: 'string', default: '3' }, images: { type: 'string', default: 'local' } },
});
const runs = Number(values.runs);
const cliPath = fileURLToPath(new URL('../bin/kafka-lab.js', import.meta.url));
const STACK = 'bench';
const at = ['--stack', STACK];
const env = { CI: '1', KAFKA_LAB_IMAGES: values.images! };

async function timed(args: string[]): Promise<{ ms: number; startMs: number; endMs: number }> {
  const startMs = Date.now();
  const r = await execa('node', [cliPath, ...args], { env, reject: false });
  const endMs = Date.now();
  if (r.exitCode !== 0) throw new Error(`kafka-lab ${args.join(' ')} exited ${r.exitCode}: ${r.stderr}`);
  return { ms: endMs - startMs, startMs, endMs };
}

/**
 * The time Docker stamped on each broker's "started" line (docker logs --timestamps). A broker
 * registers in ZooKeeper a moment before it logs that line, so the line may come just after `up`.
 */
async function lastBrokerStarted(): Promise<number> {
  let last = 0;
  for (const n of [1, 2, 3]) {
    const deadline = Date.now() + 15_000;
    for (;;) {
      const r = await execa('docker', ['logs', '--timestamps', `${STACK}-kafka-${n}`], { all: true });
      const line = r.all.split('\n').find((l) => /\] started \(kafka\.server\.KafkaServer\)/.test(l));
      if (line) {
        last = Math.max(last, Date.parse(line.split(' ')[0]!));
        break;
      }
      if (Date.now() > deadline) throw new Error(`${STACK}-kafka-${n} did not log that it had started within 15 s`);
    }
  }
  return last;
}

async function stackMemoryMiB(): Promise<number> {
  const r = await execa('docker', ['stats', '--no-stream', '--format', '{{.Name}} {{.MemUsage}}']);
  let total = 0;
  for (const line of r.stdout.split('\n')) {
    const [name, usage] = line.split(' ');
    if (!name?.startsWith(`${STACK}-`)) continue;
    const m = /^([\d.]+)([KMG]i?B)/.exec(usage ?? '');
    if (!m) continue;
    const factor = { KiB: 1 / 1024, MiB: 1, GiB: 1024, KB: 1 / 1024, MB: 1, GB: 1024 }[m[2] as 'MiB'] ?? 1;
    total += Number(m[1]) * factor;
  }
  return total;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const fmt = (ms: number) => `${(ms / 1000).toFixed(2)} s`;

const up: number[] = [];
const brokerStarted: number[] = [];
const overhead: number[] = [];
const memory: number[] = [];
const status: number[] = [];
const down: number[] = [];
const reset: number[] = [];

await timed(['down', ...at, '--volumes']);
for (let i = 0; i < runs; i++) {
  const u = await timed(['up', ...at, '--port-base', '27092']);
  const started = await lastBrokerStarted();
  up.push(u.ms);
  brokerStarted.push(started - u.startMs);
  overhead.push(u.endMs - started);
  memory.push(await stackMemoryMiB());
  status.push((await timed(['status', ...at])).ms);
  reset.push((await timed(['reset', ...at])).ms);
  down.push((await timed(['down', ...at, '--volumes'])).ms);
  process.stderr.write(`run ${i + 1}/${runs}: up ${fmt(u.ms)}\n`);
}

const rows: [string, string][] = [
  ['up, no containers to ready (wall, whole CLI process)', fmt(median(up))],
  ['  last broker logged "started", from the same start', fmt(median(brokerStarted))],
  ["  kafka-lab's own overhead (up's end - last started)", fmt(median(overhead))],
  ['  ratio up / last-broker-started', (median(up) / median(brokerStarted)).toFixed(2)],
  ['stack resident memory once ready (docker stats)', `${median(memory).toFixed(0)} MiB`],
  ['status', fmt(median(status))],
  ['reset (down --volumes + up, to ready)', fmt(median(reset))],
  ['down --volumes', fmt(median(down))],
];
console.log(`kafka-lab stack benchmark: ${runs} runs, medians, images ${values.images}`);
for (const [k, v] of rows) console.log(`${k.padEnd(56)} ${v}`);
console.log(JSON.stringify({ runs, up, brokerStarted, overhead, memory, status, reset, down }));
