// The stack's life cycle on the real engine with real brokers: up, idempotent up, recreate of one
// changed service, completion of a half-created stack, reset, down, and look-alikes left alone.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describeCluster, withAdmin, kafkaClient } from '../../src/cluster/kafka.js';
import { defaultComposeFile } from '../../src/paths.js';
import { cli, docker, dockerExec, expectOk, idsByService, labelled } from './helpers.js';
import { eventually } from '../poll.js';

const STACK = 'it-life';
const BASE = '29092';
const BOOTSTRAP = '127.0.0.1:29092,127.0.0.1:29093,127.0.0.1:29094';
const at = ['--stack', STACK];
const K1 = `${STACK}-kafka-1`;

before(async () => {
  await cli(['down', ...at, '--volumes']);
});
after(async () => {
  await cli(['down', ...at, '--volumes']);
  await docker
    .getContainer(`${STACK}-kafka-4`)
    .remove({ force: true, v: true })
    .catch(() => {});
});

test('up gives three brokers and a controller, seen through kafkajs', async () => {
  expectOk(await cli(['up', ...at, '--port-base', BASE]), 'up');
  const c = await describeCluster(BOOTSTRAP);
  assert.deepEqual(
    c.brokers.map((b) => b.id),
    [1, 2, 3],
  );
  assert.deepEqual(
    c.brokers.map((b) => b.port),
    [29092, 29093, 29094],
  );
  assert.ok(c.controller !== null && [1, 2, 3].includes(c.controller), `controller ${c.controller}`);
  const res = await labelled(STACK);
  assert.deepEqual(res.containers.map((x) => x.name).sort(), [
    K1,
    `${STACK}-kafka-2`,
    `${STACK}-kafka-3`,
    `${STACK}-kcat`,
    `${STACK}-zookeeper`,
  ]);
  assert.deepEqual(res.networks, [`kafka-lab-${STACK}`]);
  assert.equal(res.volumes.length, 5);
});

test('status --json reports containers, brokers, controller and bootstrap', async () => {
  const r = await cli(['status', ...at, '--json']);
  expectOk(r, 'status');
  const s = JSON.parse(r.stdout);
  assert.equal(s.stack, STACK);
  assert.equal(s.bootstrap, BOOTSTRAP);
  assert.equal(s.healthy, true);
  assert.deepEqual(
    s.containers.map((c: { service: string; state: string }) => `${c.service}:${c.state}`),
    ['zookeeper:running', 'kafka-1:running', 'kafka-2:running', 'kafka-3:running', 'kcat:running'],
  );
  assert.deepEqual(
    s.brokers.map((b: { id: number; host: string }) => `${b.id}@${b.host}`),
    ['1@127.0.0.1', '2@127.0.0.1', '3@127.0.0.1'],
  );
  assert.ok([1, 2, 3].includes(s.controller));
});

test('a replicated topic reads back through kafka-topics, and kafkajs messages come back through kafka-console-consumer', async () => {
  await withAdmin(BOOTSTRAP, (a) =>
    a.createTopics({ topics: [{ topic: 'orders', numPartitions: 3, replicationFactor: 3 }], waitForLeaders: true }),
  );
  const d = await dockerExec(K1, [
    'kafka-topics',
    '--bootstrap-server',
    'kafka-1:19092',
    '--describe',
    '--topic',
    'orders',
  ]);
  assert.equal(d.exitCode, 0, d.stderr);
  assert.match(d.stdout, /PartitionCount:\s*3/);
  assert.match(d.stdout, /ReplicationFactor:\s*3/);
  const isrs = [...d.stdout.matchAll(/Isr:\s*([\d,]+)/g)].map((m) => m[1]!.split(',').length);
  assert.deepEqual(isrs, [3, 3, 3]);

  const producer = kafkaClient(BOOTSTRAP).producer();
  await producer.connect();
  const values = Array.from({ length: 12 }, (_, i) => `order-${i}-${process.pid}`);
  await producer.send({ topic: 'orders', acks: -1, messages: values.map((value, i) => ({ key: `k${i}`, value })) });
  await producer.disconnect();
  const c = await dockerExec(K1, [
    'kafka-console-consumer',
    '--bootstrap-server',
    'kafka-1:19092',
    '--topic',
    'orders',
    '--from-beginning',
    '--max-messages',
    '12',
    '--timeout-ms',
    '30000',
  ]);
  assert.equal(c.exitCode, 0, c.stderr);
  assert.deepEqual(c.stdout.trim().split('\n').sort(), [...values].sort());
});

