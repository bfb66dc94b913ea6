// A soak run: one stack through many fault/heal cycles of every kind, with the built CLI as a user runs it:
//   node dist/bench/soak.js [--cycles 200] [--verify-every 20] [--profile zookeeper|kraft] [--json]
// Cycle n: `kafka-lab fault KIND TARGET` (every fault action that has an inverse, and restart; targets
// rotate over broker:1..3, controller and leader:latency/0, so every pair comes up every 25 cycles), the
// wait for the cluster to see it (the broker leaves the cluster's broker list; a KRaft controller loses
// the quorum's lead; a restart: the container stopped and runs again), `kafka-lab heal`, then the wait
// for three brokers with every replica in sync and `kafka-lab status` exit 0. Every --verify-every cycles,
// `verify durability` with a fault of its own. At the end `down --volumes`, then what is left: anything
// labelled with the stack, and anything new on the engine without kafka-lab's label. Memory: each CLI
// process's peak RSS (/usr/bin/time %M), and the stack's containers' resident memory at start and end.
// Ctrl-C (or SIGTERM) stops after the current command, heals, removes the stack and reports what was done.
import { execa, type ResultPromise } from 'execa';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { Interrupted } from '../src/core/errors.js';
import { FAULT_ACTIONS, INVERSE_OF } from '../src/core/faults.js';
import type { Resource } from '../src/core/runtime.js';
import { LABEL } from '../src/core/stack.js';
import { stackContext, type StackContext } from '../src/context/stack.js';
import { stackInspector } from '../src/context/lab.js';
import { describeQuorum } from '../src/cluster/quorum.js';
import { eventLogPath, type FaultEvent } from '../src/faults/log.js';
import { eventually } from '../test/poll.js';
import { createLatencyTopic, settle as settleCluster } from './cluster.js';

const { values } = parseArgs({
  options: {
    cycles: { type: 'string', default: '200' },
    'verify-every': { type: 'string', default: '20' },
    profile: { type: 'string', default: 'zookeeper' },
    json: { type: 'boolean', default: false },
  },
});
const wanted = Number(values.cycles);
const verifyEvery = Number(values['verify-every']);
if (!Number.isInteger(wanted) || wanted < 1 || !Number.isInteger(verifyEvery) || verifyEvery < 1)
  throw new Error('--cycles and --verify-every take whole numbers of 1 or more');
if (values.profile !== 'zookeeper' && values.profile !== 'kraft') throw new Error('--profile zookeeper|kraft');
const profile = values.profile;

const STACK = 'soak-1';
const at = ['--stack', STACK];
const TOPIC = 'latency';
const DURABLE = 'soak-durable';
/** Every fault action that is not itself an undo: stop, kill, pause, disconnect, restart. */
const KINDS = FAULT_ACTIONS.filter((a) => !Object.values(INVERSE_OF).includes(a));
const TARGETS = ['broker:1', 'broker:2', 'broker:3', 'controller', `leader:${TOPIC}/0`];
const cliPath = fileURLToPath(new URL('../bin/kafka-lab.js', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'kafka-lab-soak-'));
const rssFile = join(dir, 'rss');
const env = { CI: '1', KAFKA_LAB_IMAGES: 'local', KAFKA_LAB_STATE: join(dir, 'state') };
const log = (line: string) => process.stderr.write(`${line}\n`);

// Ctrl-C: the CLI runs in its own process group (so a terminal's Ctrl-C does not cut the clean-up short);
// the first signal is passed on to the command running then, and the run goes to its clean-up.
const stop = new AbortController();
let running: ResultPromise | undefined;
let cleaningUp = false;
for (const sig of ['SIGINT', 'SIGTERM'] as const)
  process.on(sig, () => {
    if (cleaningUp) return log(`${sig}: already healing and removing ${STACK}; wait for it`);
    if (stop.signal.aborted) return;
    log(`${sig}: stopping after the current command, then healing and removing ${STACK}`);
    stop.abort();
    if (running?.pid) {
      try {
        process.kill(-running.pid, 'SIGINT');
      } catch {
        // already gone
      }
    }
  });

interface Run {
  exitCode: number;
  stdout: string;
  stderr: string;
  /** the CLI process's peak resident memory, MiB */
  rssMiB?: number;
}

