// The KRaft profile on one stack, as a course would use it: the client kafka-lab uses (kafkajs) against
// Kafka 4, every course lab's student path in KRaft's words and then the controller-quorum lab, every
// track's labs, the controller-quorum lab's reference solution and rubric, faults of the active controller, and durability under faults of
// a partition leader and of the active controller.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import kafkajs from 'kafkajs';
import { describeCluster, withAdmin } from '../../src/cluster/kafka.js';
import { cli, docker, durableThrough, expectOk } from './helpers.js';
import { courseOn, walkLab } from './walk.js';
import { loadCourse, openLab } from '../../src/lab/tracks.js';
import { labsDir } from '../../src/paths.js';
import { eventually } from '../poll.js';
import { execa } from 'execa';

const STACK = 'it-kraft';
const at = ['--stack', STACK];
const BOOT = '127.0.0.1:31592,127.0.0.1:31593,127.0.0.1:31594';
const COURSE = await courseOn('kraft');

interface Status {
  healthy: boolean;
  quorum: { leaderId: number; leaderEpoch: number; voters: number[] } | null;
  brokers: { id: number }[];
}
const status = async (): Promise<Status> => JSON.parse((await cli(['status', ...at, '--json'])).stdout) as Status;

async function whole(): Promise<Status> {
  // Each status starts a JVM in a container (kafka-metadata-quorum): a second between them is plenty.
  return eventually(
    'the quorum and the cluster whole',
    90_000,
    async () => {
      const s = await status();
      if (!s.healthy) throw new Error(`not whole: ${JSON.stringify({ quorum: s.quorum, brokers: s.brokers })}`);
      return s;
    },
    { intervalMs: 1000 },
  );
}

before(async () => {
  await cli(['down', ...at, '--volumes']);
  expectOk(await cli(['up', ...at, '--profile', 'kraft', '--port-base', '31592']), 'up --profile kraft');
});
after(async () => {
  await cli(['down', ...at, '--volumes']);
});

test('up is ready as KRaft means it: a quorum leader, three voters caught up, three brokers; the profile is kept', async () => {
  const s = await status();
  assert.equal(s.healthy, true, JSON.stringify(s));
  assert.deepEqual(s.quorum?.voters, [101, 102, 103]);
  assert.ok([101, 102, 103].includes(s.quorum!.leaderId), JSON.stringify(s.quorum));
  assert.deepEqual(s.brokers.map((b) => b.id).sort(), [1, 2, 3]);
  const c = await docker.getContainer(`${STACK}-kafka-1`).inspect();
  assert.equal(c.Config.Labels['kafka-lab.profile'], 'kraft');
  // Asked for the other profile, an existing stack says why not, and nothing changes.
  const r = await cli(['up', ...at, '--profile', 'zookeeper']);
  assert.equal(r.exitCode, 3, r.stderr);
  assert.match(r.stderr, /runs the kraft profile; --profile zookeeper cannot change it in place/);
});

// Docker gives a started container the lowest free address of its network, so two controllers stopped
// and started in the other order swap addresses. A JVM keeps a name's address for 30 s, and the
// follower left running looked both names up again as their connections closed: dialling controller-2
// it reached controller-1, was refused (INVALID_VOTER_KEY) on a connection that never failed, and the
// quorum never became whole (as in the controller-quorum lab's heal, which stops the leader and one
// more). The stack's nodes keep no address of a name (KAFKA_OPTS in the compose file).
test('the leader and a follower stopped and started in the other order swap addresses; the quorum is whole again', async () => {
  const q = (await whole()).quorum!;
  const follower = [101, 102, 103].find((id) => id !== q.leaderId)!;
  const [a, b] = [101, 102, 103].filter((id) => id !== follower).map((id) => `${STACK}-controller-${id - 100}`);
  const address = async (name: string) =>
    Object.values((await docker.getContainer(name).inspect()).NetworkSettings.Networks)[0]!.IPAddress;
  const was = { [a!]: await address(a!), [b!]: await address(b!) };
  const [low, high] = [a!, b!].sort((x, y) => was[x]!.localeCompare(was[y]!, 'en', { numeric: true }));
  await execa('docker', ['stop', a!, b!]);
  await execa('docker', ['start', high!]);
  await execa('docker', ['start', low!]);
  assert.deepEqual(
    [await address(high!), await address(low!)],
    [was[low!], was[high!]],
    'the engine did not give the addresses back swapped, so this test proves nothing here',
  );
  const s = await whole();
  assert.deepEqual(s.quorum?.voters, [101, 102, 103]);
});

