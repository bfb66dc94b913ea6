// ZooKeeper and KRaft side by side, in one run, with the built CLI as a user runs it:
//   node dist/bench/profiles.js [--runs N]
// For each profile: up from no containers to ready, resident memory once ready (Docker's cgroup
// figures), detection latency per fault kind of broker 2 (fault -> the first snapshot with new, live
// leaders for every partition it led), and `verify durability` throughput without a fault. For KRaft,
// the controller-quorum lab's waits: a new leader after the active controller stops, its catch-up
// after it starts, no leader once two of three stop, a leader again after they start.
import { execa } from 'execa';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { stackContext } from '../src/context/stack.js';
import { stackInspector } from '../src/context/lab.js';
import { describeQuorum } from '../src/cluster/quorum.js';
import { quorumProblem } from '../src/core/quorum.js';
import { eventually } from '../test/poll.js';
import { createLatencyTopic, detectionMs, settle as settleCluster } from './cluster.js';

const { values } = parseArgs({ options: { runs: { type: 'string', default: '3' } } });
const runs = Number(values.runs);
const cliPath = fileURLToPath(new URL('../bin/kafka-lab.js', import.meta.url));
const env = { CI: '1', KAFKA_LAB_IMAGES: 'local', KAFKA_LAB_STATE: '/tmp/kafka-lab-bench-state' };
const PROFILES = [
  { profile: 'zookeeper', stack: 'bench-zk', portBase: '35092' },
  { profile: 'kraft', stack: 'bench-kraft', portBase: '35192' },
] as const;
const KINDS = ['stop', 'kill', 'pause', 'disconnect'];

async function kl(args: string[]): Promise<{ stdout: string; ms: number }> {
  const started = Date.now();
  const r = await execa('node', [cliPath, ...args], { env, reject: false });
  if (r.exitCode !== 0 && r.exitCode !== 1)
    throw new Error(`kafka-lab ${args.join(' ')} exited ${r.exitCode}: ${r.stderr}`);
  return { stdout: r.stdout, ms: Date.now() - started };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

interface Result {
  up: number[];
  memory: number[];
  latency: Record<string, number[]>;
  throughput: number;
  quorum?: Record<string, number[]>;
}

async function bench(p: (typeof PROFILES)[number]): Promise<Result> {
  const at = ['--stack', p.stack];
  const result: Result = { up: [], memory: [], latency: Object.fromEntries(KINDS.map((k) => [k, []])), throughput: 0 };
  for (let i = 0; i < runs; i++) {
    await kl(['down', ...at, '--volumes']);
    result.up.push((await kl(['up', ...at, '--profile', p.profile, '--port-base', p.portBase])).ms);
    const ctx = await stackContext({ stack: p.stack, images: 'local' });
    // Resident memory as Docker's cgroups count it, without the page cache (what `docker stats` shows).
    const mem = await Promise.all(ctx.spec.services.map((s) => ctx.rt.memory(s.containerName)));
    result.memory.push(mem.reduce<number>((a, b) => a + (b ?? 0), 0) / (1024 * 1024));
    process.stderr.write(`${p.profile} run ${i + 1}: up ${result.up.at(-1)} ms\n`);
  }
  const ctx = await stackContext({ stack: p.stack, images: 'local' });
  const inspector = stackInspector(ctx.rt, ctx.spec, env.KAFKA_LAB_STATE);
  await createLatencyTopic(p.stack);
  const out = async (args: string[]) => (await kl(args)).stdout;
  const settle = () => settleCluster(out, inspector, p.stack);
  for (let i = 0; i < runs; i++) {
    for (const kind of KINDS) {
      await settle();
      result.latency[kind]!.push(await detectionMs(out, inspector, p.stack, kind));
    }
  }
  await settle();
  const verify = JSON.parse(
    (await kl(['verify', 'durability', ...at, '--topic', 'durable', '--messages', '3000', '--json'])).stdout,
  ) as { messagesPerSecond: number; lost: number };
  if (verify.lost !== 0) throw new Error(`${p.profile}: verify durability lost ${verify.lost}`);
  result.throughput = verify.messagesPerSecond;
  if (p.profile === 'kraft') result.quorum = await quorumWaits(p.stack, at);
  await kl(['down', ...at, '--volumes']);
  return result;
}

/** The controller-quorum lab's waits, each from the moment its command returned. */
async function quorumWaits(stack: string, at: string[]): Promise<Record<string, number[]>> {
  const ctx = await stackContext({ stack, images: 'local' });
  const q = () => describeQuorum(ctx.rt, ctx.spec, { replication: true });
  const waits: Record<string, number[]> = { 'new leader': [], 'caught up': [], 'no leader': [], 'leader again': [] };
  const until = async (what: string, ok: (s: Awaited<ReturnType<typeof q>>) => boolean) => {
    const started = Date.now();
    await eventually(what, 120_000, async () => (ok(await q()) ? true : undefined), { intervalMs: 100 });
    waits[what]!.push(Date.now() - started);
  };
  for (let i = 0; i < runs; i++) {
    const first = (await q())!;
    await kl(['fault', 'stop', 'controller', ...at]);
    await until('new leader', (s) => !!s && s.leaderId >= 0 && s.leaderEpoch > first.leaderEpoch);
    await execa('docker', ['start', `${stack}-controller-1`, `${stack}-controller-2`, `${stack}-controller-3`]);
    await until('caught up', (s) => quorumProblem(s, 0) === undefined);
    await execa('docker', ['stop', `${stack}-controller-1`, `${stack}-controller-2`]);
    await until('no leader', (s) => !!s && s.leaderId < 0);
    await execa('docker', ['start', `${stack}-controller-1`, `${stack}-controller-2`]);
    await until('leader again', (s) => !!s && s.leaderId >= 0);
    await kl(['heal', ...at]);
  }
  return waits;
}

const results: Record<string, Result> = {};
for (const p of PROFILES) results[p.profile] = await bench(p);

const zk = results.zookeeper!;
const kraft = results.kraft!;
const row = (name: string, a: number, b: number, unit: string, digits = 0) =>
  console.log(
    `${name.padEnd(44)} ${a.toFixed(digits).padStart(8)} ${unit.padEnd(5)} ${b.toFixed(digits).padStart(8)} ${unit.padEnd(5)} x${(b / a).toFixed(2)}`,
  );
console.log(`ZooKeeper vs KRaft, ${runs} runs each, medians; last column KRaft / ZooKeeper`);
console.log(`${''.padEnd(44)} ${'zookeeper'.padStart(14)} ${'kraft'.padStart(14)}`);
row('up, no containers to ready', median(zk.up) / 1000, median(kraft.up) / 1000, 's', 2);
row('resident memory once ready', median(zk.memory), median(kraft.memory), 'MiB');
for (const k of KINDS) row(`detection latency, ${k} broker 2`, median(zk.latency[k]!), median(kraft.latency[k]!), 'ms');
row('verify durability, 3000 messages, no fault', zk.throughput, kraft.throughput, 'msg/s');
console.log('controller-quorum lab waits (KRaft), median [min-max]:');
for (const [k, xs] of Object.entries(kraft.quorum ?? {}))
  console.log(`  ${k.padEnd(14)} ${String(median(xs)).padStart(6)} ms  [${Math.min(...xs)}-${Math.max(...xs)}]`);
console.log(JSON.stringify(results));
