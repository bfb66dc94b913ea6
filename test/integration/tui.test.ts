// The lab screen in a real terminal: the built CLI under tmux (its own server socket and session),
// against a real stack of its own. Keys go in with send-keys; the screen is read with capture-pane,
// polled with deadlines. Only the tmux server this test starts is killed.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { terminalEnv } from '../terminal-env.js';
import { execa } from 'execa';
import { cli, expectOk, labelled } from './helpers.js';
import { eventually } from '../poll.js';

const STACK = 'ui-tui';
const PORT_BASE = '29692';
const SOCKET = `kafka-lab-ui-tui-${process.pid}`;
const SESSION = 'tui';
const cliPath = fileURLToPath(new URL('../../bin/kafka-lab.js', import.meta.url));
const stateDir = mkdtempSync(join(tmpdir(), 'kafka-lab-ui-tui-'));
const launch = `node ${cliPath} lab broker-failover --stack ${STACK} --port-base ${PORT_BASE}`;

const termEnv = terminalEnv({
  KAFKA_LAB_STATE: stateDir,
  ...(process.env.DOCKER_HOST ? { DOCKER_HOST: process.env.DOCKER_HOST } : {}),
});

const tmux = (args: string[]) =>
  execa('tmux', ['-u', '-L', SOCKET, ...args], { env: termEnv, extendEnv: false, reject: false });

async function screen(): Promise<string> {
  return (await tmux(['capture-pane', '-p', '-t', SESSION])).stdout;
}

async function keys(...k: string[]): Promise<void> {
  for (const key of k) await tmux(['send-keys', '-t', SESSION, key]);
}

/** Polls the screen until `ok` holds (by `eventually`); fails after the deadline showing the last screen. */
function waitScreen(ok: (s: string) => boolean, what: string, timeoutMs: number): Promise<string> {
  const probe = async () => {
    const s = await screen();
    if (ok(s)) return s;
    throw new Error(`Screen:\n${s}`);
  };
  return eventually(what, timeoutMs, probe, { intervalMs: 200 });
}

const line = (s: string, re: RegExp) => s.split('\n').find((l) => re.test(l)) ?? '';

before(async () => {
  await cli(['down', '--stack', STACK, '--volumes']);
  const started = await tmux(['new-session', '-d', '-s', SESSION, '-x', '80', '-y', '24', 'bash --norc --noprofile']);
  assert.equal(started.exitCode, 0, started.stderr);
  // Let OSC 52 from the application set tmux's paste buffer, so the copy key can be checked.
  await tmux(['set-option', '-g', 'set-clipboard', 'on']);
  await tmux(['set-option', '-g', 'status', 'off']);
});

after(async () => {
  await tmux(['kill-session', '-t', SESSION]);
  await tmux(['kill-server']);
  rmSync(join(`/tmp/tmux-${process.getuid?.() ?? 0}`, SOCKET), { force: true });
  rmSync(stateDir, { recursive: true, force: true });
  expectOk(await cli(['down', '--stack', STACK, '--volumes']), `down --stack ${STACK}`);
});

