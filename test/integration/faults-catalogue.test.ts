// Each fault and its inverse has an observable effect in Docker and in Kafka; heal undoes them all;
// symbolic targets resolve to the right broker; durability holds with RF 3 and fails honestly with RF 1.
import { test, before, beforeEach, after } from 'node:test';
import assert from 'node:assert/strict';
import { describeCluster, withAdmin } from '../../src/cluster/kafka.js';
import { cli, docker, durableThrough, expectOk } from './helpers.js';
import { eventually } from '../poll.js';

const STACK = 'it-faultcat';
const at = ['--stack', STACK];
const BOOT = '127.0.0.1:29492,127.0.0.1:29493,127.0.0.1:29494';
const NET = `kafka-lab-${STACK}`;
const name = (s: string) => `${STACK}-${s}`;

const brokers = async () => (await describeCluster(BOOT)).brokers.map((b) => b.id);
const inspect = (s: string) => docker.getContainer(name(s)).inspect();
const attached = async (s: string) => Object.keys((await inspect(s)).NetworkSettings.Networks ?? {}).includes(NET);

async function fault(action: string, target: string) {
  const r = await cli(['fault', action, target, ...at, '--json']);
  expectOk(r, `fault ${action} ${target}`);
  return JSON.parse(r.stdout) as { container: string; brokerId?: number; note: string };
}

async function healthy() {
  await eventually('3 brokers and full ISRs', 90_000, async () => {
    const ids = await brokers();
    if (ids.length !== 3) throw new Error(`brokers ${ids.join(',')}`);
    const md = await withAdmin(BOOT, (a) => a.fetchTopicMetadata({ topics: ['t'] }));
    const sizes = md.topics[0]!.partitions.map((p) => p.isr.length);
    if (sizes.some((n) => n !== 3)) throw new Error(`ISR sizes ${sizes.join(',')}`);
    return true;
  });
}

before(async () => {
  await cli(['down', ...at, '--volumes']);
  expectOk(await cli(['up', ...at, '--port-base', '29492']), 'up');
  await withAdmin(BOOT, (a) =>
    a.createTopics({ waitForLeaders: true, topics: [{ topic: 't', numPartitions: 6, replicationFactor: 3 }] }),
  );
});
// Each test starts from a whole cluster, so one failure shows once instead of in every later test.
beforeEach(async () => {
  expectOk(await cli(['heal', ...at]), 'heal before the test');
  await healthy();
});
after(async () => {
  await cli(['down', ...at, '--volumes']);
  await docker
    .getContainer(name('kcat'))
    .remove({ force: true, v: true })
    .catch(() => {});
});

test('stop and start: the container exits and the broker leaves the cluster, then both come back', async () => {
  const e = await fault('stop', 'kafka-2');
  assert.equal(e.container, name('kafka-2'));
  assert.equal((await inspect('kafka-2')).State.Running, false);
  await eventually('broker 2 to leave', 30_000, async () => ((await brokers()).includes(2) ? undefined : true));
  const again = await cli(['fault', 'kill', 'kafka-2', ...at]);
  assert.equal(again.exitCode, 3);
  assert.match(again.stderr, /is already stopped; one fault at a time per target/);
  await fault('start', 'kafka-2');
  assert.equal((await inspect('kafka-2')).State.Running, true);
  await healthy();
});

test('kill: SIGKILL (exit 137), noticed after the ZooKeeper session timeout; start waits for it', async () => {
  await fault('kill', 'broker:3');
  const info = await inspect('kafka-3');
  assert.equal(info.State.Running, false);
  assert.equal(info.State.ExitCode, 137);
  await eventually('broker 3 to leave', 30_000, async () => ((await brokers()).includes(3) ? undefined : true));
  await fault('start', 'broker:3');
  await healthy();
});

test('pause and unpause: the process freezes, its session expires, then it rejoins', async () => {
  await fault('pause', 'kafka-1');
  assert.equal((await inspect('kafka-1')).State.Paused, true);
  await eventually('broker 1 to leave', 30_000, async () => ((await brokers()).includes(1) ? undefined : true));
  await fault('unpause', 'kafka-1');
  assert.equal((await inspect('kafka-1')).State.Paused, false);
  await healthy();
});

test('disconnect and connect: cut from the stack network, then back with its name', async () => {
  await fault('disconnect', 'kafka-2');
  assert.equal(await attached('kafka-2'), false);
  assert.equal((await inspect('kafka-2')).State.Running, true);
  await eventually('broker 2 to leave', 30_000, async () => ((await brokers()).includes(2) ? undefined : true));
  await fault('connect', 'kafka-2');
  assert.equal(await attached('kafka-2'), true);
  await healthy();
});

test('restart: a new process in the same container', async () => {
  const before = (await inspect('kafka-3')).State.StartedAt;
  await fault('restart', 'kafka-3');
  assert.notEqual((await inspect('kafka-3')).State.StartedAt, before);
  await healthy();
});

