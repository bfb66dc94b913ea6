import { checkStackName } from '../core/stack.js';
import { UsageError } from '../core/errors.js';
import { systemClock } from '../runtime/clock.js';
import { connectDocker } from '../runtime/docker.js';
import { down } from '../runtime/down.js';
import { plainReporter } from '../ui/reporter.js';
import { silent } from '../core/events.js';
import { stackOptions, type Command } from './command.js';
import { clearStackState } from '../faults/log.js';
import { stateDirOf } from './lab-context.js';

export const downCommand: Command = {
  name: 'down',
  summary: "Remove the stack's containers and network (and its volumes with --volumes).",
  usage: 'kafka-lab down [--stack NAME] [--volumes] [--json]',
  details: "Only resources labelled kafka-lab.stack=NAME are touched; a container that merely has the same name is left alone.",
  options: {
    ...stackOptions,
    volumes: { type: 'boolean', description: "also remove the stack's volumes (its topics and messages)" },
    json: { type: 'boolean', description: 'print what was removed as JSON' },
  },
  async run(inv) {
    const stack = (inv.values.stack as string | undefined) ?? 'default';
    const bad = checkStackName(stack);
    if (bad) throw new UsageError(bad);
    const docker = await connectDocker({ host: inv.env.DOCKER_HOST });
    const json = inv.values.json === true;
    const removed = await down(docker, stack, { volumes: inv.values.volumes === true, sink: json ? silent : plainReporter(inv.out).sink, clock: systemClock });
    if (inv.values.volumes) await clearStackState(stateDirOf(inv.env), stack);
    if (json) inv.out.write(`${JSON.stringify({ stack, ...removed }, null, 2)}\n`);
    else if (removed.containers.length + removed.networks.length + removed.volumes.length === 0) inv.out.write(`Stack ${stack} has nothing to remove.\n`);
    else inv.out.write(`Removed stack ${stack}: ${removed.containers.length} containers, ${removed.networks.length} network, ${removed.volumes.length} volumes.\n`);
    return 0;
  },
};
