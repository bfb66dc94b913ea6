import { test } from 'node:test';
import assert from 'node:assert/strict';
import { evaluate, type CheckSpec } from '../../src/core/checks/index.js';
import type { ClusterSnapshot, Message, PartitionState } from '../../src/core/snapshot.js';
import { emptySnapshot } from './snapshot-fixture.js';

/** Records on partition 0, one after another. */
const msgs = (values: string[]): Message[] => values.map((value, offset) => ({ partition: 0, offset, value }));

function parts(n: number, f: (i: number) => Partial<PartitionState>): PartitionState[] {
  return Array.from({ length: n }, (_, i) => {
    const replicas = [1 + (i % 3), 1 + ((i + 1) % 3), 1 + ((i + 2) % 3)];
    return { partition: i, leader: replicas[0]!, replicas, isr: [...replicas], offline: [], ...f(i) };
  });
}

function snap(over: Partial<ClusterSnapshot> = {}): ClusterSnapshot {
  return emptySnapshot({
    containers: [1, 2, 3].map((id) => ({
      service: `kafka-${id}`,
      name: `kafka-${id}`,
      state: 'running',
      brokerId: id,
    })),
    topics: {
      t: { name: 't', exists: true, partitions: parts(13, () => ({})), configs: { 'min.insync.replicas': '2' } },
    },
    ...over,
  });
}

const check = (c: CheckSpec, s = snap()) => evaluate(c, s);

/** broker 2 stopped: it leads nothing and is out of every ISR. */
function broker2Down(): ClusterSnapshot {
  return snap({
    brokers: [1, 3].map((id) => ({ id, host: '127.0.0.1', port: 9091 + id })),
    containers: [1, 2, 3].map((id) => ({
      service: `kafka-${id}`,
      name: `kafka-${id}`,
      state: id === 2 ? 'exited' : 'running',
      brokerId: id,
    })),
    topics: {
      t: {
        name: 't',
        exists: true,
        configs: {},
        partitions: parts(13, (i) => {
          const r = [1 + (i % 3), 1 + ((i + 1) % 3), 1 + ((i + 2) % 3)];
          const isr = r.filter((b) => b !== 2);
          return { leader: isr[0]!, isr, offline: [2] };
        }),
      },
    },
  });
}

test('topic-exists names what differs and what the lab asks for', () => {
  assert.equal(
    check({ kind: 'topic-exists', params: { topic: 't', partitions: 13, replicationFactor: 3 } }).pass,
    true,
  );
  const rf = check({ kind: 'topic-exists', params: { topic: 't', partitions: 13, replicationFactor: 2 } });
  assert.equal(rf.pass, false);
  assert.match(rf.message, /topic t has replication factor 3, the lab asks for 2/);
  const n = check({ kind: 'topic-exists', params: { topic: 't', partitions: 6 } });
  assert.match(n.message, /13 partitions, the lab asks for 6/);
  assert.match(
    check(
      { kind: 'topic-exists', params: { topic: 'nope' } },
      snap({ topics: { nope: { name: 'nope', exists: false, partitions: [], configs: {} } } }),
    ).message,
    /expected topic nope, found no such topic/,
  );
  assert.match(
    check({ kind: 'topic-exists', params: { topic: 't', configs: { 'min.insync.replicas': '3' } } }).message,
    /min.insync.replicas=2, the lab asks for 3/,
  );
});

test('a stopped broker: leaders moved, ISR shrank, broker state stopped', () => {
  const s = broker2Down();
  assert.equal(check({ kind: 'broker-leads-none', params: { topic: 't', broker: 2 } }, s).pass, true);
  assert.equal(check({ kind: 'isr', params: { topic: 't', size: 2, excludes: 2 } }, s).pass, true);
  assert.equal(check({ kind: 'leaders-live', params: { topic: 't' } }, s).pass, true);
  assert.equal(check({ kind: 'broker-state', params: { broker: 2, state: 'stopped' } }, s).pass, true);
  const wrong = check({ kind: 'broker-state', params: { broker: 3, state: 'stopped' } }, s);
  assert.equal(wrong.pass, false);
  assert.match(wrong.message, /expected broker 3 stopped; found its container running and it is still in the cluster/);
  const full = check({ kind: 'fully-replicated', params: { topic: 't' } }, s);
  assert.equal(full.pass, false);
  assert.equal(full.score, 0);
  assert.match(full.message, /partition 0 has ISR 1,3 of replicas 1,2,3/);
});

