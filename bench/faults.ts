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
import { createLatencyTopic, detectionMs, settle as settleCluster } from './cluster.js';

const { values } = parseArgs({ options: { runs: { type: 'string', default: '3' } } });
const runs = Number(values.runs);
const cliPath = fileURLToPath(new URL('../bin/kafka-lab.js', import.meta.url));
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
await createLatencyTopic(STACK);
const settle = () => settleCluster(kl, inspector, STACK);

const latency: Record<string, number[]> = { stop: [], kill: [], pause: [], disconnect: [] };
for (let i = 0; i < runs; i++) {
  for (const kind of Object.keys(latency)) {
    await settle();
    latency[kind]!.push(await detectionMs(kl, inspector, STACK, kind));
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