interface Cycle {
  n: number;
  kind: string;
  target: string;
  container?: string;
  seenMs?: number;
  healthyMs?: number;
  /** peak RSS per command in this cycle, MiB (the highest of its runs) */
  rss: Record<string, number>;
}
let current: Cycle | undefined;

async function kl(args: string[]): Promise<Run> {
  if (stop.signal.aborted && !cleaningUp) throw new Interrupted();
  rmSync(rssFile, { force: true });
  const p = execa('/usr/bin/time', ['-o', rssFile, '-f', '%M', 'node', cliPath, ...args], {
    env,
    reject: false,
    detached: true,
  });
  running = p;
  const r = await p;
  running = undefined;
  if (stop.signal.aborted && !cleaningUp) throw new Interrupted();
  let rssMiB: number | undefined;
  try {
    // With a non-zero exit, time writes "Command exited with non-zero status N" first.
    rssMiB = Math.round(Number(readFileSync(rssFile, 'utf8').trim().split('\n').at(-1)) / 1024);
  } catch {
    // not measured
  }
  if (current && rssMiB !== undefined) current.rss[args[0]!] = Math.max(current.rss[args[0]!] ?? 0, rssMiB);
  return { exitCode: r.exitCode ?? -1, stdout: String(r.stdout), stderr: String(r.stderr), rssMiB };
}

interface Failure {
  cycle: number;
  step: string;
  command?: string;
  exitCode?: number;
  message: string;
}
const failures: Failure[] = [];
function fail(cycle: number, step: string, message: string, args?: string[], exitCode?: number): void {
  const f: Failure = { cycle, step, message: message.trim().split('\n').slice(0, 3).join(' / ') };
  if (args) f.command = `kafka-lab ${args.join(' ')}`;
  if (exitCode !== undefined) f.exitCode = exitCode;
  failures.push(f);
  log(`  FAILED cycle ${cycle} ${step}${exitCode !== undefined ? ` (exit ${exitCode})` : ''}: ${f.message}`);
}
const errorText = (err: unknown) => (err instanceof Error ? err.message : String(err));

/** Runs a command that must exit 0 (or one of `ok`); a failure is recorded, not thrown. */
async function must(cycle: number, step: string, args: string[], ok = [0]): Promise<Run> {
  const r = await kl(args);
  if (!ok.includes(r.exitCode)) fail(cycle, step, r.stderr || r.stdout, args, r.exitCode);
  return r;
}

async function engineLists(ctx: StackContext): Promise<Record<string, Resource[]>> {
  const [containers, networks, volumes] = await Promise.all([
    ctx.rt.containers({}),
    ctx.rt.networks({}),
    ctx.rt.volumes({}),
  ]);
  return { containers, networks, volumes };
}

/** Resident memory per container of the stack, MiB (Docker's cgroup figures, without the page cache). */
async function stackMemory(ctx: StackContext): Promise<Record<string, number>> {
  const mem = await Promise.all(ctx.spec.services.map(async (s) => [s.service, await ctx.rt.memory(s.containerName)]));
  return Object.fromEntries(mem.map(([s, b]) => [s, Math.round(Number(b ?? 0) / (1024 * 1024))]));
}

const started = Date.now();
const ctx0 = await stackContext({ stack: STACK, images: 'local', profile });
const downFirst = (await kl(['down', ...at, '--volumes'])).exitCode;
if (downFirst !== 0) throw new Error(`kafka-lab down --stack ${STACK} --volumes exited ${downFirst}`);
const before = await engineLists(ctx0);

const cycles: Cycle[] = [];
const verifies: {
  cycle: number;
  fault: string;
  acked: number;
  lost: number;
  duplicated: number;
  failed: number;
  unackedButPresent: number;
  perSecond: number;
  readPastLastAcked: boolean;
  rssMiB?: number;
}[] = [];
let memoryStart: Record<string, number> = {};
let memoryEnd: Record<string, number> = {};
let upRssMiB: number | undefined;
let stopReason: string | undefined;
let ctx: StackContext | undefined;

