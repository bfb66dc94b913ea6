// Detection latency per fault kind and durability throughput, on a real stack:
//   node dist/bench/faults.js [--runs N]
// Latency: from the fault (the event log's time) to the first kafka-lab snapshot that shows new, live
// leaders for every partition the faulted broker led. Throughput: `verify durability` with and
// without each fault, with its acknowledged / lost / duplicated counts.
import { execa } from 'execa';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { stackContext } from '../src/context/stack.js';
import { stackInspector } from '../src/context/lab.js';
import { eventually } from '../test/poll.js';

const { values } = parseArgs({ options: { runs: { type: 'string', default: '3' } } });
const runs = Number(values.runs);
const cliPath = fileURLToPath(new URL('../src/cli.js', import.meta.url));
const STACK = 'bench-faults';
const at = ['--stack', STACK];
const env = { CI: '1', KAFKA_LAB_IMAGES: 'local', KAFKA_LAB_STATE: '/tmp/kafka-lab-bench-state' };

async function kl(args: string[]): Promise<string> {
  const r = await execa('node', [cliPath, ...args], { env, reject: false });
  if (r.exitCode !== 0 && r.exitCode !== 1)
    throw new Error(`kafka-lab ${args.join(' ')} exited ${r.exitCode}: ${r.stderr}`);
  return r.stdout;
}

await kl(['down', ...at, '--volumes']);
await kl(['up', ...at, '--port-base', '27192']);
const ctx = await stackContext({ stack: STACK, images: 'local' });
const inspector = stackInspector(ctx.rt, ctx.spec, env.KAFKA_LAB_STATE);
await execa('docker', [
  'exec',
  `${STACK}-kafka-1`,
  'kafka-topics',
  '--bootstrap-server',
  'kafka-1:19092',
  '--create',
  '--topic',
  'latency',
  '--partitions',
  '12',
  '--replication-factor',
  '3',
]);

async function settle(): Promise<void> {
  await kl(['heal', ...at]);
  await eventually(
    'three brokers and every partition of latency in sync',
    120_000,
    async () => {
      const s = await inspector.snapshot({ topics: ['latency'], groups: [], messagesOf: [] });
      const t = s.topics.latency;
      return s.brokers.length === 3 && t?.exists && t.partitions.every((p) => p.isr.length === 3) ? true : undefined;
    },
    { intervalMs: 250 },
  );
  await execa(
    'docker',
    [
      'exec',
      `${STACK}-kafka-1`,
      'kafka-leader-election',
      '--bootstrap-server',
      'kafka-1:19092',
      '--election-type',
      'PREFERRED',
      '--all-topic-partitions',
    ],
    { reject: false },
  );
}

const latency: Record<string, number[]> = { stop: [], kill: [], pause: [], disconnect: [] };
for (let i = 0; i < runs; i++) {
  for (const kind of Object.keys(latency)) {
    await settle();
    const before = await inspector.snapshot({ topics: ['latency'], groups: [], messagesOf: [] });
    const event = JSON.parse(await kl(['fault', kind, 'broker:2', ...at, '--json'])) as { atMs: number };
    const led = before.topics.latency!.partitions.filter((p) => p.leader === 2).map((p) => p.partition);
    for (;;) {
      const s = await inspector.snapshot({ topics: ['latency'], groups: [], messagesOf: [] });
      const live = new Set(s.brokers.map((b) => b.id));
      const moved = led.every((n) => {
        const p = s.topics.latency?.partitions.find((x) => x.partition === n);
        return p && p.leader !== 2 && p.leader >= 0 && live.has(p.leader);
      });
      if (moved) {
        latency[kind]!.push(Date.now() - event.atMs);
        break;
      }
      if (Date.now() - event.atMs > 60_000) throw new Error(`${kind}: leaders did not move within 60 s`);
    }
    process.stderr.write(`run ${i + 1}: ${kind} ${latency[kind]!.at(-1)} ms\n`);
  }
}
await settle();

const durability: {
  fault: string;
  perSecond: number;
  acked: number;
  lost: number;
  duplicated: number;
  failed: number;
}[] = [];
for (const fault of [
  undefined,
  'stop:leader:durable/0',
  'kill:leader:durable/0',
  'pause:leader:durable/0',
  'disconnect:leader:durable/0',
]) {
  const out = JSON.parse(
    await kl([
      'verify',
      'durability',
      ...at,
      '--topic',
      'durable',
      '--messages',
      '2000',
      '--json',
      ...(fault ? ['--fault', fault] : []),
    ]),
  );
  durability.push({
    fault: fault ?? 'none',
    perSecond: out.messagesPerSecond,
    acked: out.acked,
    lost: out.lost,
    duplicated: out.duplicated,
    failed: out.failed,
  });
  await settle();
}
await kl(['down', ...at, '--volumes']);

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
console.log(`detection latency (fault -> snapshot shows new live leaders), ${runs} runs, median [min-max]:`);
for (const [k, xs] of Object.entries(latency))
  console.log(`  ${k.padEnd(11)} ${String(median(xs)).padStart(6)} ms  [${Math.min(...xs)}-${Math.max(...xs)}]`);
const base = durability[0]!.perSecond;
console.log('verify durability, 2000 messages, RF 3, min.insync.replicas 2:');
for (const d of durability)
  console.log(
    `  ${d.fault.padEnd(28)} ${String(d.perSecond).padStart(5)} msg/s (x${(d.perSecond / base).toFixed(2)})  acked ${d.acked}  lost ${d.lost}  duplicated ${d.duplicated}  failed ${d.failed}`,
  );
console.log(JSON.stringify({ latency, durability }));
