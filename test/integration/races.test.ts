// Commands at the same moment on one host: a busy port names its holder; up and down of one stack, grade during
// reset, fault during heal and two image builds each end in a state the user can explain, with a clear message
// for the one that loses and nothing half-created. The moment is a real signal (the winner's lock file appears),
// never a sleep. Two stacks of its own, removed before and after.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { execa, type ResultPromise } from 'execa';
import { cli as baseCli, expectOk, labelled, type CliResult } from './helpers.js';
import { eventually } from '../poll.js';
import { terminalEnv } from '../terminal-env.js';

const A = 'race-a';
const B = 'race-b';
const BASE_A = '26692';
const BASE_B = '26792';
const cliPath = fileURLToPath(new URL('../../bin/kafka-lab.js', import.meta.url));
const lockDir = mkdtempSync(join(tmpdir(), 'kafka-lab-races-locks-'));
const stateDir = mkdtempSync(join(tmpdir(), 'kafka-lab-races-state-'));
const env = { KAFKA_LAB_LOCK_DIR: lockDir, KAFKA_LAB_STATE: stateDir };

const cli = (args: string[]): Promise<CliResult> => baseCli(args, env);

/** A command left running in the background; its result is awaited later. */
function start(args: string[]): ResultPromise<{ reject: false; env: Record<string, string> }> {
  return execa('node', [cliPath, ...args], { reject: false, env: { CI: '1', KAFKA_LAB_IMAGES: 'local', ...env } });
}

/** The lock a running command holds, once its file is there: who holds it, by pid. */
function lockTaken(name: string): Promise<{ pid: number; what: string }> {
  const file = join(lockDir, `kafka-lab-${name}.lock`);
  return eventually(
    `the lock ${name}`,
    60_000,
    async () =>
      existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as { pid: number; what: string }) : undefined,
    { intervalMs: 20 },
  );
}

async function states(stack: string): Promise<Record<string, string>> {
  return Object.fromEntries((await labelled(stack)).containers.map((c) => [c.service, c.state]));
}

const allRunning = {
  zookeeper: 'running',
  'kafka-1': 'running',
  'kafka-2': 'running',
  'kafka-3': 'running',
  kcat: 'running',
};

before(async () => {
  for (const s of [A, B, 'race-x']) await cli(['down', '--stack', s, '--volumes']);
  expectOk(await cli(['up', '--stack', A, '--port-base', BASE_A]), `up --stack ${A}`);
});

after(async () => {
  for (const s of [A, B, 'race-x']) expectOk(await cli(['down', '--stack', s, '--volumes']), `down --stack ${s}`);
  rmSync(lockDir, { recursive: true, force: true });
  rmSync(stateDir, { recursive: true, force: true });
});