test('kafkajs against Kafka 4: every call kafka-lab makes (KIP-896 removed old protocol versions)', async () => {
  const cluster = await describeCluster(BOOT);
  assert.deepEqual(cluster.brokers.map((b) => b.id).sort(), [1, 2, 3]);
  await withAdmin(BOOT, async (admin) => {
    // kafkajs's waitForLeaders gives up when the broker asked does not know the new topic yet, which on
    // KRaft happens for a moment (metadata comes from the controller's log): kafka-lab waits itself.
    await admin.createTopics({
      topics: [
        {
          topic: 'k4',
          numPartitions: 3,
          replicationFactor: 3,
          configEntries: [{ name: 'min.insync.replicas', value: '2' }],
        },
      ],
    });
    const md = await eventually('k4 to have a leader for each partition', 30_000, async () => {
      const m = await admin.fetchTopicMetadata({ topics: ['k4'] }).catch(() => undefined);
      return m?.topics[0]!.partitions.every((p) => p.leader >= 0) ? m : undefined;
    });
    assert.equal(md.topics[0]!.partitions.length, 3);
    const configs = await admin.describeConfigs({
      includeSynonyms: false,
      resources: [{ type: kafkajs.ConfigResourceTypes.TOPIC, name: 'k4' }],
    });
    assert.equal(
      configs.resources[0]!.configEntries.find((e) => e.configName === 'min.insync.replicas')?.configValue,
      '2',
    );
  });
  const kafka = new kafkajs.Kafka({ brokers: BOOT.split(','), logLevel: kafkajs.logLevel.NOTHING });
  const producer = kafka.producer();
  await producer.connect();
  await producer.send({
    topic: 'k4',
    acks: -1,
    messages: ['a', 'b', 'c'].map((value, i) => ({ key: `k${i}`, value })),
  });
  await producer.disconnect();
  const consumer = kafka.consumer({ groupId: 'k4-readers' });
  await consumer.connect();
  await consumer.subscribe({ topic: 'k4', fromBeginning: true });
  const seen: { value: string; partition: number; offset: string }[] = [];
  await consumer.run({
    autoCommit: false,
    eachMessage: async ({ partition, message }) =>
      void seen.push({ value: String(message.value), partition, offset: message.offset }),
  });
  await eventually('the consumer to read a, b and c', 30_000, async () => (seen.length >= 3 ? true : undefined));
  // Committed by hand (OffsetCommit), so the group's offsets below are exactly what was read.
  const next = new Map<number, number>();
  for (const m of seen) next.set(m.partition, Math.max(next.get(m.partition) ?? 0, Number(m.offset) + 1));
  await consumer.commitOffsets(
    [...next].map(([partition, offset]) => ({ topic: 'k4', partition, offset: String(offset) })),
  );
  await consumer.disconnect();
  assert.deepEqual(seen.map((m) => m.value).sort(), ['a', 'b', 'c']);
  await withAdmin(BOOT, async (admin) => {
    const offsets = await admin.fetchTopicOffsets('k4');
    assert.equal(
      offsets.reduce((n, p) => n + Number(p.high), 0),
      3,
    );
    const groups = await admin.listGroups();
    assert.ok(groups.groups.some((g) => g.groupId === 'k4-readers'));
    const described = await admin.describeGroups(['k4-readers']);
    assert.equal(described.groups[0]!.state, 'Empty');
    // A partition the three keys did not land on has no commit: -1.
    const committed = await admin.fetchOffsets({ groupId: 'k4-readers', topics: ['k4'] });
    assert.equal(
      committed[0]!.partitions.reduce((n, p) => n + Math.max(0, Number(p.offset)), 0),
      3,
    );
    await admin.deleteTopics({ topics: ['k4'] });
  });
});

