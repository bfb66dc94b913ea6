// A classroom over two engines: the first engine (through a unix:// context) and a second one (through an
// ssh:// context), one set of four stacks for the whole file. Stacks are placed on both, with port blocks
// unique across them; stacks, grade, reset and down span both; a container without kafka-lab's labels on
// the second engine survives all of it; the second engine's dockerd killed mid-grade is reported per stack.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Docker from 'dockerode';
import { execa } from 'execa';
import { cli, type CliResult } from './helpers.js';
import { eventually } from '../poll.js';
import { dockerContexts, startSecondEngine, stopSecondEngine, type SecondEngine } from './engines.js';

// This file kills its second engine, so it has one of its own: no other file's engine is ever killed.
Object.assign(process.env, {
  KAFKA_LAB_ENGINE2_DIR: '/tmp/kafka-lab-engine-fleet',
  KAFKA_LAB_ENGINE2_BRIDGE: 'klabfleetbr',
  KAFKA_LAB_ENGINE2_BRIDGE_CIDR: '10.203.0.1/24',
  KAFKA_LAB_ENGINE2_POOL: '10.213.0.0/16',
  KAFKA_LAB_ENGINE2_SSH_PORT: '2203',
});
// The first engine: the default one (another engine can stand in for it while others use the default).
const FIRST = process.env.KAFKA_LAB_FLEET_FIRST_ENGINE ?? 'unix:///var/run/docker.sock';
const first = new Docker({ socketPath: FIRST.slice('unix://'.length) });

const NAMES = ['fleet-01', 'fleet-02', 'fleet-03', 'fleet-04'];
const CONTEXTS = ['fleet-one', 'fleet-two'];
const ROOM = ['--contexts', CONTEXTS.join(',')];
const STRANGER = 'fleet-stranger';
const LAB = 'replicated-topic';
const cliPath = fileURLToPath(new URL('../../bin/kafka-lab.js', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'kafka-lab-fleet-'));

let engine: SecondEngine;
let env: Record<string, string>;
let config: string;
const engineOf: Record<string, string> = {};

const run = (args: string[]): Promise<CliResult> => cli(args, env);

/** This file's stacks on one engine, by their labels: stack -> its containers' ids and port base. */
async function fleetOn(docker: Docker) {
  const list = await docker.listContainers({ all: true, filters: { label: ['kafka-lab.stack'] } });
  const stacks = new Map<string, { ids: string[]; portBase?: string }>();
  for (const c of list) {
    const stack = c.Labels['kafka-lab.stack']!;
    if (!NAMES.includes(stack)) continue;
    const s = stacks.get(stack) ?? { ids: [] };
    s.ids.push(c.Id);
    s.portBase ??= c.Labels['kafka-lab.port-base'];
    stacks.set(stack, s);
  }
  return stacks;
}

async function strangerState(): Promise<string | undefined> {
  const info = await engine.docker
    .getContainer(STRANGER)
    .inspect()
    .catch(() => undefined);
  return info?.State.Status;
}

before(async () => {
  engine = await startSecondEngine();
  config = await dockerContexts({ 'fleet-one': FIRST, 'fleet-two': engine.ssh });
  env = { DOCKER_CONFIG: config, DOCKER_HOST: '', DOCKER_CONTEXT: '', HOME: engine.home };
  await run(['down', '--stacks', NAMES.join(','), ...ROOM]);
  await engine.docker
    .getContainer(STRANGER)
    .remove({ force: true })
    .catch(() => {});
  // Someone else's container on the second engine, without kafka-lab's labels.
  const images = JSON.parse((await run(['images', 'list', '--json', '--context', 'fleet-two'])).stdout) as {
    images: { role: string; image: string }[];
  };
  const kcat = images.images.find((i) => i.role === 'kcat')!.image;
  const c = await engine.docker.createContainer({
    name: STRANGER,
    Image: kcat,
    Entrypoint: ['sleep', 'infinity'],
    Labels: { owner: 'someone' },
  });
  await c.start();
});

after(async () => {
  if (!engine) return;
  await run(['down', '--stacks', NAMES.join(','), ...ROOM]);
  await engine.docker
    .getContainer(STRANGER)
    .remove({ force: true })
    .catch(() => {});
  await stopSecondEngine(engine);
  rmSync(dir, { recursive: true, force: true });
  rmSync(config, { recursive: true, force: true });
});

