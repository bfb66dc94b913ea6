import { UserError } from '../core/errors.js';
import { stackFlag } from '../core/stack.js';
import { systemClock } from '../runtime/clock.js';
import { down } from '../runtime/down.js';
import { ensureImages, up } from '../runtime/up.js';
import { reporterFor } from '../ui/reporter.js';
import { stackOptions, type Command } from './command.js';
import { imageProvider, stackContext } from './context.js';
import { stackOptionsOf } from './up.js';
import { clearStackState } from '../faults/log.js';
import { stateDirOf } from './lab-context.js';

export const resetCommand: Command = {
  name: 'reset',
  summary: 'Return the stack to a fresh, empty, healthy cluster (topics and groups are gone).',
  usage: 'kafka-lab reset [--stack NAME] [--json]',
  details: 'The stack keeps its ports and images. Only resources with the stack\'s labels are removed.',
  options: { ...stackOptions, json: { type: 'boolean', description: 'print the result as JSON' } },
  async run(inv) {
    const opts = stackOptionsOf(inv);
    const ctx = await stackContext(opts);
    if (ctx.existing.length === 0) {
      throw new UserError(`Stack '${ctx.spec.stack}' does not exist, so there is nothing to reset.`, `Create it with 'kafka-lab up${stackFlag(ctx.spec.stack)}'.`);
    }
    const json = inv.values.json === true;
    const reporter = reporterFor(`kafka-lab reset: stack ${ctx.spec.stack}`, inv.interactive && !json, json ? inv.err : inv.out);
    try {
      const started = systemClock.now();
      const provideImage = imageProvider(ctx, opts, (line) => reporter.sink({ kind: 'step', message: line, atMs: 0 }), inv.signal);
      // Images first: a reset that cannot bring the stack back must not take it down.
      await ensureImages({ docker: ctx.docker, sink: reporter.sink, provideImage }, ctx.spec.services.map((s) => s.image));
      await down(ctx.docker, ctx.spec.stack, { volumes: true, sink: reporter.sink, clock: systemClock });
      await clearStackState(stateDirOf(inv.env), ctx.spec.stack);
      const result = await up({
        docker: ctx.docker,
        spec: ctx.spec,
        sink: reporter.sink,
        clock: systemClock,
        signal: inv.signal,
        labels: ctx.labels,
        provideImage,
      });
      reporter.close();
      const elapsedMs = systemClock.now() - started;
      if (json) inv.out.write(`${JSON.stringify({ stack: ctx.spec.stack, bootstrap: result.bootstrap, elapsedMs }, null, 2)}\n`);
      else inv.out.write(`Stack ${ctx.spec.stack} was reset and is ready (${(elapsedMs / 1000).toFixed(1)} s). Bootstrap servers: ${result.bootstrap}\n`);
      return 0;
    } finally {
      reporter.close();
    }
  },
};
