// Engines the Docker way: one stack on a second engine, reached through a Docker context, DOCKER_HOST=unix://
// and DOCKER_HOST=ssh:// (Kafka then through SSH forwarding, proved by sshd's own log); clear messages for a
// context that does not exist and an SSH engine that does not answer; a container without kafka-lab's labels
// on that engine is never touched; the first engine never sees the stack.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cli, expectOk, labelled } from './helpers.js';
import {
  dockerContexts,
  engineEnv,
  stackContainersOn,
  startSecondEngine,
  stopSecondEngine,
  type SecondEngine,
} from './engines.js';

const STACK = 'eng-t';
const AT = ['--stack', STACK];
const LAB = 'replicated-topic';
const BYSTANDER = 'eng-bystander';
const PUBLISHED = 'eng-u';
const common = {
  KAFKA_LAB_STATE: mkdtempSync(join(tmpdir(), 'kafka-lab-engines-state-')),
  KAFKA_LAB_LOCK_DIR: mkdtempSync(join(tmpdir(), 'kafka-lab-engines-lock-')),
};
let engine: SecondEngine;
let unix: Record<string, string>;
let ssh: Record<string, string>;

async function removeStack() {
  await cli(['down', ...AT, '--volumes'], unix);
  await cli(['down', '--stack', PUBLISHED, '--volumes'], unix);
}

async function removeBystander() {
  await engine.docker
    .getContainer(BYSTANDER)
    .remove({ force: true })
    .catch(() => {});
}

before(async () => {
  engine = await startSecondEngine();
  unix = { ...common, ...engineEnv(engine, 'unix') };
  ssh = { ...common, ...engineEnv(engine, 'ssh') };
  await removeStack();
  await removeBystander();
  // Someone else's container on the same engine, without kafka-lab's labels, named like the stack's.
  const image = JSON.parse((await cli(['images', 'list', '--json'], unix)).stdout).images[0].image as string;
  await engine.docker.createContainer({ name: BYSTANDER, Image: image, Cmd: ['true'], Labels: { owner: 'someone' } });
});

after(async () => {
  if (!engine) return;
  await removeStack();
  await removeBystander();
  await stopSecondEngine(engine);
});

test('up through a Docker context puts the stack on that engine and nowhere else', async () => {
  const config = await dockerContexts({ second: engine.unix });
  const r = await cli(['up', ...AT, '--port-base', '32192', '--images', 'local', '--context', 'second'], {
    ...common,
    DOCKER_CONFIG: config,
    DOCKER_HOST: '',
  });
  expectOk(r, 'up --context second');
  const there = await stackContainersOn(engine.docker, STACK);
  assert.equal(there.filter((c) => c.state === 'running').length, 5, JSON.stringify(there));
  assert.deepEqual((await labelled(STACK)).containers, [], 'the first engine has none of its containers');

  // The same context as the Docker CLI's current one, and through DOCKER_CONTEXT: the same engine.
  const listed = await cli(['stacks', '--json'], {
    ...common,
    DOCKER_CONFIG: config,
    DOCKER_HOST: '',
    DOCKER_CONTEXT: 'second',
  });
  expectOk(listed, 'stacks with DOCKER_CONTEXT');
  const row = (JSON.parse(listed.stdout) as { stack: string; engine: string }[]).find((s) => s.stack === STACK);
  assert.match(row?.engine ?? '', /context 'second'/);
});

test('status --json over the socket reads Kafka on the loopback ports', async () => {
  const r = await cli(['status', ...AT, '--json'], unix);
  expectOk(r, 'status over unix://');
  const s = JSON.parse(r.stdout);
  assert.equal(s.healthy, true);
  assert.deepEqual(s.engine, { host: engine.unix, context: null, kafka: 'loopback' });
  assert.equal(s.brokers.length, 3);
});