for (const lab of COURSE) {
  test(`${lab.id} on KRaft: the student path passes every step and grades at full marks, after the labs before it`, () =>
    walkLab(lab, STACK));
}

// Then every track, as on the ZooKeeper stack (tracks.test.ts): the labs the course has not (one-broker,
// purchases-failover) and the tutorials' names, in KRaft's words. A workshop begins on a fresh stack:
// its labs create the topics the course created.
test('reset gives the tracks a fresh KRaft stack, its profile kept', async () => {
  expectOk(await cli(['reset', ...at]), 'reset');
  const s = await whole();
  assert.deepEqual(s.quorum?.voters, [101, 102, 103]);
});

for (const track of (await loadCourse(labsDir)).tracks) {
  for (const { lab: id } of track.labs) {
    const ref = `${track.id}/${id}`;
    test(`${ref} on KRaft: the student path passes every step and grades at full marks`, async () =>
      walkLab(await openLab(labsDir, ref, [], 'kraft'), STACK));
  }
}

test('controller-quorum: doing nothing scores less than full marks; the reference solution passes and gets full marks', async () => {
  expectOk(await cli(['reset', ...at]), 'reset');
  await whole();
  const nothing = JSON.parse((await cli(['grade', 'controller-quorum', ...at, '--json'])).stdout);
  assert.ok(nothing.earned < nothing.possible, JSON.stringify(nothing));
  const solved = await cli(['solve', 'controller-quorum', ...at, '--quiet']);
  expectOk(solved, 'solve controller-quorum');
  const g = JSON.parse((await cli(['grade', 'controller-quorum', ...at, '--json'])).stdout);
  assert.equal(
    g.earned,
    g.possible,
    JSON.stringify(g.items.filter((i: { earned: number; points: number }) => i.earned < i.points)),
  );
});

test('controller-quorum on a ZooKeeper stack is refused with what to do', async () => {
  // A stack that does not exist yet, asked for as ZooKeeper (as `up` would make it).
  const r = await cli(['show', 'controller-quorum', '1', '--stack', 'it-kraft-absent'], {
    KAFKA_LAB_PROFILE: 'zookeeper',
  });
  assert.equal(r.exitCode, 3, r.stderr);
  assert.match(r.stderr, /Lab controller-quorum runs on a kraft stack; this stack runs zookeeper/);
  assert.match(r.stderr, /--profile kraft/);
});

for (const action of ['stop', 'kill', 'pause', 'disconnect']) {
  test(`${action} of the active controller: the others elect a new leader; heal makes the quorum whole`, async () => {
    const before = (await whole()).quorum!;
    const r = await cli(['fault', action, 'controller', ...at, '--json']);
    expectOk(r, `fault ${action} controller`);
    const hit = JSON.parse(r.stdout) as { container: string };
    assert.equal(hit.container, `${STACK}-controller-${before.leaderId - 100}`);
    const after = await eventually('a new quorum leader', 60_000, async () => {
      const q = (await status()).quorum;
      return q && q.leaderId >= 0 && q.leaderId !== before.leaderId && q.leaderEpoch > before.leaderEpoch
        ? q
        : undefined;
    });
    assert.ok([101, 102, 103].includes(after.leaderId));
    expectOk(await cli(['heal', ...at]), 'heal');
    await whole();
  });
}

for (const f of ['stop', 'kill', 'pause', 'disconnect']) {
  for (const target of ['leader:durable/0', 'controller']) {
    test(`durability on KRaft: ${f} of the ${target.split(':')[0]} with RF 3 and min.insync.replicas 2 loses nothing`, async () => {
      await whole();
      await durableThrough(at, `${f}:${target}`);
    });
  }
}