// The failover labs tell students that preferred leaders come back by themselves. With the default
// leader.imbalance.per.broker.percentage (10) the ZooKeeper controller leaves one stray partition among
// 21 that broker 2 prefers (under 5%) led elsewhere for good; the stack's 0 moves it back at its check.
test('one partition led away from its preferred broker, among 20 in balance, gets its preferred leader back', async () => {
  const kt = (...args: string[]) => dockerExec(K1, ['kafka-topics', '--bootstrap-server', 'kafka-1:19092', ...args]);
  const assignment = [...Array.from({ length: 20 }, () => '2:1:3'), '1:2:3'].join(',');
  const c = await kt('--create', '--topic', 'prefer', '--replica-assignment', assignment);
  assert.equal(c.exitCode, 0, c.stderr);
  const leaders = async () => {
    const d = await kt('--describe', '--topic', 'prefer');
    assert.equal(d.exitCode, 0, d.stderr);
    return [...d.stdout.matchAll(/Partition:\s*(\d+)\s+Leader:\s*(-?\d+)\s+Replicas:\s*([\d,]+)/g)].map((m) => ({
      partition: Number(m[1]),
      leader: Number(m[2]),
      preferred: Number(m[3]!.split(',')[0]),
    }));
  };
  await eventually('every partition of prefer led by its preferred replica', 30_000, async () => {
    const all = await leaders();
    return all.length === 21 && all.every((p) => p.leader === p.preferred) ? true : undefined;
  });
  // Reordering partition 20's replicas makes broker 2 its preferred leader.
  const plan = JSON.stringify({ version: 1, partitions: [{ topic: 'prefer', partition: 20, replicas: [2, 1, 3] }] });
  const r = await dockerExec(
    K1,
    [
      'bash',
      '-c',
      'cat > /tmp/prefer.json && kafka-reassign-partitions --bootstrap-server kafka-1:19092 --execute --reassignment-json-file /tmp/prefer.json',
    ],
    plan,
  );
  assert.equal(r.exitCode, 0, r.stderr);
  // The reordering keeps broker 1 as leader (seen with the default percentage: it stayed for good), so
  // only the controller's check can hand partition 20 to broker 2; it runs every 30 s.
  await eventually('partition 20 of prefer, now preferring broker 2, led by it', 75_000, async () => {
    const p = (await leaders()).find((x) => x.partition === 20);
    return p?.preferred === 2 && p.leader === 2 ? true : undefined;
  });
});

test('a second up changes nothing: every container ID stays', async () => {
  const before = await idsByService(STACK);
  const r = await cli(['up', ...at]);
  expectOk(r, 'second up');
  assert.match(r.stdout, /already up; nothing changed/);
  assert.deepEqual(await idsByService(STACK), before);
});

