import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseQuorumReplication, parseQuorumStatus, quorumProblem } from '../../src/core/quorum.js';
import { roleOf } from '../../src/core/stack.js';
import { loadStack } from '../../src/stack/compose.js';
import { kraftComposeFile } from '../../src/paths.js';
import { localImages, toLocalImage } from '../../src/images/kit.js';

// As Kafka 4.4's kafka-metadata-quorum printed them after a quorum leader was killed.
const STATUS = `ClusterId:              yJLzT9UeS7qJdw0XONkmhA
LeaderId:               2
LeaderEpoch:            3
HighWatermark:          188
MaxFollowerLag:         189
MaxFollowerLagTimeMs:   -1
CurrentVoters:          [{"id": 1, "endpoints": ["CONTROLLER://kafka-1:29093"]}, {"id": 2, "endpoints": ["CONTROLLER://kafka-2:29093"]}, {"id": 3, "endpoints": ["CONTROLLER://kafka-3:29093"]}]
CurrentObservers:       []
`;
const REPLICATION = `NodeId	DirectoryId           	LogEndOffset	Lag	LastFetchTimestamp	LastCaughtUpTimestamp	Status
2     	AAAAAAAAAAAAAAAAAAAAAA	188         	0  	1764605000000     	1764605000000        	Leader
3     	AAAAAAAAAAAAAAAAAAAAAA	188         	0  	1764605000000     	1764605000000        	Follower
1     	AAAAAAAAAAAAAAAAAAAAAA	-1          	189	-1                	-1                   	Follower
`;

test('the quorum status and replication are read from the tool as it prints them', () => {
  const q = parseQuorumStatus(STATUS)!;
  assert.deepEqual([q.leaderId, q.leaderEpoch, q.highWatermark, q.voters], [2, 3, 188, [1, 2, 3]]);
  const r = parseQuorumReplication(REPLICATION);
  assert.deepEqual(
    r.map((v) => [v.id, v.logEndOffset, v.lag, v.status]),
    [
      [2, 188, 0, 'Leader'],
      [3, 188, 0, 'Follower'],
      [1, -1, 189, 'Follower'],
    ],
  );
  assert.equal(parseQuorumStatus('Error: timed out'), undefined);
});

test('a quorum is whole with a leader and every voter caught up', () => {
  const q = parseQuorumStatus(STATUS)!;
  assert.equal(quorumProblem({ ...q, replication: parseQuorumReplication(REPLICATION) }), 'voter 1 not caught up');
  assert.equal(quorumProblem({ ...q, replication: parseQuorumReplication(REPLICATION).slice(0, 2) }), undefined);
  assert.equal(quorumProblem({ ...q, leaderId: -1 }), 'the quorum has no leader');
  assert.equal(quorumProblem(undefined), 'the quorum could not be described');
});

test('roles come from the environment once: ZooKeeper, brokers (KRaft nodes too), controllers, tools', async () => {
  assert.deepEqual(roleOf({ ZOOKEEPER_CLIENT_PORT: '2181' }), { role: 'zookeeper', clientPort: 2181 });
  assert.deepEqual(roleOf({ KAFKA_BROKER_ID: '2' }), { role: 'broker', brokerId: 2 });
  assert.deepEqual(roleOf({ KAFKA_NODE_ID: '3', KAFKA_PROCESS_ROLES: 'broker,controller' }), {
    role: 'broker',
    brokerId: 3,
  });
  assert.deepEqual(roleOf({ KAFKA_NODE_ID: '9', KAFKA_PROCESS_ROLES: 'controller' }), {
    role: 'controller',
    brokerId: 9,
  });
  assert.deepEqual(roleOf({}), { role: 'tool' });
  const spec = await loadStack(kraftComposeFile, { stack: 'k', portBase: 9192 });
  assert.deepEqual(
    spec.services.map((s) => [s.containerName, s.role, s.brokerId ?? null, s.ports.map((p) => p.hostPort)]),
    [
      ['k-controller-1', 'controller', 101, []],
      ['k-controller-2', 'controller', 102, []],
      ['k-controller-3', 'controller', 103, []],
      ['k-kafka-1', 'broker', 1, [9192]],
      ['k-kafka-2', 'broker', 2, [9193]],
      ['k-kafka-3', 'broker', 3, [9194]],
      ['k-kcat', 'tool', null, []],
    ],
  );
});

test("Confluent Platform 8 (Kafka 4) maps to kafka-lab's Kafka 4 image, 7 to its Kafka 3 one", () => {
  const local = localImages('t');
  assert.equal(toLocalImage('confluentinc/cp-kafka:8.2.1', local), 'kafka-lab/kafka4:t');
  assert.equal(toLocalImage('confluentinc/cp-kafka:7.9.1', local), 'kafka-lab/kafka:t');
});
