import { test } from 'node:test';
import assert from 'node:assert/strict';
import { waitFor, WaitTimeout, type Clock } from '../../src/core/wait.js';
import { Interrupted } from '../../src/core/errors.js';
import { localImages, toLocalImage } from '../../src/images/kit.js';
import { demux } from '../../src/docker/client.js';
import { checkStackName, namePrefix } from '../../src/core/stack.js';

function fakeClock(): Clock & { t: number } {
  const c = {
    t: 0,
    now: () => c.t,
    pause: async (ms: number, signal?: AbortSignal) => {
      if (signal?.aborted) throw new Interrupted();
      c.t += ms;
    },
  };
  return c;
}

test('waitFor returns as soon as the probe holds', async () => {
  const clock = fakeClock();
  let n = 0;
  const v = await waitFor(async () => (++n === 3 ? { done: true, value: 'ok' } : { done: false, seen: `try ${n}` }), {
    what: 'x',
    timeoutMs: 10_000,
    intervalMs: 100,
    clock,
  });
  assert.equal(v, 'ok');
  assert.equal(clock.t, 200);
});

test('a timeout names what was awaited, for how long, and what was last seen', async () => {
  const clock = fakeClock();
  await assert.rejects(
    waitFor(async () => ({ done: false, seen: 'brokers 1, 3' }), {
      what: 'broker 2 to join',
      timeoutMs: 30_000,
      intervalMs: 500,
      clock,
    }),
    (err: unknown) =>
      err instanceof WaitTimeout &&
      /Timed out after 30 s waiting for broker 2 to join \(last seen: brokers 1, 3\)/.test(err.message),
  );
  assert.equal(clock.t, 30_000);
});

test('an aborted wait is an interruption', async () => {
  const ac = new AbortController();
  ac.abort();
  await assert.rejects(
    waitFor(async () => ({ done: false, seen: '' }), {
      what: 'x',
      timeoutMs: 1000,
      intervalMs: 10,
      clock: fakeClock(),
      signal: ac.signal,
    }),
    Interrupted,
  );
});

test("Confluent's image names map to kafka-lab's own, others stay", () => {
  const local = localImages('abc123');
  assert.equal(toLocalImage('confluentinc/cp-kafka:7.9.1', local), 'kafka-lab/kafka:abc123');
  assert.equal(toLocalImage('confluentinc/cp-zookeeper:7.9.1', local), 'kafka-lab/zookeeper:abc123');
  assert.equal(toLocalImage('edenhill/kcat:1.7.1', local), 'kafka-lab/kcat:abc123');
  assert.equal(toLocalImage('postgres:16', local), 'postgres:16');
});

test('docker log frames are demultiplexed', () => {
  const frame = (stream: number, text: string) => {
    const body = Buffer.from(text);
    const head = Buffer.alloc(8);
    head[0] = stream;
    head.writeUInt32BE(body.length, 4);
    return Buffer.concat([head, body]);
  };
  assert.equal(demux(Buffer.concat([frame(1, 'hello '), frame(2, 'world\n')])), 'hello world\n');
  assert.equal(demux(Buffer.from('plain tty text')), 'plain tty text');
});

test('stack names', () => {
  assert.equal(checkStackName('team-01'), undefined);
  assert.match(checkStackName('Team 1')!, /not valid/);
  assert.match(checkStackName('-x')!, /not valid/);
  assert.equal(namePrefix('default'), '');
  assert.equal(namePrefix('team-01'), 'team-01-');
});
