import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { ClusterSnapshot, Needs } from '../../src/core/snapshot.js';
import type { Clock } from '../../src/core/wait.js';
import { Interrupted } from '../../src/core/errors.js';
import { labNeeds } from '../../src/core/needs.js';
import { emptyProgress } from '../../src/core/progress.js';
import { LabSession } from '../../src/core/session.js';
import { signatures } from '../../src/ui/panel.js';
import { ClusterWatch } from '../../src/ui/watch.js';
import {
  brokerFailover,
  broker2Stopped,
  fakeDeps,
  MemoryStore,
  quizLab,
  snapshot,
  templates,
  waitFor,
  TOPIC,
} from './ui-fixtures.js';

function session(lab = brokerFailover, deps = fakeDeps(), current = 0) {
  const s = new LabSession(deps, {
    lab,
    stack: 'ui-t',
    templates,
    progress: { ...emptyProgress(lab, 'ui-t'), current },
  });
  return { s, deps };
}

test('check: the step is checked through the engine, the result recorded and saved', async () => {
  const store = new MemoryStore();
  const { s, deps } = session(brokerFailover, fakeDeps({ store }));
  s.dispatch({ type: 'check' });
  assert.equal(s.getState().busy?.kind, 'check');
  await s.settled();
  assert.deepEqual(
    deps.calls.check.map((c) => c.step),
    ['create-topic'],
  );
  const rec = s.getState().progress.steps['create-topic']!;
  assert.equal(rec.status, 'passed');
  assert.deepEqual(
    rec.lines.map((l) => l.text),
    ['topic-exists holds', 'fully-replicated holds'],
  );
  assert.equal(s.getState().busy, null);
  assert.match(s.getState().notice!.text, /Step 1 'Create the replicated topic' passed/);
  await s.flushed();
  assert.equal(store.saved.at(-1)!.steps['create-topic']!.status, 'passed');
});

test('a failing check is a result with its message, not an error', async () => {
  const { s } = session(brokerFailover, fakeDeps({ pass: () => false }));
  s.dispatch({ type: 'check' });
  await s.settled();
  assert.equal(s.getState().progress.steps['create-topic']!.status, 'failed');
  assert.equal(s.getState().notice!.kind, 'warn');
  assert.match(s.getState().notice!.text, /is not done yet: topic-exists does not hold yet/);
});

test('solve runs the solution, then checks, like kafka-lab solve', async () => {
  const { s, deps } = session();
  s.dispatch({ type: 'solve' });
  await s.settled();
  assert.deepEqual(deps.calls.solve, ['create-topic']);
  assert.deepEqual(
    deps.calls.check.map((c) => c.step),
    ['create-topic'],
  );
  assert.deepEqual(s.getState().log, ['$ solving create-topic']);
});

test('moving on while the solution runs still checks the step it was run for', async () => {
  let release!: () => void;
  const gate = new Promise<void>((r) => (release = r));
  const { s, deps } = session(brokerFailover, fakeDeps({ gate }));
  s.dispatch({ type: 'solve' });
  s.dispatch({ type: 'next' });
  release();
  await s.settled();
  assert.deepEqual(
    deps.calls.check.map((c) => c.step),
    ['create-topic'],
  );
  assert.equal(s.getState().progress.steps['create-topic']!.status, 'passed');
  assert.equal(s.getState().progress.steps['start-consumers'], undefined);
  assert.equal(s.getState().progress.current, 1);
});

test('one operation at a time: a second key while busy is refused with a notice', async () => {
  let release!: () => void;
  const gate = new Promise<void>((r) => (release = r));
  const { s, deps } = session(brokerFailover, fakeDeps({ gate }));
  s.dispatch({ type: 'check' });
  s.dispatch({ type: 'solve' });
  assert.match(s.getState().notice!.text, /Still busy: checking step 1/);
  release();
  await s.settled();
  assert.equal(deps.calls.check.length, 1);
  assert.equal(deps.calls.solve.length, 0);
});

test("fault injects the current step's own fault; a step without one says so", async () => {
  const { s, deps } = session();
  s.dispatch({ type: 'fault' });
  assert.equal(deps.calls.fault.length, 0);
  assert.match(s.getState().notice!.text, /Step 1 has no fault to inject/);
  const stop = brokerFailover.steps.findIndex((x) => x.id === 'stop-broker');
  const { s: s2, deps: d2 } = session(brokerFailover, fakeDeps(), stop);
  s2.dispatch({ type: 'fault' });
  await s2.settled();
  assert.deepEqual(d2.calls.fault, [{ action: 'stop', target: 'kafka-2' }]);
  assert.match(s2.getState().notice!.text, /Injected at 12:00:05: stop ui-t-kafka-2/);
  s2.dispatch({ type: 'heal' });
  await s2.settled();
  assert.equal(d2.calls.heal, 1);
});

