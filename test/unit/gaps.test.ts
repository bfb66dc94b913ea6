import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { checkKinds, evaluate, needsOf } from '../../src/core/checks/index.js';
import { describeGap, liveBrokers, type Gap } from '../../src/core/snapshot.js';
import { labsDir } from '../../src/paths.js';
import type { QuorumState } from '../../src/core/quorum.js';
import { clusterPanel } from '../../src/ui/panel.js';
import { lineText } from '../../src/ui/text.js';
import { emptySnapshot } from './snapshot-fixture.js';

test('a gap in words reads as the inspector always said it', () => {
  const said: [Gap, string][] = [
    [{ scope: 'brokers', reason: 'no broker container is running' }, 'no broker container is running'],
    [
      { scope: 'cluster', via: 'kafkajs', reason: 'Connection error: connect ECONNREFUSED' },
      'kafkajs: Connection error: connect ECONNREFUSED',
    ],
    [{ scope: 'cluster', via: 'kcat', reason: 'timed out' }, 'kcat -L: timed out'],
    [
      { scope: 'topic', topic: 't', reason: 'kafkajs could not describe it (a partition without a leader?)' },
      'topic t: kafkajs could not describe it (a partition without a leader?)',
    ],
    [
      {
        scope: 'topic',
        topic: 't',
        via: 'kcat',
        reason: 'kafkajs could not describe it (a partition without a leader?)',
      },
      'topic t read with kcat: kafkajs could not describe it (a partition without a leader?)',
    ],
    [{ scope: 'messages', topic: 't', reason: 'no broker answered' }, 'messages of t: no broker answered'],
    [{ scope: 'configs', reason: 'timed out' }, 'topic configs: timed out'],
    [{ scope: 'end-offsets', topic: 't', reason: 'timed out' }, 'end offsets of t: timed out'],
    [
      { scope: 'groups', reason: 'The coordinator is not available' },
      'consumer groups: The coordinator is not available',
    ],
    [{ scope: 'offsets', group: 'g', topic: 't', reason: 'timed out' }, 'offsets of g on t: timed out'],
  ];
  for (const [gap, words] of said) assert.equal(describeGap(gap), words);
});

test('checks pick the gap about their own topic by its fields', () => {
  const s = emptySnapshot({
    topics: { t: { name: 't', exists: true, partitions: [], configs: {} } },
    gaps: [
      { scope: 'end-offsets', topic: 't', reason: 'not this one' },
      { scope: 'messages', topic: 'other', reason: 'nor this one' },
      { scope: 'messages', topic: 't', reason: 'not the leader' },
    ],
  });
  assert.equal(
    evaluate({ kind: 'topic-holds-at-least', params: { topic: 't', count: 1 } }, s).message,
    'the messages of t could not be read (not the leader), so they were not checked.',
  );
  assert.equal(
    evaluate({ kind: 'leaders-live', params: { topic: 'nope' } }, s).message,
    'topic nope could not be inspected (end offsets of t: not this one).',
  );
});

test('brokers whose membership could not be learnt are not called down', () => {
  const s = emptySnapshot({
    brokers: [],
    containers: [{ service: 'kafka-1', name: 'kafka-1', state: 'running', brokerId: 1 }],
    topics: {
      t: {
        name: 't',
        exists: true,
        configs: {},
        partitions: [{ partition: 0, leader: 1, replicas: [1], isr: [1], offline: [] }],
      },
    },
    gaps: [{ scope: 'cluster', via: 'kafkajs', reason: 'Connection error' }],
  });
  assert.equal(liveBrokers(s), null);
  assert.equal(
    evaluate({ kind: 'leaders-live', params: { topic: 't' } }, s).message,
    'topic t could not be inspected (kafkajs: Connection error).',
  );
  assert.equal(evaluate({ kind: 'partitions-offline', params: { topic: 't' } }, s).pass, false);
  assert.deepEqual(liveBrokers({ ...s, gaps: [] }), new Set());
});