test('up --stacks over two contexts places stacks on both engines, no two sharing a block of ports', async () => {
  const r = await run(['up', '--stacks', 'fleet-01..fleet-04', ...ROOM, '--port-base', '23092', '--json']);
  assert.equal(r.exitCode, 0, r.stderr);
  const outcomes = JSON.parse(r.stdout) as { stack: string; engine: string; ok: boolean }[];
  assert.deepEqual(
    outcomes.map((o) => [o.stack, o.ok]),
    NAMES.map((n) => [n, true]),
  );
  for (const o of outcomes) engineOf[o.stack] = o.engine;
  assert.match(r.stderr, /fleet-one: \d+ stacks, \d+ MiB available.*fleet-two: \d+ stacks, \d+ MiB available/);

  const [one, two] = await Promise.all([fleetOn(first), fleetOn(engine.docker)]);
  assert.ok(
    one.size > 0 && two.size > 0,
    `each engine gets some: ${[...one.keys()].join(',')} / ${[...two.keys()].join(',')}`,
  );
  assert.deepEqual([...one.keys(), ...two.keys()].sort(), NAMES, 'every stack on exactly one engine');
  for (const [stack] of one) assert.equal(engineOf[stack], 'fleet-one');
  for (const [stack] of two) assert.equal(engineOf[stack], 'fleet-two');
  const bases = [...one.values(), ...two.values()].map((s) => s.portBase);
  assert.equal(new Set(bases).size, 4, `port blocks ${bases.join(', ')}`);
  // The memory probe leaves nothing behind.
  for (const d of [first, engine.docker])
    assert.deepEqual(await d.listContainers({ all: true, filters: { label: ['kafka-lab.probe'] } }), []);
});

test('stacks lists both engines with engine names; a classroom file in the working directory names them', async () => {
  writeFileSync(join(dir, 'kafka-lab-classroom.yaml'), `contexts: [${CONTEXTS.join(', ')}]\n`);
  const r = await execa('node', [cliPath, 'stacks', '--json'], {
    cwd: dir,
    reject: false,
    env: { CI: '1', KAFKA_LAB_IMAGES: 'local', ...env },
  });
  assert.equal(r.exitCode, 0, r.stderr);
  const rows = (JSON.parse(r.stdout) as { stack: string; engine: string; state: string }[]).filter((x) =>
    NAMES.includes(x.stack),
  );
  assert.deepEqual(
    rows.map((x) => [x.stack, x.engine, x.state]).sort(),
    NAMES.map((n) => [n, engineOf[n], 'running']),
  );

  // One stack's command finds its engine through the file: this one is on the SSH engine.
  const remote = NAMES.find((n) => engineOf[n] === 'fleet-two')!;
  const s = await execa('node', [cliPath, 'status', '--stack', remote, '--json'], {
    cwd: dir,
    reject: false,
    env: { CI: '1', KAFKA_LAB_IMAGES: 'local', ...env },
  });
  assert.equal(s.exitCode, 0, s.stderr);
  const status = JSON.parse(s.stdout) as { engine: { context: string; kafka: string }; brokers: unknown[] };
  assert.equal(status.engine.context, 'fleet-two');
  assert.equal(status.engine.kafka, 'ssh');
  assert.equal(status.brokers.length, 3);

  writeFileSync(join(dir, 'bad.yaml'), 'contexts: [fleet-one]\nstack: fleet-01..fleet-02\n');
  const bad = await run(['stacks', '--classroom', join(dir, 'bad.yaml')]);
  assert.equal(bad.exitCode, 3);
  assert.match(bad.stderr, /bad\.yaml:2:1: unknown key 'stack'/);
});

test('grade --all spans both engines: the stack whose lab was solved gets full marks, the others do not', async () => {
  const solved = NAMES.find((n) => engineOf[n] === 'fleet-two')!;
  const s = await run(['solve', LAB, '--stack', solved, ...ROOM, '--quiet']);
  assert.equal(s.exitCode, 0, `${s.stdout}\n${s.stderr}`);
  const r = await run(['grade', LAB, '--all', ...ROOM, '--format', 'json']);
  assert.equal(r.exitCode, 1, r.stderr);
  const results = (
    JSON.parse(r.stdout) as {
      results: { student: string; target: string; grade?: { earned: number; possible: number } }[];
    }
  ).results.filter((x) => NAMES.includes(x.student));
  assert.deepEqual(results.map((x) => x.student).sort(), NAMES);
  for (const x of results) {
    assert.equal(x.target, `stack ${x.student} on ${engineOf[x.student]}`);
    assert.ok(x.grade, `${x.student} graded`);
    if (x.student === solved) assert.equal(x.grade.earned, x.grade.possible, `${x.student} full marks`);
    else assert.ok(x.grade.earned < x.grade.possible, `${x.student} not full marks`);
  }
});

