import { test } from 'node:test';
import assert from 'node:assert/strict';
import { evaluate, type CheckSpec } from '../../src/core/checks/index.js';
import { addReads, type LabScope } from '../../src/core/scope.js';
import type { ClusterSnapshot, GroupState, Message } from '../../src/core/snapshot.js';
import { emptySnapshot } from './snapshot-fixture.js';

const m = (partition: number, offset: number, value: string): Message => ({ partition, offset, value });

function snap(over: Partial<ClusterSnapshot> = {}): ClusterSnapshot {
  const parts = [0, 1].map((partition) => ({ partition, leader: 1, replicas: [1, 2, 3], isr: [1, 2, 3], offline: [] }));
  return emptySnapshot({
    atMs: 1000,
    topics: { t: { name: 't', exists: true, partitions: parts, configs: {} } },
    ...over,
  });
}

const group = (members: string[], offsets: Record<number, number>): GroupState => ({
  groupId: 'g',
  state: 'Stable',
  protocolType: 'consumer',
  members: members.map((memberId, i) => ({
    memberId,
    clientId: 'rdkafka',
    host: '/10.0.0.1',
    assignment: { t: i === 0 ? [0] : [1] },
  })),
  offsets: { t: offsets },
});

// An earlier lab left m1 and m2 (offsets 0 on each partition) and one consumer, old-1.
const scope: LabScope = { baseline: { atMs: 100, ends: { t: { 0: 1, 1: 1 } }, members: { g: ['old-1'] } }, reads: [] };
const check = (c: CheckSpec, s: ClusterSnapshot, sc = scope) => evaluate(c, s, sc);

test("messages count from the lab's start: what an earlier lab sent does not pass a step", () => {
  const left = snap({ messages: { t: [m(0, 0, 'm1'), m(1, 0, 'm2')] }, endOffsets: { t: { 0: 1, 1: 1 } } });
  const r = check({ kind: 'topic-contains', params: { topic: 't', values: ['m1', 'm2'] } }, left);
  assert.equal(r.pass, false);
  assert.match(r.message, /to hold 2 messages; missing 2: m1, m2 \(counting what was sent since this lab started\)/);
  assert.equal(
    evaluate({ kind: 'topic-contains', params: { topic: 't', values: ['m1', 'm2'] } }, left).pass,
    true,
    'without a lab start everything counts',
  );
  const sent = snap({
    messages: { t: [m(0, 0, 'm1'), m(1, 0, 'm2'), m(0, 1, 'm1'), m(1, 1, 'm2')] },
    endOffsets: { t: { 0: 2, 1: 2 } },
  });
  assert.equal(check({ kind: 'topic-contains', params: { topic: 't', values: ['m1', 'm2'] } }, sent).pass, true);
  assert.equal(check({ kind: 'topic-holds-at-least', params: { topic: 't', count: 3 } }, sent).pass, false);
});

test('a topic deleted and created again since the start counts from its beginning', () => {
  const again = snap({ messages: { t: [m(0, 0, 'm1')] }, endOffsets: { t: { 0: 1, 1: 0 } } });
  // partition 1 is below where it was (1 -> 0): created again; partition 0 cannot tell and keeps the start.
  assert.equal(check({ kind: 'topic-holds-at-least', params: { topic: 't', count: 1 } }, again).pass, false);
  const grown = snap({ messages: { t: [m(1, 0, 'x')] }, endOffsets: { t: { 0: 1, 1: 0 } } });
  assert.equal(check({ kind: 'topic-holds-at-least', params: { topic: 't', count: 1 } }, grown).pass, true);
});

test('commits count from the start, and members from before the start are named', () => {
  const s = snap({ groups: { g: group(['new-1', 'new-2'], { 0: 4, 1: 3 }) }, endOffsets: { t: { 0: 4, 1: 3 } } });
  const r = check({ kind: 'group-offsets', params: { group: 'g', topic: 't', atLeast: 6 } }, s);
  assert.equal(r.pass, false);
  assert.match(r.message, /found 5/);
  assert.equal(check({ kind: 'group-offsets', params: { group: 'g', topic: 't', atLeast: 5 } }, s).pass, true);
  assert.equal(check({ kind: 'group-members', params: { group: 'g', count: 2 } }, s).pass, true);
  const stale = snap({ groups: { g: group(['old-1', 'new-1'], { 0: 1, 1: 1 }) } });
  const members = check({ kind: 'group-members', params: { group: 'g', count: 2 } }, stale);
  assert.equal(members.pass, false);
  assert.match(members.message, /found 1 that joined since this lab started and 1 that joined before this lab started/);
  assert.match(
    check({ kind: 'group-covers', params: { group: 'g', topic: 't' } }, stale).message,
    /before this lab started/,
  );
});

test("acked-survive judges the student's own writes: what a passing check read before the fault", () => {
  const before = [m(0, 1, 'm1'), m(1, 1, 'm2'), m(0, 2, 'm3')];
  const sc: LabScope = { ...scope, reads: [{ stepId: 'send-messages', atMs: 200, topic: 't', messages: before }] };
  const fault = { lastFaultMs: 300 };
  const all = snap({ ...fault, messages: { t: [m(0, 0, 'old'), ...before, m(1, 2, 'm4')] } });
  const ok = check({ kind: 'acked-survive', params: { topic: 't' } }, all, sc);
  assert.equal(ok.pass, true, ok.message);
  assert.match(ok.message, /all 3 messages .* step send-messages's check read/);
  // kafka-delete-records on partition 0 up to offset 2: m1 is gone.
  const deleted = check(
    { kind: 'acked-survive', params: { topic: 't' } },
    snap({ ...fault, messages: { t: [m(1, 1, 'm2'), m(0, 2, 'm3')] } }),
    sc,
  );
  assert.equal(deleted.pass, false);
  assert.match(deleted.message, /1 are lost: m1 \(partition 0, offset 1\)/);
  // Recreated and sent again: the same values at other places are not the messages that were acknowledged.
  const recreated = check(
    { kind: 'acked-survive', params: { topic: 't' } },
    snap({
      ...fault,
      messages: { t: [m(0, 0, 'm1'), m(1, 0, 'm2'), m(0, 1, 'm3')] },
      endOffsets: { t: { 0: 2, 1: 1 } },
    }),
    sc,
  );
  assert.equal(recreated.pass, false);
  // No read before the fault and nothing kafka-lab wrote: say what to do.
  const none = check({ kind: 'acked-survive', params: { topic: 't' } }, all, {
    ...scope,
    reads: [{ stepId: 'x', atMs: 400, topic: 't', messages: before }],
  });
  assert.match(none.message, /none was kept/);
  // A fault from before this lab does not count.
  assert.match(
    check({ kind: 'acked-survive', params: { topic: 't' } }, snap({ lastFaultMs: 50 }), sc).message,
    /since this lab started/,
  );
});

test('reads kept per topic are the newest few', () => {
  const r = (topic: string, atMs: number) => ({ stepId: 's', atMs, topic, messages: [] });
  const kept = addReads([r('a', 1), r('a', 2), r('b', 3)], [r('a', 4), r('a', 5), r('a', 6)], 4);
  assert.deepEqual(
    kept.map((x) => `${x.topic}${x.atMs}`),
    ['a2', 'b3', 'a4', 'a5', 'a6'],
  );
});