test('the panel says a group was not learnt only when the groups were not learnt', () => {
  const groupLine = (gaps: Gap[]) => {
    const lines = clusterPanel({
      snapshot: emptySnapshot({ gaps }),
      topics: [],
      groups: ['mygroup'],
      width: 100,
      height: 20,
    }).map(lineText);
    return lines.find((l) => l.startsWith('group mygroup'))!;
  };
  assert.match(groupLine([]), /none yet/);
  assert.match(groupLine([{ scope: 'groups', reason: 'The coordinator is not available' }]), /\? not learnt/);
  assert.match(groupLine([{ scope: 'cluster', via: 'kafkajs', reason: 'Connection error' }]), /\? not learnt/);
  // A topic read another way says nothing about the groups, whatever its words.
  assert.match(
    groupLine([
      {
        scope: 'topic',
        topic: 'mygroup-topic',
        via: 'kcat',
        reason: 'kafkajs could not describe it (a partition without a leader?)',
      },
    ]),
    /none yet/,
  );
});

test('every check kind is in the lab format, and needs what its parameters name', async () => {
  const doc = await readFile(join(labsDir, 'README.md'), 'utf8');
  const kinds = doc.slice(doc.indexOf('Check kinds (parameters)'));
  for (const k of checkKinds) assert.ok(kinds.includes(`\`${k}\``), `labs/README.md does not document ${k}`);
  assert.equal(checkKinds.length, 18);
  // The quorum is a JVM start in a broker: asked for only by the checks that read it.
  assert.equal(needsOf({ kind: 'quorum', params: { leader: 'elected' } }).quorum, true);
  assert.equal(needsOf({ kind: 'topic-exists', params: { topic: 't' } }).quorum, undefined);
  assert.deepEqual(needsOf({ kind: 'group-offsets', params: { group: 'g', topic: 't', values: ['a'] } }), {
    topics: ['t'],
    groups: ['g'],
    messagesOf: ['t'],
    ackedOf: [],
    endOffsetsOf: ['t'],
  });
  assert.deepEqual(needsOf({ kind: 'acked-survive', params: { topic: 't' } }), {
    topics: ['t'],
    groups: [],
    messagesOf: ['t'],
    ackedOf: ['t'],
    endOffsetsOf: ['t'],
  });
  assert.deepEqual(needsOf({ kind: 'broker-state', params: { broker: 2, state: 'up' } }), {
    topics: [],
    groups: [],
    messagesOf: [],
    ackedOf: [],
    endOffsetsOf: [],
  });
});

test('on KRaft the panel names the quorum leader as controller, lists the voters, and shows no controller as a broker', () => {
  const s = emptySnapshot({
    brokers: [1, 2, 3].map((id) => ({ id, host: `kafka-${id}`, port: 19091 + id })),
    containers: [
      ...[1, 2, 3].map((id) => ({
        service: `controller-${id}`,
        name: `controller-${id}`,
        state: id === 1 ? 'exited' : 'running',
        brokerId: 100 + id,
        role: 'controller' as const,
      })),
      ...[1, 2, 3].map((id) => ({
        service: `kafka-${id}`,
        name: `kafka-${id}`,
        state: 'running',
        brokerId: id,
        role: 'broker' as const,
      })),
    ],
  });
  const quorum: QuorumState = {
    leaderId: 102,
    leaderEpoch: 3,
    highWatermark: 90,
    voters: [101, 102, 103],
    replication: [
      { id: 102, logEndOffset: 90, lag: 0, status: 'Leader' },
      { id: 101, logEndOffset: -1, lag: 91, status: 'Follower' },
      { id: 103, logEndOffset: 90, lag: 0, status: 'Follower' },
    ],
  };
  const text = (q: QuorumState | null, problem?: string) =>
    clusterPanel({ snapshot: s, topics: [], groups: [], width: 100, height: 20, quorum: q, quorumProblem: problem })
      .map(lineText)
      .join('\n');
  const shown = text(quorum);
  assert.match(shown, /controller 102 · 3 of 3 brokers up/);
  assert.match(shown, /Quorum epoch 3 {2}controller-1 down {2}controller-2 leader {2}controller-3 in sync/);
  assert.doesNotMatch(shown, /controller-1 (lost|up)/);
  assert.match(text(null), /controller \? .*\nQuorum \? asking kafka-metadata-quorum/);
  assert.match(text({ ...quorum, leaderId: -1, unanswered: 'timed out' }), /Quorum no leader: timed out/);
});