test('next and previous move between steps, save the position, and stop at the ends', async () => {
  const store = new MemoryStore();
  const { s } = session(brokerFailover, fakeDeps({ store }));
  s.dispatch({ type: 'prev' });
  assert.match(s.getState().notice!.text, /first step/);
  s.dispatch({ type: 'hint' });
  assert.equal(s.getState().view.hint, true);
  s.dispatch({ type: 'next' });
  s.dispatch({ type: 'next' });
  assert.equal(s.getState().progress.current, 2);
  assert.equal(s.getState().view.hint, false, 'a new step starts with its hint hidden');
  await s.flushed();
  assert.equal(store.saved.at(-1)!.current, 2);
  for (let i = 0; i < 10; i++) s.dispatch({ type: 'next' });
  assert.equal(s.getState().progress.current, brokerFailover.steps.length - 1);
  assert.match(s.getState().notice!.text, /last step/);
});

test('copy puts the selected command, rendered for the stack, on the clipboard', () => {
  const stop = brokerFailover.steps.findIndex((x) => x.id === 'stop-broker');
  const { s, deps } = session(brokerFailover, fakeDeps(), stop);
  s.dispatch({ type: 'copy' });
  s.dispatch({ type: 'nextCommand' });
  s.dispatch({ type: 'copy' });
  assert.deepEqual(deps.calls.copy, [
    'docker stop ui-t-kafka-2',
    'docker exec -ti ui-t-kafka-1 kafka-topics --bootstrap-server kafka-1:19092 --describe --topic my-failsafe-topic',
  ]);
});

test('quiz: number keys answer the marked question, then the step is checked with the answers', async () => {
  const { s, deps } = session(quizLab);
  s.dispatch({ type: 'answer', choice: 7 });
  assert.match(s.getState().notice!.text, /q1 has 3 choices/);
  s.dispatch({ type: 'answer', choice: 1 });
  assert.deepEqual(s.getState().progress.answers, { q1: 1 });
  assert.equal(s.getState().view.question, 1);
  assert.equal(deps.calls.check.length, 0);
  s.dispatch({ type: 'answer', choice: 1 });
  await s.settled();
  assert.deepEqual(deps.calls.check, [{ step: 'questions', answers: { q1: 1, q2: 1 } }]);
  assert.equal(s.getState().progress.steps.questions!.status, 'failed');
  // The mark went back to the first question; answers typed while a check runs are checked after it.
  assert.equal(s.getState().view.question, 0);
  s.dispatch({ type: 'answer', choice: 1 });
  s.dispatch({ type: 'answer', choice: 0 });
  await s.settled();
  assert.deepEqual(s.getState().progress.answers, { q1: 1, q2: 0 });
  assert.deepEqual(deps.calls.check.at(-1), { step: 'questions', answers: { q1: 1, q2: 0 } });
  assert.equal(s.getState().progress.steps.questions!.status, 'passed');
});

test('quitting cancels what runs: the operation sees its signal aborted', async () => {
  let release!: () => void;
  const gate = new Promise<void>((r) => (release = r));
  const { s, deps } = session(brokerFailover, fakeDeps({ gate }));
  s.dispatch({ type: 'solve' });
  await s.close();
  assert.equal(deps.signals[0]!.aborted, true);
  release();
  await s.settled();
  assert.equal(deps.calls.check.length, 0, 'no check after a cancelled solution');
  assert.equal(s.getState().closed, true);
});

// -- the cluster watch ---------------------------------------------------------------------------

/** A clock whose pauses are recorded and resolve at once (or reject when aborted). */
function recordingClock(): Clock & { pauses: number[]; t: number } {
  const c = {
    t: 0,
    pauses: [] as number[],
    now: () => c.t,
    async pause(ms: number, signal?: AbortSignal) {
      if (signal?.aborted) throw new Interrupted();
      c.pauses.push(ms);
      c.t += ms;
      await new Promise((r) => setImmediate(r));
      if (signal?.aborted) throw new Interrupted();
    },
  };
  return c;
}