test('reset --all recreates every stack on both engines and leaves the unlabelled container alone', async () => {
  const before = new Map([...(await fleetOn(first)), ...(await fleetOn(engine.docker))]);
  const r = await run(['reset', '--all', ...ROOM, '--json']);
  assert.equal(r.exitCode, 0, r.stderr);
  const outcomes = (JSON.parse(r.stdout) as { stack: string; engine: string; ok: boolean }[]).filter((o) =>
    NAMES.includes(o.stack),
  );
  assert.deepEqual(
    outcomes.map((o) => [o.stack, o.engine, o.ok]).sort(),
    NAMES.map((n) => [n, engineOf[n], true]),
  );
  const afterReset = new Map([...(await fleetOn(first)), ...(await fleetOn(engine.docker))]);
  for (const n of NAMES) {
    assert.equal(afterReset.get(n)?.portBase, before.get(n)?.portBase, `${n} keeps its ports`);
    assert.ok(!afterReset.get(n)!.ids.some((id) => before.get(n)!.ids.includes(id)), `${n} has new containers`);
  }
  assert.equal(await strangerState(), 'running');
});

test("the second engine's dockerd killed mid-grade: its stacks fail with the reason, the first engine's are graded", async () => {
  const pid = Number(readFileSync(join(engine.dir, 'dockerd.pid'), 'utf8').trim());
  // One at a time, the first engine's stacks first: once the first result is out, the second engine dies.
  const grading = execa('node', [cliPath, 'grade', LAB, '--all', ...ROOM, '--format', 'json', '--parallel', '1'], {
    reject: false,
    env: { CI: '1', KAFKA_LAB_IMAGES: 'local', ...env },
  });
  let killed = false;
  grading.stderr!.on('data', (chunk: Buffer) => {
    if (!killed && /^\[1\/\d+\] /m.test(chunk.toString())) {
      killed = true;
      process.kill(pid, 'SIGKILL');
    }
  });
  const r = await grading;
  assert.ok(killed, `the engine was killed mid-grade:\n${r.stderr}`);
  assert.equal(r.exitCode, 1, `the 'something failed' code, not a crash:\n${r.stderr}`);
  const results = (
    JSON.parse(r.stdout) as { results: { student: string; grade?: { earned: number }; error?: string }[] }
  ).results.filter((x) => NAMES.includes(x.student));
  assert.deepEqual(results.map((x) => x.student).sort(), NAMES, 'every stack has a result');
  for (const x of results) {
    if (engineOf[x.student] === 'fleet-one') assert.ok(x.grade && !x.error, `${x.student} graded: ${x.error}`);
    else {
      assert.equal(x.grade, undefined, `${x.student} not graded`);
      assert.match(x.error ?? '', /Docker is not reachable at context 'fleet-two'/, `${x.student}: ${x.error}`);
    }
  }

  // Back up with the script once the killed dockerd is reaped (its pid file names it, and a zombie still
  // answers kill -0): its stacks and the stranger are still there.
  await eventually(`dockerd ${pid} gone`, 60_000, async () => (existsSync(`/proc/${pid}`) ? undefined : true));
  const again = await startSecondEngine();
  assert.equal(again.unix, engine.unix);
  const two = await fleetOn(engine.docker);
  assert.deepEqual(
    [...two.keys()].sort(),
    NAMES.filter((n) => engineOf[n] === 'fleet-two'),
  );
  assert.notEqual(await strangerState(), undefined);
});

test('down --all removes every stack on both engines, and only those', async () => {
  const r = await run(['down', '--all', ...ROOM, '--json']);
  assert.equal(r.exitCode, 0, r.stderr);
  const removed = (JSON.parse(r.stdout) as { stack: string; engine: string; ok: boolean }[]).filter((o) =>
    NAMES.includes(o.stack),
  );
  assert.deepEqual(
    removed.map((o) => [o.stack, o.engine, o.ok]).sort(),
    NAMES.map((n) => [n, engineOf[n], true]),
  );
  for (const d of [first, engine.docker]) {
    const filters = { label: ['kafka-lab.stack'] };
    const [c, n, v] = await Promise.all([
      d.listContainers({ all: true, filters }),
      d.listNetworks({ filters }),
      d.listVolumes({ filters }),
    ]);
    const ours = (labels: Record<string, string> | undefined) => NAMES.includes(labels?.['kafka-lab.stack'] ?? '');
    assert.deepEqual(
      c.filter((x) => ours(x.Labels)),
      [],
    );
    assert.deepEqual(
      n.filter((x) => ours(x.Labels)),
      [],
    );
    assert.deepEqual(
      (v.Volumes ?? []).filter((x) => ours(x.Labels)),
      [],
    );
  }
  assert.notEqual(await strangerState(), undefined, 'the unlabelled container survives down --all');
});