try {
  const up = await kl(['up', ...at, '--port-base', '26592', '--profile', profile]);
  upRssMiB = up.rssMiB;
  if (up.exitCode !== 0) throw new Error(`kafka-lab up exited ${up.exitCode}: ${up.stderr.trim()}`);
  ctx = await stackContext({ stack: STACK, images: 'local' });
  const { rt, spec } = ctx;
  const inspector = stackInspector(rt, spec, env.KAFKA_LAB_STATE);
  await createLatencyTopic(STACK);
  const out = (cycle: number) => async (args: string[]) => (await must(cycle, args[0]!, args)).stdout;
  const healthy = (cycle: number) =>
    eventually(
      'kafka-lab status to exit 0',
      90_000,
      async () => ((await kl(['status', ...at])).exitCode === 0 ? true : undefined),
      { intervalMs: 500, signal: stop.signal },
    ).catch((err: unknown) => {
      if (err instanceof Interrupted) throw err;
      fail(cycle, 'healthy', errorText(err));
    });
  // After a fault or a verify: every replica back in sync and status healthy; a miss is the cycle's failure.
  const recover = async (cycle: number) => {
    try {
      await settleCluster(out(cycle), inspector, STACK);
    } catch (err) {
      if (err instanceof Interrupted) throw err;
      fail(cycle, 'in sync', errorText(err));
    }
    await healthy(cycle);
  };
  await settleCluster(out(0), inspector, STACK);
  await healthy(0);
  memoryStart = await stackMemory(ctx);
  log(`${STACK} (${profile}) is up; stack memory ${JSON.stringify(memoryStart)} MiB; state in ${dir}`);

  /** Waits for the cluster to show the fault; returns how long that took from `t0`. */
  async function seen(kind: string, e: FaultEvent, t0: number): Promise<number> {
    const svc = spec.services.find((s) => s.service === e.service);
    const what = `the cluster to see ${kind} ${e.container}`;
    const poll = { intervalMs: 250, signal: stop.signal };
    if (kind === 'restart') {
      await eventually(
        `${e.container} to have stopped and to run again`,
        60_000,
        async () => {
          const d = await rt.inspect(e.container);
          return d && d.running && d.finishedAtMs >= t0 - 1000 ? true : undefined;
        },
        poll,
      );
    } else if (svc?.role === 'controller') {
      // A KRaft controller: the quorum has a new leader.
      await eventually(
        what,
        60_000,
        async () => {
          const q = await describeQuorum(rt, spec);
          return q && q.leaderId >= 0 && q.leaderId !== e.brokerId ? true : undefined;
        },
        poll,
      );
    } else if (e.brokerId !== undefined) {
      await eventually(
        what,
        60_000,
        async () => {
          const s = await inspector.snapshot({ topics: [], groups: [], messagesOf: [] });
          return s.brokers.length > 0 && !s.brokers.some((b) => b.id === e.brokerId) && s.controller !== e.brokerId
            ? true
            : undefined;
        },
        poll,
      );
    }
    return Date.now() - t0;
  }

  let unrecovered = 0;
  for (let n = 1; n <= wanted; n++) {
    const kind = KINDS[(n - 1) % KINDS.length]!;
    const target = TARGETS[Math.floor((n - 1) / KINDS.length) % TARGETS.length]!;
    const c: Cycle = { n, kind, target, rss: {} };
    current = c;
    const failedBefore = failures.length;
    const t0 = Date.now();
    const f = await must(n, 'fault', ['fault', kind, target, ...at, '--json']);
    if (f.exitCode === 0) {
      const e = JSON.parse(f.stdout) as FaultEvent;
      c.container = e.container;
      try {
        c.seenMs = await seen(kind, e, t0);
      } catch (err) {
        if (err instanceof Interrupted) throw err;
        fail(n, 'seen', errorText(err));
      }
    }
    const t1 = Date.now();
    await recover(n);
    c.healthyMs = Date.now() - t1;
    cycles.push(c);
    current = undefined;
    const rss = Object.entries(c.rss)
      .map(([k, v]) => `${k} ${v}`)
      .join(', ');
    log(
      `cycle ${n}/${wanted} ${kind} ${target} (${c.container ?? '?'}): seen ${c.seenMs ?? '-'} ms, healthy ${c.healthyMs} ms; CLI peak RSS MiB: ${rss}; ${Math.round((Date.now() - started) / 1000)} s in`,
    );
    unrecovered = failures.slice(failedBefore).some((x) => x.step === 'healthy' || x.step === 'in sync')
      ? unrecovered + 1
      : 0;
    if (unrecovered >= 3) {
      stopReason = `the cluster did not recover in three cycles in a row (cycle ${n})`;
      break;
    }

    if (n % verifyEvery === 0) {
      const vkind = KINDS[(n / verifyEvery - 1) % KINDS.length]!;
      const fault = `${vkind}:leader:${DURABLE}/0`;
      const args = [
        'verify',
        'durability',
        ...at,
        '--topic',
        DURABLE,
        '--messages',
        '2000',
        '--fault',
        fault,
        '--json',
      ];
      // Exit 1 is a result (some writes were not acknowledged during the fault); the counts say what.
      const r = await must(n, 'verify', args, [0, 1]);
      if (r.exitCode === 0 || r.exitCode === 1) {
        const v = JSON.parse(r.stdout) as {
          acked: number;
          lost: number;
          duplicated: number;
          failed: number;
          unackedButPresent: number;
          messagesPerSecond: number;
          readPastLastAcked: boolean;
        };
        verifies.push({
          cycle: n,
          fault,
          acked: v.acked,
          lost: v.lost,
          duplicated: v.duplicated,
          failed: v.failed,
          unackedButPresent: v.unackedButPresent,
          perSecond: v.messagesPerSecond,
          readPastLastAcked: v.readPastLastAcked,
          rssMiB: r.rssMiB,
        });
        log(
          `verify after cycle ${n}, ${fault}: acked ${v.acked}, lost ${v.lost}, duplicated ${v.duplicated}, failed ${v.failed}, ${v.messagesPerSecond} msg/s; CLI peak RSS ${r.rssMiB} MiB`,
        );
      }
      await recover(n);
    }
  }
} catch (err) {
  if (!(err instanceof Interrupted)) {
    stopReason = errorText(err);
    log(`stopped: ${stopReason}`);
  }
} finally {
  cleaningUp = true;
  current = undefined;
}
if (stop.signal.aborted) stopReason = 'interrupted';

