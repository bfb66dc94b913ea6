import { systemClock } from '../runtime/clock.js';
import { reporterFor } from '../ui/reporter.js';
import { command, manyOptions, stackOptions } from '../cli/command.js';
import { fleetOf, manyTargetsOf, resetStack, resetStacks, withResetLock } from '../classroom/fleet.js';
import { stackOptionsOf } from '../context/stack.js';

export const resetCommand = command({
  name: 'reset',
  usage: 'kafka-lab reset [--stack NAME | --all | --stacks NAMES] [--json]',
  details:
    "The stack keeps its ports and images. Only resources with the stack's labels are removed.\n" +
    'Resets take a host-wide lock, so two facilitators cannot reset at the same time; --all resets every stack, several at once.',
  options: {
    ...stackOptions,
    all: { type: 'boolean', description: 'every kafka-lab stack on this host, or on every engine of the classroom' },
    ...manyOptions,
    json: { type: 'boolean', description: 'print the result as JSON' },
  },
  async run(inv) {
    const many = await manyTargetsOf(inv.values);
    if (many) return resetStacks(fleetOf(inv), many.names, stackOptionsOf(inv));
    const opts = stackOptionsOf(inv);
    const { stack } = opts;
    const json = inv.values.json === true;
    const reporter = reporterFor(`kafka-lab reset: stack ${stack}`, inv.interactive && !json, json ? inv.err : inv.out);
    try {
      const started = systemClock.now();
      const { bootstrap } = await withResetLock(`reset --stack ${stack}`, () => resetStack(inv, opts, reporter.sink));
      reporter.close();
      const elapsedMs = systemClock.now() - started;
      if (json) inv.out.write(`${JSON.stringify({ stack, bootstrap, elapsedMs }, null, 2)}\n`);
      else
        inv.out.write(
          `Stack ${stack} was reset and is ready (${(elapsedMs / 1000).toFixed(1)} s). Bootstrap servers: ${bootstrap}\n`,
        );
      return 0;
    } finally {
      reporter.close();
    }
  },
});