test('doing nothing fails the broker checks with what was found', () => {
  const r = check({ kind: 'broker-leads-none', params: { topic: 't', broker: 2 } });
  assert.equal(r.pass, false);
  assert.ok(r.score > 0 && r.score < 1, `partial score ${r.score}`);
  assert.match(r.message, /is still led by broker 2/);
  assert.match(
    check({ kind: 'isr', params: { topic: 't', excludes: 2 } }).message,
    /expected broker 2 out of the ISR; found partition 0 has ISR 1,2,3/,
  );
});

test('preferred leaders and offline partitions', () => {
  assert.equal(check({ kind: 'preferred-leaders', params: { topic: 't' } }).pass, true);
  const moved = snap({
    topics: {
      t: { name: 't', exists: true, configs: {}, partitions: parts(3, (i) => (i === 1 ? { leader: 3 } : {})) },
    },
  });
  const r = check({ kind: 'preferred-leaders', params: { topic: 't' } }, moved);
  assert.match(r.message, /partition 1 is led by broker 3, preferred 2/);
  const offline = snap({
    topics: {
      atu: {
        name: 'atu',
        exists: true,
        configs: {},
        partitions: [{ partition: 0, leader: -1, replicas: [2], isr: [2], offline: [2] }],
      },
    },
  });
  assert.equal(check({ kind: 'partitions-offline', params: { topic: 'atu' } }, offline).pass, true);
  assert.equal(check({ kind: 'leaders-live', params: { topic: 'atu' } }, offline).pass, false);
  assert.match(check({ kind: 'partitions-offline', params: { topic: 't' } }).message, /found every partition led/);
});

function groupSnap(assignments: (number[] | null)[]): ClusterSnapshot {
  return snap({
    groups: {
      mygroup: {
        groupId: 'mygroup',
        state: 'Stable',
        protocolType: 'consumer',
        members: assignments.map((a, i) => ({
          memberId: `m${i}`,
          clientId: 'rdkafka',
          host: '/172.18.0.9',
          assignment: a === null ? null : { t: a },
        })),
        offsets: { t: { 0: 5, 1: 4, 2: -1 } },
      },
    },
  });
}

test('a group that shares the 13 partitions among three members', () => {
  const s = groupSnap([
    [0, 1, 2, 3, 4],
    [5, 6, 7, 8],
    [9, 10, 11, 12],
  ]);
  assert.equal(check({ kind: 'group-members', params: { group: 'mygroup', count: 3 } }, s).pass, true);
  assert.equal(check({ kind: 'group-covers', params: { group: 'mygroup', topic: 't' } }, s).pass, true);
  assert.equal(check({ kind: 'group-share', params: { group: 'mygroup', topic: 't', min: 4, max: 5 } }, s).pass, true);
  assert.equal(check({ kind: 'group-offsets', params: { group: 'mygroup', topic: 't', atLeast: 9 } }, s).pass, true);
  assert.match(
    check({ kind: 'group-offsets', params: { group: 'mygroup', topic: 't', atLeast: 14 } }, s).message,
    /at least 14 messages of t; found 9/,
  );
});

test('consumers in separate groups where one group was asked for', () => {
  const s = groupSnap([[0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]]);
  const m = check({ kind: 'group-members', params: { group: 'mygroup', count: 3 } }, s);
  assert.equal(m.pass, false);
  assert.match(m.message, /expected 3 members in group mygroup; found 1/);
  assert.match(
    check({ kind: 'group-share', params: { group: 'mygroup', topic: 't', min: 4, max: 5 } }, s).message,
    /found 13/,
  );
  assert.match(check({ kind: 'group-exists', params: { group: 'other' } }, s).message, /found none with that name/);
});