// Clean-up, also after Ctrl-C: heal whatever a cut-short command left, then remove everything.
let eventLog = { lines: 0, bytes: 0 };
try {
  const text = readFileSync(eventLogPath(env.KAFKA_LAB_STATE, STACK), 'utf8');
  eventLog = {
    lines: text.split('\n').filter(Boolean).length,
    bytes: statSync(eventLogPath(env.KAFKA_LAB_STATE, STACK)).size,
  };
} catch {
  // no events
}
await kl(['heal', ...at]);
if (ctx) memoryEnd = await stackMemory(ctx).catch(() => ({}));
const down = await kl(['down', ...at, '--volumes']);
if (down.exitCode !== 0) fail(0, 'down', down.stderr, ['down', ...at, '--volumes'], down.exitCode);
const after = await engineLists(ctx0);
const leaks: Record<string, string[]> = {};
const unlabelled: Record<string, string[]> = {};
for (const kind of ['containers', 'networks', 'volumes']) {
  const old = new Set(before[kind]!.map((r) => r.id));
  leaks[kind] = after[kind]!.filter((r) => r.labels[LABEL.stack] === STACK).map((r) => r.name);
  // New since the start and without kafka-lab's label: the stack's, unless another user of this engine made it.
  unlabelled[kind] = after[kind]!.filter((r) => !old.has(r.id) && r.labels[LABEL.stack] === undefined).map(
    (r) => r.name,
  );
}
rmSync(dir, { recursive: true, force: true });

const wallSeconds = Math.round((Date.now() - started) / 1000);
const median = (xs: number[]) => (xs.length ? [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]! : null);
const perKind = Object.fromEntries(
  KINDS.map((k) => {
    const cs = cycles.filter((c) => c.kind === k);
    return [
      k,
      {
        cycles: cs.length,
        failures: failures.filter((f) => f.step !== 'verify' && cs.some((c) => c.n === f.cycle)).length,
        seenMs: median(cs.flatMap((c) => (c.seenMs === undefined ? [] : [c.seenMs]))),
        healthyMs: median(cs.flatMap((c) => (c.healthyMs === undefined ? [] : [c.healthyMs]))),
      },
    ];
  }),
);
const sum = (k: 'acked' | 'lost' | 'duplicated' | 'failed' | 'unackedButPresent') =>
  verifies.reduce((a, v) => a + v[k], 0);