test('a changed service definition recreates only that service', async () => {
  const before = await idsByService(STACK);
  const dir = mkdtempSync(join(tmpdir(), 'kafka-lab-'));
  const file = join(dir, 'changed.yaml');
  writeFileSync(
    file,
    readFileSync(defaultComposeFile, 'utf8').replace(
      'KAFKA_BROKER_ID: "3"',
      'KAFKA_BROKER_ID: "3"\n      KAFKA_NUM_PARTITIONS: "2"',
    ),
  );
  expectOk(await cli(['up', ...at, '--compose', file]), 'up with a changed kafka-3');
  const afterIds = await idsByService(STACK);
  assert.equal(afterIds.zookeeper, before.zookeeper);
  assert.equal(afterIds['kafka-1'], before['kafka-1']);
  assert.equal(afterIds['kafka-2'], before['kafka-2']);
  assert.notEqual(afterIds['kafka-3'], before['kafka-3']);
  // and back to the built-in definition: again only kafka-3 changes
  expectOk(await cli(['up', ...at]), 'up with the built-in file');
  const back = await idsByService(STACK);
  assert.equal(back['kafka-1'], before['kafka-1']);
  assert.notEqual(back['kafka-3'], afterIds['kafka-3']);
});

test('a half-created stack is completed: a removed broker is created, a stopped one started, the rest kept', async () => {
  const before = await idsByService(STACK);
  await docker.getContainer(before['kafka-2']!).remove({ force: true, v: true });
  await docker.getContainer(before['kafka-3']!).stop({ t: 5 });
  expectOk(await cli(['up', ...at]), 'up after damage');
  const afterIds = await idsByService(STACK);
  assert.equal(afterIds['kafka-1'], before['kafka-1']);
  assert.equal(afterIds['kafka-3'], before['kafka-3']);
  assert.notEqual(afterIds['kafka-2'], before['kafka-2']);
  assert.deepEqual(
    (await labelled(STACK)).containers.map((c) => c.state),
    ['running', 'running', 'running', 'running', 'running'],
  );
  assert.equal((await describeCluster(BOOTSTRAP)).brokers.length, 3);
});

test('reset empties the cluster and leaves an unlabelled look-alike untouched', async () => {
  const stranger = await docker.createContainer({
    name: `${STACK}-kafka-4`,
    Image: await localKafkaImage(),
    Entrypoint: ['sleep', 'infinity'],
  });
  await stranger.start();
  expectOk(await cli(['reset', ...at]), 'reset');
  const topics = await withAdmin(BOOTSTRAP, (a) => a.listTopics());
  assert.ok(!topics.includes('orders'), `topics after reset: ${topics.join(', ')}`);
  assert.equal((await describeCluster(BOOTSTRAP)).brokers.length, 3);
  assert.equal((await stranger.inspect()).State.Running, true);
});

test('down removes every labelled resource and nothing else', async () => {
  expectOk(await cli(['down', ...at, '--volumes']), 'down');
  assert.deepEqual(await labelled(STACK), { containers: [], networks: [], volumes: [] });
  const stranger = docker.getContainer(`${STACK}-kafka-4`);
  assert.equal((await stranger.inspect()).State.Running, true);
});

test('up refuses a name clash with an unlabelled container and creates nothing', async () => {
  const stranger = docker.getContainer(`${STACK}-kafka-4`);
  await stranger.remove({ force: true, v: true });
  const clash = await docker.createContainer({
    name: `${STACK}-kafka-2`,
    Image: await localKafkaImage(),
    Entrypoint: ['sleep', 'infinity'],
  });
  await clash.start();
  try {
    const r = await cli(['up', ...at]);
    assert.equal(r.exitCode, 3, r.stderr);
    assert.match(
      r.stderr,
      new RegExp(`A container named ${STACK}-kafka-2 already exists and was not created by kafka-lab`),
    );
    assert.match(r.stderr, /Nothing was created/);
    assert.deepEqual(await labelled(STACK), { containers: [], networks: [], volumes: [] });
    expectOk(await cli(['down', ...at]), 'down with a look-alike present');
    assert.equal((await clash.inspect()).State.Running, true);
  } finally {
    await clash.remove({ force: true, v: true });
  }
});

async function localKafkaImage(): Promise<string> {
  const r = await cli(['images', 'list', '--json']);
  return JSON.parse(r.stdout).images.find((i: { role: string }) => i.role === 'kafka').image;
}
