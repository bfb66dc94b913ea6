import { systemClock } from '../runtime/clock.js';
import { withStackLock } from '../runtime/lock.js';
import { up } from '../runtime/up.js';
import { reporterFor } from '../ui/reporter.js';
import { UsageError } from '../core/errors.js';
import { bootstrapServers, publishAddressOf } from '../core/stack.js';
import { command, manyOptions, stackOptions, upOptions } from '../cli/command.js';
import { classroomOf } from '../classroom/engines.js';
import { fleetOf, stackNamesOf, upStacks } from '../classroom/fleet.js';
import { engineOf, imageProvider, stackContext, stackOptionsOf } from '../context/stack.js';

export const upCommand = command({
  name: 'up',
  usage:
    'kafka-lab up [--stack NAME | --stacks NAMES | --stacks-file FILE] [--images confluent|local] [--port-base PORT] [--json]',
  details:
    'Idempotent: a healthy stack is left as it is (same container IDs), a half-created one is completed,\nand only services whose definition changed are recreated. Ctrl-C removes what this run created.\n' +
    'With --stacks, each stack gets its own network, names and block of ports (--port-base, then +100 per stack);\n' +
    'the memory they need is checked against what the host has first. With --contexts a,b (or a classroom file),\n' +
    "they are spread over those engines by each one's free memory, and no two share a block of ports.",
  options: {
    ...stackOptions,
    ...manyOptions,
    ...upOptions,
    force: {
      type: 'boolean',
      description: 'with many stacks: start them even if the memory estimate says they will not fit',
    },
    json: { type: 'boolean', description: 'print the result as JSON on stdout (progress goes to stderr)' },
  },
  async run(inv) {
    const fleet = fleetOf(inv);
    // A classroom file's stacks stand for --stacks when no stack is named.
    const many =
      (await stackNamesOf(inv.values)) ??
      (inv.values.stack === undefined ? (await classroomOf(fleet.classroom))?.stacks : undefined);
    if (many) {
      if (inv.values.stack !== undefined) throw new UsageError('Give --stack or --stacks, not both.');
      return upStacks(fleet, many, stackOptionsOf(inv), inv.values.force === true);
    }
    const opts = stackOptionsOf(inv);
    return withStackLock(opts.stack, `up --stack ${opts.stack}`, async () => {
      const ctx = await stackContext(opts, { claimPorts: true });
      const json = inv.values.json === true;
      const published = publishAddressOf(ctx.spec);
      if (published)
        inv.err.write(
          `Warning: the brokers of stack ${ctx.spec.stack} are published on ${published} (${bootstrapServers(ctx.spec)}), and Kafka there has no authentication: anyone who reaches that address can read, write and delete every topic. Without --publish-address they stay on 127.0.0.1.\n`,
        );
      const stream = json ? inv.err : inv.out;
      const reporter = reporterFor(`kafka-lab up: stack ${ctx.spec.stack}`, inv.interactive && !json, stream);
      try {
        const result = await up({
          rt: ctx.rt,
          spec: ctx.spec,
          sink: reporter.sink,
          clock: systemClock,
          signal: inv.signal,
          labels: ctx.labels,
          provideImage: imageProvider(
            ctx,
            opts,
            (line) => reporter.sink({ kind: 'step', message: line, atMs: 0 }),
            inv.signal,
          ),
        });
        reporter.close();
        const changed = result.actions.filter((a) => a.kind !== 'keep').length;
        if (json) {
          inv.out.write(
            `${JSON.stringify({ stack: ctx.spec.stack, engine: engineOf(ctx.rt, ctx.spec), bootstrap: result.bootstrap, elapsedMs: result.elapsedMs, actions: result.actions }, null, 2)}\n`,
          );
        } else {
          const what = changed === 0 ? 'already up; nothing changed' : 'ready';
          // On another host's engine the ports are that host's loopback: say so, and how kafka-lab reaches them.
          const where =
            ctx.rt.forwardLoopback && !published
              ? ` on ${ctx.rt.where} (its 127.0.0.1; kafka-lab goes through SSH)`
              : '';
          inv.out.write(
            `Stack ${ctx.spec.stack} is ${what} (${(result.elapsedMs / 1000).toFixed(1)} s). Bootstrap servers${where}: ${result.bootstrap}\n`,
          );
        }
        return 0;
      } finally {
        await ctx.releasePorts();
        reporter.close();
      }
    });
  },
});