test('the watch polls one at a time, at most once per interval, and stops on stop()', async () => {
  const clock = recordingClock();
  let active = 0;
  let calls = 0;
  const releases: (() => void)[] = [];
  const inspector = {
    async snapshot(_n: Needs): Promise<ClusterSnapshot> {
      active++;
      calls++;
      assert.equal(active, 1, 'polls never overlap');
      await new Promise<void>((r) => releases.push(r));
      clock.t += 300; // the poll took 300 ms
      active--;
      return snapshot({ atMs: clock.t });
    },
  };
  const w = new ClusterWatch({ inspector, needs: labNeeds(brokerFailover), clock, intervalMs: 1000 });
  w.start();
  w.start(); // starting twice does not start a second loop
  try {
    for (let i = 0; i < 3; i++) {
      await waitFor(
        () => releases.length,
        (n) => n === i + 1,
        `poll ${i + 1} to start`,
      );
      releases[i]!();
    }
    await waitFor(
      () => w.getState().polls,
      (n) => n >= 3,
      'three polls',
    );
  } finally {
    w.stop();
  }
  assert.deepEqual(
    clock.pauses.slice(0, 2),
    [700, 700],
    'the next poll starts one interval after the last one started',
  );
  const before = calls;
  releases[releases.length - 1]?.();
  await w.ended();
  assert.equal(calls, before, 'no poll after stop');
  assert.equal(w.overlap, 1);
});

test('a poll in flight when the watch stops is dropped, not shown', async () => {
  const clock = recordingClock();
  let release!: () => void;
  const inspector = { snapshot: () => new Promise<ClusterSnapshot>((r) => (release = () => r(snapshot()))) };
  const w = new ClusterWatch({ inspector, needs: labNeeds(brokerFailover), clock });
  w.start();
  await waitFor(
    () => typeof release,
    (t) => t === 'function',
    'the first poll',
  );
  w.stop();
  release();
  await w.ended();
  assert.equal(w.getState().snapshot, null);
  assert.equal(w.getState().polls, 0);
});

test('a failing poll is shown as an error and polling goes on', async () => {
  const clock = recordingClock();
  let n = 0;
  const inspector = {
    async snapshot(): Promise<ClusterSnapshot> {
      n++;
      if (n === 1) throw new Error('Docker is not reachable');
      return snapshot();
    },
  };
  const w = new ClusterWatch({ inspector, needs: labNeeds(brokerFailover), clock });
  const errors: (string | null)[] = [];
  w.subscribe(() => errors.push(w.getState().error));
  w.start();
  try {
    await waitFor(
      () => errors.length,
      (k) => k >= 2,
      'two polls',
    );
  } finally {
    w.stop();
    await w.ended();
  }
  assert.deepEqual(errors.slice(0, 2), ['Docker is not reachable', null]);
  assert.notEqual(w.getState().snapshot, null);
});

test('rows that change are highlighted for a while, then not', async () => {
  const clock = recordingClock();
  const snaps = [snapshot(), broker2Stopped(), broker2Stopped(), broker2Stopped(), broker2Stopped(), broker2Stopped()];
  let i = 0;
  const inspector = { snapshot: async () => snaps[Math.min(i++, snaps.length - 1)]! };
  const w = new ClusterWatch({
    inspector,
    needs: labNeeds(brokerFailover),
    clock,
    intervalMs: 1000,
    highlightMs: 2500,
  });
  const seen: string[][] = [];
  w.subscribe(() => seen.push(w.getState().highlight));
  w.start();
  try {
    await waitFor(
      () => seen.length,
      (n) => n >= 5,
      'five polls',
    );
  } finally {
    w.stop();
    await w.ended();
  }
  assert.deepEqual(seen[0], [], 'nothing is highlighted on the first look');
  assert.ok(seen[1]!.includes('broker:2'));
  assert.ok(seen[1]!.includes(`part:${TOPIC}:1`), 'partition 1 lost its leader, broker 2');
  assert.ok(seen[1]!.includes(`cell:${TOPIC}:1:2`));
  assert.ok(!seen[1]!.includes('group:mygroup'), 'the group did not change');
  assert.ok(seen[2]!.includes('broker:2'), 'still highlighted one second later');
  assert.deepEqual(seen[4], [], 'no longer highlighted three seconds later');
});

test('the panel asks for the lab topics with end offsets, and every group the lab uses', () => {
  assert.deepEqual(labNeeds(brokerFailover), {
    topics: [TOPIC],
    groups: ['mygroup'],
    messagesOf: [],
    endOffsetsOf: [TOPIC],
  });
  const sig = signatures(snapshot(), [TOPIC], ['mygroup']);
  assert.equal(sig['broker:1'], 'running|true|true');
  assert.equal(sig[`cell:${TOPIC}:0:1`], 'leader');
});

