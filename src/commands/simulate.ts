import { EXIT, UsageError } from '../core/errors.js';
import { bootstrapServers } from '../core/stack.js';
import { simulatePurchases } from '../cluster/simulate.js';
import { command, stackOptions } from '../cli/command.js';
import { stackContext } from '../context/stack.js';
import { stackOptionsOf } from '../context/stack.js';
import { recordAcked } from '../faults/acked.js';
import { stateDirOf } from '../context/lab.js';
import { systemClock } from '../runtime/clock.js';

export const simulateCommand = command({
  name: 'simulate',
  usage: 'kafka-lab simulate purchases [--topic demo.purchases] [--count N] [--rate PER_SECOND] [--stack NAME]',
  details:
    'Runs until --count messages were sent (default: until Ctrl-C). Writes with acks=all and counts acknowledgements.',
  options: {
    ...stackOptions,
    topic: { type: 'string', value: 'TOPIC', description: 'topic to write to (default demo.purchases)' },
    count: { type: 'string', value: 'N', description: 'how many purchases (default: until Ctrl-C)' },
    rate: { type: 'string', value: 'N', description: 'purchases per second (default 5)' },
  },
  maxPositionals: 1,
  async run(inv) {
    if (inv.positionals[0] !== 'purchases')
      throw new UsageError("kafka-lab simulate knows one stream: 'purchases'.", 'kafka-lab simulate purchases');
    const count = inv.values.count === undefined ? Number.MAX_SAFE_INTEGER : Number(inv.values.count);
    const rate = inv.values.rate === undefined ? 5 : Number(inv.values.rate);
    if (!(count >= 1) || !(rate >= 0)) throw new UsageError('--count must be 1 or more and --rate 0 or more.');
    const topic = inv.values.topic ?? 'demo.purchases';
    const ctx = await stackContext(stackOptionsOf(inv));
    let last = 0;
    const r = await simulatePurchases({
      bootstrap: bootstrapServers(ctx.spec),
      topic,
      count,
      rate,
      seed: Date.now(),
      signal: inv.signal,
      onAcked: (values) => recordAcked(stateDirOf(inv.env), ctx.spec.stack, topic, values, systemClock.now()),
      onSent: (n) => {
        if (n - last >= 10) {
          inv.err.write(`\r${n} purchases sent to ${topic}`);
          last = n;
        }
      },
    });
    inv.out.write(`\n${r.acked} purchases acknowledged, ${r.failed} failed, on ${topic}.\n`);
    return r.failed ? EXIT.failed : EXIT.ok;
  },
});
