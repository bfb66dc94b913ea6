// Figures for the lab screen, measured on the built CLI in tmux against a real stack of its own:
//   node dist/bench/ui.js [--runs N] [--idle-seconds S] [--only first,idle,fault] [--against OTHER_CLI]
// With --against (another build's CLI, an older commit's say), its first frames and idle CPU are
// measured in the same run on the same stack, alternating, and shown beside these.
// - launch to first frame: from just before tmux starts the command to the first capture-pane that
//   shows the screen (and to the first one with the cluster panel filled in);
// - the panel's delay after a fault: the stop of kafka-2, injected from the UI with its fault key,
//   against the event log's atMs (written once docker stop has returned), until the panel shows
//   broker 2 down (and the ISRs shrunk); also from the key press, and from a heal to broker 2 up;
// - CPU of the UI process while idle on a ready stack: utime+stime from /proc/<pid>/stat.
// capture-pane is polled every 10 ms, so screen times are within about 15 ms.
import { execa } from 'execa';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { eventually } from '../test/poll.js';
import { terminalEnv } from '../test/terminal-env.js';

const { values } = parseArgs({
  options: {
    runs: { type: 'string', default: '5' },
    'idle-seconds': { type: 'string', default: '10' },
    only: { type: 'string', default: 'first,idle,fault' },
    against: { type: 'string' },
  },
});
const only = new Set(values.only!.split(','));
const runs = Number(values.runs);
const idleSeconds = Number(values['idle-seconds']);
const cliPath = fileURLToPath(new URL('../bin/kafka-lab.js', import.meta.url));
const STACK = 'ui-bench';
const PORT_BASE = '29792';
const SOCKET = `kafka-lab-ui-bench-${process.pid}`;
const stateDir = mkdtempSync(join(tmpdir(), 'kafka-lab-ui-bench-'));
const env = terminalEnv({
  KAFKA_LAB_STATE: stateDir,
  ...(process.env.NODE_ENV ? { NODE_ENV: process.env.NODE_ENV } : {}),
});
const launchOf = (cli: string) => ['node', cli, 'lab', 'broker-failover', '--stack', STACK, '--port-base', PORT_BASE];
const clis = [cliPath, ...(values.against ? [values.against] : [])];

const tmux = (args: string[]) => execa('tmux', ['-u', '-L', SOCKET, ...args], { env, extendEnv: false, reject: false });
const kafkaLab = async (args: string[]) => {
  const r = await execa('node', [cliPath, ...args, '--stack', STACK], {
    env: { ...env, CI: '1' },
    extendEnv: false,
    reject: false,
  });
  if (r.exitCode !== 0) throw new Error(`kafka-lab ${args.join(' ')} exited ${r.exitCode}: ${r.stderr}`);
};
const screen = async (target: string) => (await tmux(['capture-pane', '-p', '-t', target])).stdout;

async function until(
  target: string,
  ok: (s: string) => boolean,
  what: string,
  timeoutMs: number,
  everyMs = 10,
): Promise<number> {
  let last = '';
  return eventually(
    what,
    timeoutMs,
    async () => {
      last = await screen(target);
      return ok(last) ? Date.now() : undefined;
    },
    { intervalMs: everyMs },
  ).catch((err: Error) => {
    throw new Error(`${err.message}:\n${last}`, { cause: err });
  });
}

/** Starts the UI as the only process of a new tmux window; returns the window and the UI's pid. */
async function openUi(name: string, cli = cliPath): Promise<{ target: string; pid: number; t0: number }> {
  const t0 = Date.now();
  const r = await tmux(['new-window', '-d', '-P', '-F', '#{pane_pid}', '-n', name, '-t', 'bench', ...launchOf(cli)]);
  if (r.exitCode !== 0) throw new Error(`tmux new-window: ${r.stderr}`);
  return { target: `bench:${name}`, pid: Number(r.stdout.trim()), t0 };
}

/** Presses q; resolves with the time until the UI process has exited (its window closes). */
async function quitUi(target: string): Promise<number> {
  const t0 = Date.now();
  await tmux(['send-keys', '-t', target, 'q']);
  const open = async () =>
    (await tmux(['list-windows', '-t', 'bench', '-F', '#{window_name}'])).stdout
      .split('\n')
      .includes(target.split(':')[1]!);
  await eventually(`${target} to quit`, 10_000, async () => ((await open()) ? undefined : true), { intervalMs: 10 });
  return Date.now() - t0;
}