test("a KRaft watch asks for the quorum apart: the panel's polls never do, and the quorum line is there from the start", async () => {
  const clock = recordingClock();
  const asked: Needs[] = [];
  const quorum = { leaderId: 102, leaderEpoch: 4, highWatermark: 9, voters: [101, 102, 103] };
  const inspector = {
    async snapshot(needs: Needs): Promise<ClusterSnapshot> {
      asked.push(needs);
      return needs.quorum ? { ...snapshot(), quorum } : snapshot();
    },
  };
  const needs = { ...labNeeds(brokerFailover), quorum: true };
  const w = new ClusterWatch({ inspector, needs, clock, intervalMs: 1000, quorumEveryMs: 5000 });
  assert.equal(w.getState().quorum, null);
  w.start();
  try {
    await waitFor(
      () => w.getState().quorum?.leaderId,
      (id) => id === 102,
      'the quorum described',
    );
    await waitFor(
      () => asked.filter((n) => !n.quorum).length,
      (k) => k >= 3,
      'three panel polls',
    );
  } finally {
    w.stop();
    await w.ended();
  }
  const quorumAsks = asked.filter((n) => n.quorum);
  assert.ok(quorumAsks.length >= 1);
  assert.ok(quorumAsks.every((n) => n.topics.length === 0 && n.groups.length === 0));
  assert.ok(asked.filter((n) => !n.quorum).every((n) => n.topics.length > 0));
});

test('with an event feed, a calm cluster is polled at the idle interval; an event or a change brings back the short one', async () => {
  const c = recordingClock();
  let held: (() => void) | null = null;
  // Long pauses wait for an abort (an event) while `hold` is set; short ones always pass.
  let hold = false;
  const clock: Clock & { pauses: number[] } = {
    ...c,
    pauses: c.pauses,
    now: () => c.t,
    async pause(ms, signal) {
      if (!hold || ms < 1000) return c.pause(ms, signal);
      c.pauses.push(ms);
      await new Promise<void>((_resolve, reject) => {
        held = () => reject(new Interrupted());
        signal?.addEventListener('abort', () => reject(new Interrupted()));
      });
    },
  };
  let next = snapshot;
  let onChange: ((action: string) => void) | undefined;
  const w = new ClusterWatch({
    inspector: { snapshot: async () => next({ atMs: c.t }) },
    needs: labNeeds(brokerFailover),
    clock,
    intervalMs: 1000,
    idleIntervalMs: 10_000,
    activeMs: 60_000,
    changes: (f, signal) =>
      new Promise<void>((resolve) => {
        onChange = f;
        signal.addEventListener('abort', () => resolve());
      }),
  });
  w.start();
  try {
    await waitFor(
      () => w.getState().polls,
      (n) => n >= 3,
      'three calm polls',
    );
    assert.deepEqual(c.pauses.slice(0, 2), [10_000, 10_000], 'nothing happens: every 10 s');
    hold = true;
    const before = w.getState().polls;
    await waitFor(
      () => held,
      (h) => h !== null,
      'a long pause',
    );
    onChange!('die');
    await waitFor(
      () => w.getState().polls,
      (n) => n > before,
      'a poll at once after the event',
    );
    hold = false;
    const from = c.pauses.length;
    await waitFor(
      () => c.pauses.length,
      (n) => n >= from + 2,
      'two more pauses',
    );
    assert.ok(
      c.pauses.slice(from, from + 2).every((ms) => ms <= 1000),
      `after an event: every second (${c.pauses.slice(from).join(', ')})`,
    );
    // A minute later with nothing new, calm again; then a change the poll sees is activity too.
    c.t += 61_000;
    const calm = c.pauses.length;
    await waitFor(
      () => c.pauses.slice(calm),
      (p) => p.includes(10_000),
      'calm again',
    );
    next = broker2Stopped;
    const seen = c.pauses.length;
    await waitFor(
      () => c.pauses.slice(seen),
      (p) => p.length >= 3,
      'polls after the change',
    );
    assert.ok(
      c.pauses.slice(seen + 1, seen + 3).every((ms) => ms <= 1000),
      `after a change: every second (${c.pauses.slice(seen).join(', ')})`,
    );
  } finally {
    w.stop();
  }
  await w.ended();
});
