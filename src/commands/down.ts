import { checkStackName } from '../core/stack.js';
import { UsageError } from '../core/errors.js';
import { systemClock } from '../runtime/clock.js';
import { down } from '../runtime/down.js';
import { withStackLock } from '../runtime/lock.js';
import { plainReporter } from '../ui/reporter.js';
import { silent } from '../core/events.js';
import { command, manyOptions, stackOptions } from '../cli/command.js';
import { downStacks, fleetOf, manyTargetsOf } from '../classroom/fleet.js';
import { clearStackState } from '../faults/log.js';
import { stateDirOf } from '../context/lab.js';
import { stackOptionsOf, stackRuntime } from '../context/stack.js';

export const downCommand = command({
  name: 'down',
  usage: 'kafka-lab down [--stack NAME] [--volumes] [--json] | kafka-lab down --all | --stacks NAMES [--keep-volumes]',
  details:
    'Only resources labelled kafka-lab.stack=NAME are touched; a container that merely has the same name is left alone.\n' +
    '--all removes every kafka-lab stack on this host (or on every engine of --contexts or the classroom file),\n' +
    'several at once, with its volumes (the end of a class),\n' +
    "including what a killed 'up' left behind; --keep-volumes keeps the volumes.",
  options: {
    ...stackOptions,
    all: { type: 'boolean', description: 'every kafka-lab stack on this host, or on every engine of the classroom' },
    ...manyOptions,
    volumes: { type: 'boolean', description: "also remove the stack's volumes (its topics and messages)" },
    'keep-volumes': { type: 'boolean', description: 'with --all or --stacks: keep the volumes' },
    json: { type: 'boolean', description: 'print what was removed as JSON' },
  },
  async run(inv) {
    const many = await manyTargetsOf(inv.values);
    if (many) return downStacks(fleetOf(inv), many.names, inv.values['keep-volumes'] !== true);
    const opts = stackOptionsOf(inv);
    const { stack } = opts;
    const bad = checkStackName(stack);
    if (bad) throw new UsageError(bad);
    const rt = await stackRuntime(opts);
    const json = inv.values.json === true;
    const removed = await withStackLock(stack, `down --stack ${stack}`, async () => {
      const r = await down(rt, stack, {
        volumes: inv.values.volumes === true,
        sink: json ? silent : plainReporter(inv.out).sink,
        clock: systemClock,
      });
      if (inv.values.volumes) await clearStackState(stateDirOf(inv.env), stack);
      return r;
    });
    if (json) inv.out.write(`${JSON.stringify({ stack, ...removed }, null, 2)}\n`);
    else if (removed.containers.length + removed.networks.length + removed.volumes.length === 0)
      inv.out.write(`Stack ${stack} has nothing to remove.\n`);
    else
      inv.out.write(
        `Removed stack ${stack}: ${removed.containers.length} containers, ${removed.networks.length} network, ${removed.volumes.length} volumes.\n`,
      );
    return 0;
  },
});