test('over ssh://: status, solve, check and a full-marks grade, with Kafka through SSH forwarding', async () => {
  const log = join(engine.dir, 'ssh', 'sshd.log');
  const before = readFileSync(log, 'utf8').length;
  const status = await cli(['status', ...AT, '--json'], ssh);
  expectOk(status, 'status over ssh://');
  const s = JSON.parse(status.stdout);
  assert.equal(s.healthy, true);
  assert.deepEqual(s.engine, { host: engine.ssh, context: null, kafka: 'ssh' });

  expectOk(await cli(['solve', LAB, ...AT, '--quiet'], ssh), 'solve over ssh://');
  expectOk(await cli(['check', LAB, ...AT], ssh), 'check over ssh://');
  const grade = await cli(['grade', LAB, ...AT, '--json'], ssh);
  expectOk(grade, 'grade over ssh://');
  const g = JSON.parse(grade.stdout);
  assert.equal(g.earned, g.possible);
  assert.ok(g.possible > 0);

  // sshd forwarded kafka-lab's connections to each broker's loopback port on its host.
  const forwarded = readFileSync(log, 'utf8').slice(before);
  for (const port of [32192, 32193, 32194])
    assert.match(
      forwarded,
      new RegExp(`direct_tcpip: originator \\S+ port \\d+, target 127\\.0\\.0\\.1 port ${port}\\b`),
    );
});

test('a context that does not exist and an SSH engine that does not answer are one clear message, exit 3', async () => {
  const config = await dockerContexts({});
  const missing = await cli(['status', ...AT, '--context', 'nope'], { ...common, DOCKER_CONFIG: config });
  assert.equal(missing.exitCode, 3, missing.stderr);
  assert.match(missing.stderr, /Docker context 'nope' does not exist/);
  assert.match(missing.stderr, /docker context create nope/);
  assert.ok(missing.stderr.trim().split('\n').length <= 2, missing.stderr);

  // Port 1 on loopback: nothing listens there.
  const silent = await cli(['status', ...AT], { ...ssh, DOCKER_HOST: 'ssh://root@127.0.0.1:1' });
  assert.equal(silent.exitCode, 3, silent.stderr);
  assert.match(silent.stderr, /The Docker engine at ssh:\/\/root@127\.0\.0\.1:1 does not answer over SSH/);
  assert.ok(silent.stderr.trim().split('\n').length <= 2, silent.stderr);
});

test("reset and down over ssh:// act on the stack's labels only: the unlabelled container stays", async () => {
  const bystander = (await engine.docker.getContainer(BYSTANDER).inspect()).Id;
  expectOk(await cli(['reset', ...AT], ssh), 'reset over ssh://');
  expectOk(await cli(['status', ...AT], ssh), 'status after reset');
  expectOk(await cli(['down', ...AT, '--volumes'], ssh), 'down over ssh://');
  assert.deepEqual(await stackContainersOn(engine.docker, STACK), []);
  assert.equal((await engine.docker.getContainer(BYSTANDER).inspect()).Id, bystander);
});

test('up --publish-address, asked for explicitly: a warning, brokers advertised there, kept for later commands', async () => {
  const log = join(engine.dir, 'ssh', 'sshd.log');
  // 127.0.0.2 stands for "an address of the remote host": reachable here, and not the stack's loopback port.
  const r = await cli(['up', '--stack', PUBLISHED, '--port-base', '32392', '--publish-address', '127.0.0.2'], ssh);
  expectOk(r, 'up --publish-address');
  assert.match(r.stderr, /Warning: .*published on 127\.0\.0\.2.*no authentication/);
  const before = readFileSync(log, 'utf8').length;
  const status = await cli(['status', '--stack', PUBLISHED, '--json'], ssh);
  expectOk(status, 'status of the published stack');
  const s = JSON.parse(status.stdout);
  assert.equal(s.bootstrap, '127.0.0.2:32392,127.0.0.2:32393,127.0.0.2:32394');
  assert.deepEqual(
    s.brokers.map((b: { host: string }) => b.host),
    ['127.0.0.2', '127.0.0.2', '127.0.0.2'],
  );
  assert.equal(s.engine.kafka, 'published');
  assert.doesNotMatch(readFileSync(log, 'utf8').slice(before), /target 127\.0\.0\.1 port 3239[234]\b/);
  const labels = (await stackContainersOn(engine.docker, PUBLISHED)).map((c) => c.labels['kafka-lab.publish-address']);
  assert.deepEqual([...new Set(labels)], ['127.0.0.2']);
  expectOk(await cli(['down', '--stack', PUBLISHED, '--volumes'], ssh), 'down the published stack');
});