test('a port that is taken names its holder: a kafka-lab stack, or a process outside Docker; nothing is created', async () => {
  const onA = await cli(['up', '--stack', 'race-x', '--port-base', BASE_A]);
  assert.equal(onA.exitCode, 3, onA.stderr);
  assert.match(onA.stderr, /is already in use by kafka-lab stack 'race-a' on engine .* \(container race-a-/);
  assert.match(onA.stderr, /Nothing was created/);
  assert.deepEqual(await labelled('race-x'), { containers: [], networks: [], volumes: [] });

  const server: Server = createServer();
  await new Promise<void>((resolve) => server.listen({ host: '127.0.0.1', port: 26893 }, resolve));
  try {
    const held = await cli(['up', '--stack', 'race-x', '--port-base', '26892']);
    assert.equal(held.exitCode, 3, held.stderr);
    assert.match(
      held.stderr,
      /Port 26893 \(for race-x-kafka-2\) is already in use by a process that is not a container of engine/,
    );
    assert.deepEqual(await labelled('race-x'), { containers: [], networks: [], volumes: [] });
  } finally {
    await new Promise((resolve) => server.close(resolve));
  }
});

test('up and down of one stack at once: the second is refused naming the first, which finishes', async () => {
  // down while up creates it: refused; the stack comes up whole.
  const up = start(['up', '--stack', B, '--port-base', BASE_B]);
  const holder = await lockTaken(`stack-${B}`);
  assert.equal(holder.what, `up --stack ${B}`);
  const down = await cli(['down', '--stack', B, '--volumes']);
  assert.equal(down.exitCode, 3, down.stderr);
  assert.match(
    down.stderr,
    new RegExp(`Stack '${B}' is busy: another kafka-lab is running 'up --stack ${B}' on it \\(pid ${holder.pid},`),
  );
  const upDone = await up;
  assert.equal(upDone.exitCode, 0, upDone.stderr);
  assert.deepEqual(await states(B), allRunning);
  expectOk(await cli(['status', '--stack', B]), `status --stack ${B}`);

  // up while down removes it: refused, or (had the down already finished) a whole new stack; never a mix.
  const removing = start(['down', '--stack', B, '--volumes']);
  const remover = await lockTaken(`stack-${B}`);
  const again = await cli(['up', '--stack', B, '--port-base', BASE_B]);
  const downDone = await removing;
  assert.equal(downDone.exitCode, 0, downDone.stderr);
  if (again.exitCode === 3) {
    assert.match(
      again.stderr,
      new RegExp(`is busy: another kafka-lab is running 'down --stack ${B}' on it \\(pid ${remover.pid},`),
    );
    assert.deepEqual(await labelled(B), { containers: [], networks: [], volumes: [] });
    const stacks = await cli(['stacks', '--json']);
    assert.ok(!(JSON.parse(stacks.stdout) as { stack: string }[]).some((s) => s.stack === B), stacks.stdout);
  } else {
    assert.equal(again.exitCode, 0, again.stderr);
    assert.deepEqual(await states(B), allRunning);
  }
});

test('grade during reset: the grade is refused naming the reset; after it, the grade reads the new cluster', async () => {
  const reset = start(['reset', '--stack', A]);
  const holder = await lockTaken(`stack-${A}`);
  const during = await cli(['grade', 'broker-failover', '--stack', A, '--format', 'json']);
  assert.match(
    during.stdout + during.stderr,
    new RegExp(`Stack '${A}' is busy: another kafka-lab is running 'reset --stack ${A}' on it \\(pid ${holder.pid},`),
  );
  assert.notEqual(during.exitCode, 0);
  const done = await reset;
  assert.equal(done.exitCode, 0, done.stderr);
  assert.deepEqual(await states(A), allRunning);
  const afterReset = await cli(['grade', 'broker-failover', '--stack', A, '--format', 'json']);
  assert.equal(afterReset.exitCode, 1, afterReset.stderr); // a fresh cluster: no marks yet, graded all the same
  assert.doesNotMatch(afterReset.stdout, /busy/);
});

test('fault during heal: refused naming the heal; the heal finishes and nothing is left faulted', async () => {
  expectOk(await cli(['fault', 'kill', 'kafka-2', '--stack', A]), 'fault kill kafka-2');
  // A killed broker stays registered until its ZooKeeper session ends: the heal waits for that before starting it.
  const heal = start(['heal', '--stack', A]);
  const holder = await lockTaken(`faults-${A}`);
  assert.equal(holder.what, 'heal');
  const fault = await cli(['fault', 'pause', 'kafka-3', '--stack', A]);
  assert.equal(fault.exitCode, 3, fault.stderr);
  assert.match(
    fault.stderr,
    new RegExp(`Stack '${A}' is busy: another kafka-lab is running 'heal' on it \\(pid ${holder.pid},`),
  );
  const healed = await heal;
  assert.equal(healed.exitCode, 0, healed.stderr);
  assert.match(healed.stdout, /race-a-kafka-2: start \(was stopped\)/);
  assert.deepEqual(await states(A), allRunning);
  const events = JSON.parse((await cli(['events', '--stack', A, '--json'])).stdout) as {
    action: string;
    container: string;
  }[];
  assert.deepEqual(
    events.map((e) => `${e.action} ${e.container}`),
    ['kill race-a-kafka-2', 'heal race-a-kafka-2'],
    'the refused fault was neither applied nor logged',
  );
  // and once the heal is done, faults work again
  expectOk(await cli(['fault', 'pause', 'kafka-3', '--stack', A]), 'fault pause kafka-3');
  expectOk(await cli(['heal', '--stack', A]), 'heal');
  assert.deepEqual(await states(A), allRunning);
});

test('images build twice at once, with the images present: both say so, and the images stay', async () => {
  const [one, two] = await Promise.all([cli(['images', 'build']), cli(['images', 'build'])]);
  for (const r of [one, two]) {
    assert.equal(r.exitCode, 0, r.stderr);
    assert.match(r.stdout, /Images for this recipe are already present/);
  }
  expectOk(await cli(['images', 'list']), 'images list');
  assert.ok(!existsSync(join(lockDir, 'kafka-lab-images-build.lock')), 'no build lock left behind');
});

test('two lab screens on one stack and lab: both keep working, the file stays whole, the last save wins with a notice', async () => {
  const socket = `kafka-lab-races-${process.pid}`;
  const termEnv = terminalEnv({
    ...env,
    ...(process.env.DOCKER_HOST ? { DOCKER_HOST: process.env.DOCKER_HOST } : {}),
  });
  const tmux = (args: string[]) =>
    execa('tmux', ['-u', '-L', socket, ...args], { env: termEnv, extendEnv: false, reject: false });
  const screen = async (w: string) => (await tmux(['capture-pane', '-p', '-t', w])).stdout;
  const keys = async (w: string, ...k: string[]) => {
    for (const key of k) await tmux(['send-keys', '-t', w, key]);
  };
  const waitScreen = (w: string, ok: (s: string) => boolean, what: string, ms: number) =>
    eventually(`${w}: ${what}`, ms, async () => {
      const s = await screen(w);
      if (ok(s)) return s;
      throw new Error(`Screen:\n${s}`);
    });
  const file = join(stateDir, A, 'progress', 'broker-failover.json');
  const saved = () =>
    JSON.parse(readFileSync(file, 'utf8')) as { current: number; steps: Record<string, { status: string }> };
  const launch = `node ${cliPath} lab broker-failover --stack ${A}`;
  try {
    for (const w of ['one', 'two']) {
      const r = await tmux(['new-session', '-d', '-s', w, '-x', '120', '-y', '30', 'bash --norc --noprofile']);
      assert.equal(r.exitCode, 0, r.stderr);
      await keys(w, `clear; ${launch}`, 'Enter');
    }
    await tmux(['set-option', '-g', 'status', 'off']);
    for (const w of ['one', 'two'])
      await waitScreen(w, (s) => s.includes('Step 1/8') && /Cluster +controller \d/.test(s), 'the lab screen', 120_000);

    // One solves step 1; its save is on disk before the other moves on from the state it read at the start.
    await keys('one', 'r');
    await waitScreen('one', (s) => s.includes('✔ PASSED'), 'step 1 to pass', 120_000);
    await eventually('step 1 passed on disk', 30_000, async () =>
      existsSync(file) && saved().steps['create-topic']?.status === 'passed' ? true : undefined,
    );
    await keys('two', 'n');
    await waitScreen(
      'two',
      (s) => s.includes('Step 2/8') && s.includes('Another kafka-lab window or command saved'),
      'step 2 and the notice that its save replaced the other window',
      30_000,
    );
    await eventually('the save of the second window on disk', 30_000, async () =>
      saved().current === 1 ? true : undefined,
    );
    assert.equal(
      saved().steps['create-topic'],
      undefined,
      'the last save wins: the second window had not seen the pass',
    );

    // The first keeps working: checking again records the pass once more, over the second's save, and says so.
    await keys('one', 'c');
    await waitScreen(
      'one',
      (s) => s.includes('Another kafka-lab window or command saved'),
      'the notice in the first',
      60_000,
    );
    await eventually('the save of the first window on disk', 30_000, async () =>
      saved().steps['create-topic']?.status === 'passed' && saved().current === 0 ? true : undefined,
    );
    for (const w of ['one', 'two']) await keys(w, 'q');
    await waitScreen(
      'one',
      (s) => /1\/8 steps passed, at step 1/.test(s.replace(/\n/g, '')),
      'the first quits',
      15_000,
    );
    await waitScreen('two', (s) => /steps passed, at step 2/.test(s.replace(/\n/g, '')), 'the second quits', 15_000);
    // The file is whole, and no temporary file is left beside it.
    assert.equal(saved().current, 0);
    assert.deepEqual(
      readdirSync(join(stateDir, A, 'progress')).filter((f) => f !== 'broker-failover.json'),
      [],
    );
  } finally {
    await tmux(['kill-server']);
    rmSync(join(`/tmp/tmux-${process.getuid?.() ?? 0}`, socket), { force: true });
  }
});