function cpuTicks(pid: number): number {
  // Fields after the command name (which is in parentheses): utime and stime are fields 14 and 15.
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return Number(f[11]) + Number(f[12]);
}

async function idleCpu(
  cli = cliPath,
): Promise<{ cpuSeconds: number; wallSeconds: number; rss: number; refreshes: number }> {
  const ui = await openUi(`idle${clis.indexOf(cli)}`, cli);
  await until(ui.target, (s) => /my-failsafe-topic +13 partitions/.test(s), 'the lab screen', 30_000);
  const clk = Number((await execa('getconf', ['CLK_TCK'])).stdout) || 100;
  const startTicks = cpuTicks(ui.pid);
  const startMs = Date.now();
  const seen = new Set<string>();
  while (Date.now() - startMs < idleSeconds * 1000) {
    const at = /as of (\d\d:\d\d:\d\d)/.exec(await screen(ui.target))?.[1];
    if (at) seen.add(at);
    await new Promise((r) => setTimeout(r, 200));
  }
  const cpuSeconds = (cpuTicks(ui.pid) - startTicks) / clk;
  const wallSeconds = (Date.now() - startMs) / 1000;
  const rss = Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${ui.pid}/status`, 'utf8'))?.[1] ?? 0) / 1024;
  await quitUi(ui.target);
  return { cpuSeconds, wallSeconds, rss, refreshes: seen.size };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const ms = (x: number) => `${Math.round(x)} ms`;

try {
  await kafkaLab(['down', '--volumes']);
  await execa('node', [cliPath, 'up', '--stack', STACK, '--port-base', PORT_BASE], {
    env: { ...env, CI: '1' },
    extendEnv: false,
  });
  await kafkaLab(['solve', 'broker-failover', '1', '--quiet']);
  await tmux(['new-session', '-d', '-s', 'bench', '-x', '100', '-y', '30']);
  await tmux(['set-option', '-g', 'remain-on-exit', 'off']);

  // 1. Launch to first frame, on a ready stack.
  const firstFrames = clis.map((): number[] => []);
  const fullFrames = clis.map((): number[] => []);
  const quits = clis.map((): number[] => []);
  for (let i = 0; i < (only.has('first') ? runs : 0); i++) {
    for (const [c, cli] of clis.entries()) {
      const ui = await openUi(`first${i}-${c}`, cli);
      firstFrames[c]!.push(
        (await until(ui.target, (s) => /kafka-lab|Opening/.test(s), 'the first frame', 20_000)) - ui.t0,
      );
      fullFrames[c]!.push(
        (await until(
          ui.target,
          (s) => /Step 1\/8/.test(s) && /my-failsafe-topic +13 partitions/.test(s),
          'the lab screen with the cluster',
          30_000,
        )) - ui.t0,
      );
      quits[c]!.push(await quitUi(ui.target));
    }
  }
  const [firstFrame, fullFrame, quit] = [firstFrames[0]!, fullFrames[0]!, quits[0]!];

  // 2. CPU while idle: the lab screen open on a ready stack, nothing running but the panel's polls.
  const idles: Awaited<ReturnType<typeof idleCpu>>[] = [];
  for (const cli of clis)
    idles.push(only.has('idle') ? await idleCpu(cli) : { cpuSeconds: NaN, wallSeconds: NaN, rss: NaN, refreshes: 0 });
  const idle = idles[0]!;

  // 3. The panel's delay after a fault injected from the UI, against the event log's atMs.
  const toDown: number[] = [];
  const toIsr: number[] = [];
  const keyToDown: number[] = [];
  const healToUp: number[] = [];
  const eventsFile = join(stateDir, STACK, 'events.jsonl');
  const faultRuns = only.has('fault') ? Math.max(1, Math.min(runs, 3)) : 0;
  for (let i = 0; i < faultRuns; i++) {
    const ui = await openUi(`fault${i}`);
    await until(ui.target, (s) => /^kafka-2 +up/m.test(s) && /all in sync/.test(s), 'a healthy cluster', 120_000, 100);
    await tmux(['send-keys', '-t', ui.target, 'n', 'n', 'n', 'n']);
    await until(ui.target, (s) => s.includes('Step 5/8'), 'step 5', 10_000);
    const pressed = Date.now();
    await tmux(['send-keys', '-t', ui.target, 'f']);
    const down = await until(ui.target, (s) => /^kafka-2 +down/m.test(s), 'kafka-2 down in the panel', 60_000);
    const isr = await until(ui.target, (s) => /13 under-replicated/.test(s), 'the ISRs shrunk in the panel', 60_000);
    const events = readFileSync(eventsFile, 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { atMs: number; action: string });
    const stop = events.filter((e) => e.action === 'stop').at(-1)!;
    toDown.push(down - stop.atMs);
    keyToDown.push(down - pressed);
    toIsr.push(isr - stop.atMs);
    await tmux(['send-keys', '-t', ui.target, 'H']);
    await until(ui.target, (s) => /Healed/.test(s), 'the heal', 90_000, 50);
    const healed = readFileSync(eventsFile, 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { atMs: number; action: string })
      .filter((e) => e.action === 'heal')
      .at(-1)!;
    healToUp.push((await until(ui.target, (s) => /^kafka-2 +up/m.test(s), 'kafka-2 up again', 90_000)) - healed.atMs);
    await tmux(['send-keys', '-t', ui.target, 'p', 'p', 'p', 'p']);
    await until(ui.target, (s) => s.includes('Step 1/8'), 'step 1', 10_000);
    await quitUi(ui.target);
  }

  const med = (xs: number[]) => (xs.length ? ms(median(xs)) : '-');
  const rows: [string, string][] = [
    [`launch to first frame (median of ${runs})`, med(firstFrame)],
    ['launch to the lab screen with the cluster panel filled', med(fullFrame)],
    ['q to the UI process gone (terminal restored)', med(quit)],
    [`panel shows kafka-2 down, after the fault's atMs (median of ${faultRuns})`, med(toDown)],
    ['panel shows all 13 ISRs shrunk, after the fault', med(toIsr)],
    ['  from pressing f (includes docker stop: a controlled shutdown)', med(keyToDown)],
    ['panel shows kafka-2 up, after the heal finished', med(healToUp)],
    [
      `UI process CPU while idle (${idle.wallSeconds.toFixed(1)} s)`,
      `${((100 * idle.cpuSeconds) / idle.wallSeconds).toFixed(1)} % of one core (${idle.cpuSeconds.toFixed(2)} s CPU)`,
    ],
    ['  distinct panel refreshes seen in that time', `${idle.refreshes}`],
    ['  UI process resident memory', `${idle.rss.toFixed(0)} MiB`],
  ];
  console.log('kafka-lab lab screen benchmark (tmux, stack ui-bench, offline images)');
  for (const [k, v] of rows) console.log(`${k.padEnd(66)} ${v}`);
  if (values.against) {
    const cpu = (x: (typeof idles)[number]) => `${((100 * x.cpuSeconds) / x.wallSeconds).toFixed(1)} %`;
    console.log(`\nThis build vs ${values.against}, same stack, alternating (medians):`);
    const pair = (k: string, a: string, b: string) =>
      console.log(`  ${k.padEnd(52)} ${a.padStart(10)} ${b.padStart(10)}`);
    pair('', 'this', 'other');
    pair('launch to first frame', med(firstFrames[0]!), med(firstFrames[1]!));
    pair('launch to the cluster panel filled', med(fullFrames[0]!), med(fullFrames[1]!));
    pair(`UI CPU while idle (${idleSeconds} s)`, cpu(idles[0]!), cpu(idles[1]!));
  }
  console.log(JSON.stringify({ firstFrames, fullFrames, quits, toDown, toIsr, keyToDown, healToUp, idles }));
} finally {
  await tmux(['kill-server']);
  rmSync(join(`/tmp/tmux-${process.getuid?.() ?? 0}`, SOCKET), { force: true });
  await kafkaLab(['down', '--volumes']).catch(() => {});
  rmSync(stateDir, { recursive: true, force: true });
}