test('an assignment with a gap and a double is caught; a rebalancing group is not judged yet', () => {
  const r = check(
    { kind: 'group-covers', params: { group: 'mygroup', topic: 't' } },
    groupSnap([
      [0, 1, 2, 3, 4, 5],
      [5, 6, 7, 8, 9, 10, 11],
    ]),
  );
  assert.equal(r.pass, false);
  assert.match(r.message, /unassigned 12, assigned twice 5/);
  assert.match(
    check({ kind: 'group-covers', params: { group: 'mygroup', topic: 't' } }, groupSnap([[0], null])).message,
    /rebalancing/,
  );
});

test('messages in a topic, with partial credit', () => {
  const s = snap({ messages: { t: msgs(['m1', 'm2', 'm4']) } });
  const r = check({ kind: 'topic-contains', params: { topic: 't', values: ['m1', 'm2', 'm3', 'm4'] } }, s);
  assert.equal(r.pass, false);
  assert.equal(r.score, 0.75);
  assert.match(r.message, /missing 1: m3/);
  assert.equal(check({ kind: 'topic-holds-at-least', params: { topic: 't', count: 3 } }, s).pass, true);
});

test('acked-survive: every write acknowledged before the last fault must be readable', () => {
  const acked = {
    t: [
      { value: 'a', atMs: 10 },
      { value: 'b', atMs: 20 },
      { value: 'c', atMs: 40 },
    ],
  };
  const ok = snap({ acked, lastFaultMs: 30, messages: { t: msgs(['a', 'b']) } });
  assert.equal(check({ kind: 'acked-survive', params: { topic: 't' } }, ok).pass, true);
  const lost = check(
    { kind: 'acked-survive', params: { topic: 't' } },
    snap({ acked, lastFaultMs: 30, messages: { t: msgs(['a']) } }),
  );
  assert.equal(lost.pass, false);
  assert.equal(lost.score, 0.5);
  assert.match(lost.message, /1 are lost: b/);
  assert.match(
    check({ kind: 'acked-survive', params: { topic: 't' } }, snap({ acked, messages: { t: msgs(['a']) } })).message,
    /records none yet/,
  );
});

test('a topic whose messages could not be read says why, instead of looking empty or lost', () => {
  const unread = snap({
    acked: { t: [{ value: 'a', atMs: 10 }] },
    lastFaultMs: 30,
    gaps: [
      {
        scope: 'messages',
        topic: 't',
        reason: 'Timed out after 30 s waiting for a whole read of t (last seen: not the leader)',
      },
    ],
  });
  for (const c of [
    { kind: 'topic-contains', params: { topic: 't', values: ['m1'] } },
    { kind: 'topic-holds-at-least', params: { topic: 't', count: 1 } },
    { kind: 'acked-survive', params: { topic: 't' } },
  ] as CheckSpec[]) {
    const r = check(c, unread);
    assert.equal(r.pass, false, c.kind);
    assert.equal(r.score, 0, c.kind);
    assert.equal(
      r.message,
      'the messages of t could not be read (Timed out after 30 s waiting for a whole read of t (last seen: not the leader)), so they were not checked.',
      c.kind,
    );
  }
  const gone = snap({ topics: { t: { name: 't', exists: false, partitions: [], configs: {} } } });
  assert.equal(
    check({ kind: 'topic-contains', params: { topic: 't', values: ['m1'] } }, gone).message,
    'expected topic t, found no such topic.',
  );
  assert.equal(
    check({ kind: 'topic-holds-at-least', params: { topic: 't', count: 0 } }, snap({ messages: { t: msgs([]) } })).pass,
    true,
  );
});