const count = (r: Record<string, string[]>) => Object.values(r).reduce((a, xs) => a + xs.length, 0);
const total = (m: Record<string, number>) => Object.values(m).reduce((a, b) => a + b, 0);
const report = {
  stack: STACK,
  profile,
  cyclesAsked: wanted,
  cyclesDone: cycles.length,
  stopped: stopReason ?? null,
  wallSeconds,
  cyclesPerMinute: cycles.length ? Number(((cycles.length * 60) / wallSeconds).toFixed(2)) : 0,
  perKind,
  failures,
  durability: {
    runs: verifies.length,
    acked: sum('acked'),
    lost: sum('lost'),
    duplicated: sum('duplicated'),
    failed: sum('failed'),
    unackedButPresent: sum('unackedButPresent'),
    allReadPastLastAcked: verifies.every((v) => v.readPastLastAcked),
    runsDetail: verifies,
  },
  leaked: { count: count(leaks) + count(unlabelled), labelled: leaks, unlabelledNew: unlabelled },
  cliPeakRssMiB: {
    up: upRssMiB ?? null,
    firstCycle: cycles[0]?.rss ?? null,
    lastCycle: cycles.at(-1)?.rss ?? null,
    highest: Math.max(0, ...cycles.flatMap((c) => Object.values(c.rss)), ...verifies.map((v) => v.rssMiB ?? 0)),
    firstVerify: verifies[0]?.rssMiB ?? null,
    lastVerify: verifies.at(-1)?.rssMiB ?? null,
  },
  stackMemoryMiB: { start: memoryStart, end: memoryEnd, startTotal: total(memoryStart), endTotal: total(memoryEnd) },
  eventLog,
};

if (values.json) console.log(JSON.stringify(report, null, 2));
else {
  const rss = (r: Record<string, number> | null) =>
    r
      ? Object.entries(r)
          .map(([k, v]) => `${k} ${v}`)
          .join(', ')
      : '-';
  console.log(
    `soak, ${profile} stack ${STACK}: ${cycles.length} of ${wanted} cycles in ${wallSeconds} s (${report.cyclesPerMinute} cycles/min)${stopReason ? `; stopped: ${stopReason}` : ''}`,
  );
  console.log('cycles per kind (median ms from the fault to the cluster seeing it / from heal to healthy):');
  for (const [k, p] of Object.entries(perKind))
    console.log(
      `  ${k.padEnd(11)} ${String(p.cycles).padStart(4)} cycles  ${p.failures} failed  seen ${p.seenMs ?? '-'} ms  healthy ${p.healthyMs ?? '-'} ms`,
    );
  console.log(`failures: ${failures.length}`);
  for (const f of failures)
    console.log(
      `  cycle ${f.cycle} ${f.step}${f.command ? `: ${f.command}` : ''}${f.exitCode !== undefined ? ` exit ${f.exitCode}` : ''}: ${f.message}`,
    );
  const d = report.durability;
  console.log(
    `verify durability, ${d.runs} runs of 2000 messages: acked ${d.acked}, lost ${d.lost}, duplicated ${d.duplicated}, not acknowledged ${d.failed} (${d.unackedButPresent} stored anyway)`,
  );
  console.log(
    `leaked after down --volumes: ${report.leaked.count} (labelled ${STACK}: ${count(leaks)}; new without a kafka-lab label: ${count(unlabelled)}${count(unlabelled) ? ` ${JSON.stringify(unlabelled)}` : ''})`,
  );
  console.log(
    `CLI peak RSS, MiB: up ${upRssMiB ?? '-'}; first cycle ${rss(report.cliPeakRssMiB.firstCycle)}; last cycle ${rss(report.cliPeakRssMiB.lastCycle)}`,
  );
  console.log(
    `  verify first ${report.cliPeakRssMiB.firstVerify ?? '-'}, last ${report.cliPeakRssMiB.lastVerify ?? '-'}; highest of any command ${report.cliPeakRssMiB.highest}`,
  );
  console.log(`stack memory, MiB: start ${report.stackMemoryMiB.startTotal} ${JSON.stringify(memoryStart)}`);
  console.log(`                   end   ${report.stackMemoryMiB.endTotal} ${JSON.stringify(memoryEnd)}`);
  console.log(`event log: ${eventLog.lines} lines, ${eventLog.bytes} bytes`);
}
const clean = report.durability.lost === 0 && failures.length === 0 && report.leaked.count === 0;
process.exit(stop.signal.aborted ? 130 : clean ? 0 : 1);
