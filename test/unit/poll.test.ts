// The tests' one poll-until helper: it returns what the probe found, retries a probe that throws, and
// fails after the deadline naming what it waited for and what it saw last.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { eventually } from '../poll.js';

test('eventually returns the first answer, after probes that found nothing or threw', async () => {
  let n = 0;
  const v = await eventually(
    'the third probe',
    5000,
    async () => {
      n++;
      if (n === 1) throw new Error('not yet');
      return n === 3 ? `probe ${n}` : undefined;
    },
    { intervalMs: 1 },
  );
  assert.equal(v, 'probe 3');
  assert.equal(n, 3);
});

test('eventually fails after the deadline with what it waited for and the last thing seen', async () => {
  let n = 0;
  const started = Date.now();
  await assert.rejects(
    eventually(
      'broker 2 to join',
      60,
      async () => {
        throw new Error(`brokers 1, 3 (probe ${++n})`);
      },
      { intervalMs: 10 },
    ),
    (err: Error) => {
      assert.match(
        err.message,
        /^Timed out after 60 ms waiting for broker 2 to join\. Last seen: brokers 1, 3 \(probe \d+\)$/,
      );
      assert.ok(err.message.endsWith(`(probe ${n})`), 'the last probe is the one shown');
      return true;
    },
  );
  assert.ok(Date.now() - started >= 60, 'not before the deadline');
  assert.ok(n >= 2, `polled more than once (${n})`);
});

test('a multi-line last sight goes on lines of its own', async () => {
  await assert.rejects(
    eventually(
      'the lab screen',
      20,
      async () => {
        throw new Error('Step 1/8\nCluster');
      },
      { intervalMs: 5 },
    ),
    { message: 'Timed out after 20 ms waiting for the lab screen. Last seen:\nStep 1/8\nCluster' },
  );
});