test('the lab screen: up, solve and check, inject a fault, watch the cluster, quit and resume', async () => {
  // (1) Open the broker failover lab; the stack does not exist, so the screen brings it up first.
  await keys(`clear; ${launch}`, 'Enter');
  const starting = await waitScreen(
    (s) => /Starting stack ui-tui/.test(s) && /ui-tui-zookeeper +ready/.test(s),
    'per-container progress',
    120_000,
  );
  assert.match(starting, /ui-tui-kafka-1/);
  assert.match(starting, /\d+\.\ds/, 'elapsed time');
  let s = await waitScreen(
    (x) => x.includes('Step 1/8') && /Cluster +controller \d/.test(x),
    'the lab screen with a cluster',
    240_000,
  );
  assert.match(s, /create-topic: Create the replicated topic/);
  assert.match(s, /\$ docker exec -ti ui-tui-kafka-1 kafka-topics/, 'the command, rendered for this stack');
  assert.match(s, /kafka-1 up.*kafka-2 up.*kafka-3 up/s);

  // (2) Run the solution of step 1 (which then checks it) and see it pass on screen.
  await keys('r');
  s = await waitScreen((x) => x.includes('✔ PASSED'), 'step 1 to pass', 120_000);
  assert.match(line(s, /^Steps/), /\[✔1\]/);
  assert.match(s, /topic my-failsafe-topic exists with 13 partitions, replication factor 3/);
  // The copy key puts the command on the clipboard through OSC 52 (tmux keeps it as a buffer).
  await keys('y');
  await waitScreen((x) => x.includes('Copied to the terminal clipboard'), 'the copy notice', 10_000);
  const buffer = await tmux(['show-buffer']);
  assert.equal(
    buffer.stdout,
    'docker exec -ti ui-tui-kafka-1 kafka-topics --bootstrap-server kafka-1:19092 --create --topic my-failsafe-topic --partitions 13 --replication-factor 3 --if-not-exists',
  );

  // The check key checks it again against the cluster: a new "checked at" time, passed again.
  const checkedAt = (x: string) => /checked at (\d\d:\d\d:\d\d)/.exec(x)?.[1];
  const first = checkedAt(s)!;
  await eventually(
    `the clock to pass ${first}`,
    5000,
    async () => (new Date().toTimeString().slice(0, 8) !== first ? true : undefined),
    { intervalMs: 50 },
  );
  await keys('c');
  await waitScreen(
    (x) => x.includes('✔ PASSED') && checkedAt(x) !== undefined && checkedAt(x) !== first,
    'the re-check',
    60_000,
  );
  s = await waitScreen(
    (x) => /my-failsafe-topic +13 partitions, RF 3/.test(x),
    'the topic in the cluster panel',
    30_000,
  );
  assert.equal(
    (line(s, /^kafka-2 up/).match(/\bf\b|\bL\b/g) ?? []).length,
    13,
    'kafka-2 holds a replica of every partition',
  );

  // (3) Go to the stop-broker step and inject its fault from the UI.
  await keys('n', 'n', 'n', 'n');
  await waitScreen((x) => x.includes('Step 5/8') && x.includes('stop-broker: Stop broker 2'), 'step 5', 10_000);
  await keys('f');
  await waitScreen((x) => x.includes('Injected at'), 'the fault to be injected', 60_000);
  const kafka2 = (await labelled(STACK)).containers.find((c) => c.service === 'kafka-2');
  assert.equal(kafka2?.state, 'exited', 'the fault really stopped kafka-2');

  // (4) The cluster panel shows kafka-2 down and every ISR shrunk.
  s = await waitScreen(
    (x) => /^kafka-2 +down/m.test(x) && /13 under-replicated/.test(x),
    'kafka-2 down and the ISRs shrunk',
    60_000,
  );
  assert.equal((line(s, /^kafka-2 +down/).match(/!/g) ?? []).length, 13, line(s, /^kafka-2/));
  assert.match(s, /2 of 3 brokers up/);
  assert.doesNotMatch(line(s, /^kafka-1/), /!/);

  // (5) Quit with Ctrl-C: the shell gets its screen back, the stack keeps running as it was.
  await keys('C-c');
  s = await waitScreen(
    (x) =>
      /broker-failover: 1\/8 steps passed, at step 5\. Progress saved; stack ui-tui keeps running\./.test(
        x.replace(/\n/g, ''),
      ),
    'the summary on the normal screen',
    15_000,
  );
  assert.doesNotMatch(s, /Cluster +controller/, 'nothing of the lab screen is left');
  const after = await labelled(STACK);
  assert.deepEqual(Object.fromEntries(after.containers.map((c) => [c.service, c.state])), {
    zookeeper: 'running',
    'kafka-1': 'running',
    'kafka-2': 'exited',
    'kafka-3': 'running',
    kcat: 'running',
  });
  const progressFile = join(stateDir, STACK, 'progress', 'broker-failover.json');
  assert.ok(existsSync(progressFile));
  assert.equal(JSON.parse(readFileSync(progressFile, 'utf8')).current, 4);

  // ... and open it again: the same step, the same results; the stopped broker is left stopped.
  await keys(`clear; ${launch}`, 'Enter');
  s = await waitScreen((x) => x.includes('Step 5/8') && /^kafka-2 +down/m.test(x), 'the lab resumed at step 5', 60_000);
  assert.match(line(s, /^Steps/), /✔1 +·2 +·3 +·4 +\[·5\]/);
  assert.match(s, /Not running: ui-tui-kafka-2 \(exited\)/);
  await keys('p', 'p', 'p', 'p');
  await waitScreen((x) => x.includes('Step 1/8') && x.includes('✔ PASSED'), 'step 1 still passed', 10_000);
  await keys('q');
  await waitScreen((x) => /1\/8 steps passed, at step 1/.test(x.replace(/\n/g, '')), 'the second quit', 15_000);
});