test('symbolic targets resolve to the broker the cluster names', async () => {
  const controller = (await describeCluster(BOOT)).controller;
  const c = await fault('pause', 'controller');
  assert.equal(c.brokerId, controller);
  assert.match(c.note, new RegExp(`^controller = broker ${controller} = ${name(`kafka-${controller}`)}$`));
  await fault('unpause', 'controller');
  await healthy();
  // Until the preferred leader is back, the cluster's own rebalancing may move t/4 between two reads.
  const leader = await eventually('the preferred leader of t/4', 60_000, async () => {
    const p = (await withAdmin(BOOT, (a) => a.fetchTopicMetadata({ topics: ['t'] }))).topics[0]!.partitions.find(
      (x) => x.partitionId === 4,
    )!;
    return p.leader === p.replicas[0] ? p.leader : undefined;
  });
  const l = await fault('stop', 'leader:t/4');
  assert.equal(l.brokerId, leader);
  await fault('start', 'leader:t/4');
  await healthy();
});

test('heal undoes every fault at once, also ones made by hand with docker', async () => {
  await fault('pause', 'kafka-1');
  await fault('disconnect', 'kafka-2');
  await docker.getContainer(name('kafka-3')).stop();
  const r = await cli(['heal', ...at, '--json']);
  expectOk(r, 'heal');
  assert.equal(JSON.parse(r.stdout).length, 3);
  assert.equal((await inspect('kafka-1')).State.Paused, false);
  assert.equal(await attached('kafka-2'), true);
  assert.equal((await inspect('kafka-3')).State.Running, true);
  await healthy();
  const events = JSON.parse((await cli(['events', ...at, '--json'])).stdout) as {
    action: string;
    before: { brokers: number[] };
  }[];
  assert.ok(events.filter((e) => e.action === 'heal').length >= 3);
  assert.ok(events.some((e) => e.action === 'pause' && e.before.brokers.length === 3));
});

test('a container without the stack labels is never a target', async () => {
  await docker.getContainer(name('kcat')).remove({ force: true, v: true });
  const image = (await docker.getContainer(name('kafka-1')).inspect()).Config.Image;
  const stranger = await docker.createContainer({
    name: name('kcat'),
    Image: image,
    Entrypoint: ['sleep', 'infinity'],
  });
  await stranger.start();
  const r = await cli(['fault', 'stop', 'kcat', ...at]);
  assert.equal(r.exitCode, 3);
  assert.match(r.stderr, /does not carry kafka-lab's labels/);
  assert.equal((await stranger.inspect()).State.Running, true);
  await stranger.remove({ force: true, v: true });
  expectOk(await cli(['up', ...at]), 'up to bring kcat back');
});

for (const f of ['stop', 'kill', 'pause', 'disconnect']) {
  for (const target of ['leader:durable/0', 'controller']) {
    test(`durability: ${f} of the ${target.split(':')[0]} with RF 3 and min.insync.replicas 2 loses nothing`, async () => {
      await durableThrough(at, `${f}:${target}`);
      await healthy();
    });
  }
}

test('simulate: a topic that does not exist is named with what to do (exit 3); one created a moment ago is found', async () => {
  const missing = await cli(['simulate', 'purchases', ...at, '--topic', 'no-such-topic', '--count', '5']);
  assert.equal(missing.exitCode, 3, missing.stderr);
  assert.match(missing.stderr, /Topic no-such-topic does not exist on this cluster/);
  assert.match(missing.stderr, /kafka-topics --create --topic no-such-topic/);
  await withAdmin(BOOT, (a) =>
    a.createTopics({ topics: [{ topic: 'fresh', numPartitions: 3, replicationFactor: 3 }] }),
  );
  expectOk(
    await cli(['simulate', 'purchases', ...at, '--topic', 'fresh', '--count', '30', '--rate', '0']),
    'simulate into a topic created a moment ago',
  );
  const offsets = await withAdmin(BOOT, (a) => a.fetchTopicOffsets('fresh'));
  assert.equal(
    offsets.reduce((n, p) => n + Number(p.high), 0),
    30,
  );
});

test('durability negative control: RF 1 with its broker stopped reports failed writes, never "all good"', async () => {
  const r = await cli([
    'verify',
    'durability',
    ...at,
    '--topic',
    'fragile',
    '--replication-factor',
    '1',
    '--messages',
    '300',
    '--fault',
    'stop:leader:fragile/0',
    '--json',
  ]);
  assert.equal(r.exitCode, 1, r.stdout);
  const report = JSON.parse(r.stdout);
  assert.ok(report.failed > 0, `failed ${report.failed}`);
  assert.equal(report.ok, false);
  assert.match(report.verdict.join(' '), /writes failed \(not acknowledged\)/);
  await healthy();
});