test('durability accounting: lost, duplicated, unacknowledged-but-present, and an honest verdict', async () => {
  const { account, verdict } = await import('../../src/core/durability.js');
  const c = account(['a', 'b', 'c', 'd'], new Set(['a', 'b', 'c']), new Set(['d']), ['a', 'a', 'c', 'd']);
  assert.deepEqual([c.acked, c.failed, c.lost, c.duplicated, c.unackedButPresent], [3, 1, ['b'], ['a'], ['d']]);
  const v = verdict({ ...c, readPastLastAcked: true });
  assert.equal(v.ok, false);
  assert.match(
    v.lines.join(' '),
    /1 acknowledged messages were LOST.*1 of 4 writes failed.*1 messages were stored more than once/,
  );
  const none = verdict(account(['a'], new Set(), new Set(['a']), []));
  assert.equal(none.ok, false);
  assert.match(none.lines[0]!, /No write was acknowledged/);
  assert.match(
    verdict({ ...account(['a'], new Set(['a']), new Set(), []), readPastLastAcked: false }).lines[0]!,
    /inconclusive/,
  );
  assert.equal(verdict({ ...account(['a'], new Set(['a']), new Set(), ['a']), readPastLastAcked: true }).ok, true);
});

test('quorum: a leader, one elected since the lab started, voters caught up, or no leader at all', () => {
  const voter = (id: number, lag: number, logEndOffset = 50) => ({ id, lag, logEndOffset, status: 'Follower' });
  const q = (o: Partial<NonNullable<ClusterSnapshot['quorum']>> = {}) =>
    snap({
      quorum: {
        leaderId: 102,
        leaderEpoch: 3,
        highWatermark: 50,
        voters: [101, 102, 103],
        replication: [voter(102, 0), voter(101, 0), voter(103, 0), { ...voter(1, 0), status: 'Observer' }],
        ...o,
      },
    });
  const quorum = (params: CheckSpec<'quorum'>['params']): CheckSpec => ({ kind: 'quorum', params });
  const started = (epoch: number) => ({ reads: [], baseline: { atMs: 0, ends: {}, members: {}, quorumEpoch: epoch } });
  assert.equal(check(quorum({ leader: 'elected', caughtUp: 3 }), q()).pass, true);
  const behind = check(
    quorum({ leader: 'elected', caughtUp: 3 }),
    q({ replication: [voter(102, 0), voter(101, 87, -1), voter(103, 0)] }),
  );
  assert.equal(behind.pass, false);
  assert.match(
    behind.message,
    /expected 3 voters caught up with leader 102; 2 are \(102: lag 0, 101: lag never fetched, 103: lag 0\)/,
  );
  assert.equal(evaluate(quorum({ leader: 'elected', newLeader: true }), q(), started(2)).pass, true);
  const same = evaluate(quorum({ leader: 'elected', newLeader: true }), q(), started(3));
  assert.match(
    same.message,
    /expected a new quorum leader since this lab started; controller 102 still leads in epoch 3/,
  );
  assert.match(
    check(quorum({ leader: 'elected', newLeader: true }), q()).message,
    /not recorded when this lab started/,
  );
  const leaderless = q({
    leaderId: -1,
    leaderEpoch: -1,
    voters: [],
    replication: undefined,
    unanswered: 'Call(callName=describeMetadataQuorum) timed out',
  });
  assert.equal(check(quorum({ leader: 'none' }), leaderless).pass, true);
  assert.match(check(quorum({ leader: 'elected' }), leaderless).message, /expected a quorum leader; none answered/);
  assert.match(
    check(quorum({ leader: 'none' }), q()).message,
    /expected a quorum without a leader; controller 102 leads it in epoch 3/,
  );
  const unknown = snap({ gaps: [{ scope: 'quorum', reason: 'no running broker could describe it' }] });
  assert.match(
    check(quorum({ leader: 'none' }), unknown).message,
    /could not be described \(controller quorum: no running broker/,
  );
});
