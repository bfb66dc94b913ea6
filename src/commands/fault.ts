import { EXIT, UsageError } from '../core/errors.js';
import { FAULT_ACTIONS } from '../core/faults.js';
import type { FaultAction } from '../core/faults.js';
import { heal, injectFault } from '../faults/inject.js';
import { readEvents } from '../faults/log.js';
import { command, stackOptions } from '../cli/command.js';
import { labContext, stateDirOf } from '../context/lab.js';
import { stackOptionsOf } from '../context/stack.js';

export const faultCommand = command({
  name: 'fault',
  usage: 'kafka-lab fault ACTION TARGET [--stack NAME] [--json]',
  details: [
    'ACTION: stop (SIGTERM, controlled shutdown), kill (SIGKILL, a crash), pause (frozen process),',
    '        disconnect (cut from the stack network), restart; undo with start, unpause, connect.',
    'TARGET: a service or container (kafka-2, zookeeper), broker:N, controller, or leader:TOPIC/PARTITION;',
    '        symbolic targets are resolved from the live cluster, and the resolved container is printed.',
    "Every fault is written to the stack's event log (kafka-lab events).",
  ].join('\n'),
  options: { ...stackOptions, json: { type: 'boolean', description: 'print the logged event as JSON' } },
  maxPositionals: 2,
  async run(inv) {
    const [action, target] = inv.positionals;
    if (!action || !FAULT_ACTIONS.includes(action as FaultAction)) {
      throw new UsageError(
        `${action ? `'${action}' is not a fault action` : 'Which fault?'}: use one of ${FAULT_ACTIONS.join(', ')}.`,
        'Example: kafka-lab fault stop kafka-2',
      );
    }
    if (!target) throw new UsageError('Which target? e.g. kafka-2, broker:2, controller, leader:my-topic/0.');
    const ctx = await labContext(inv);
    const e = await injectFault(ctx.faults, action as FaultAction, target);
    if (inv.values.json) inv.out.write(`${JSON.stringify(e, null, 2)}\n`);
    else inv.out.write(`${action} ${e.container}  (${e.note})\n`);
    return EXIT.ok;
  },
});

export const healCommand = command({
  name: 'heal',
  usage: 'kafka-lab heal [--stack NAME] [--json]',
  options: { ...stackOptions, json: { type: 'boolean', description: 'print the logged events as JSON' } },
  async run(inv) {
    const ctx = await labContext(inv);
    const events = await heal(ctx.faults);
    if (inv.values.json) inv.out.write(`${JSON.stringify(events, null, 2)}\n`);
    else
      inv.out.write(
        events.length
          ? events.map((e) => `${e.container}: ${e.note}`).join('\n') + '\n'
          : 'Nothing to heal: every container is running, unpaused and connected.\n',
      );
    return EXIT.ok;
  },
});

export const eventsCommand = command({
  name: 'events',
  usage: 'kafka-lab events [--stack NAME] [--json]',
  options: { ...stackOptions, json: { type: 'boolean', description: 'print the events as JSON' } },
  async run(inv) {
    const stack = stackOptionsOf(inv).stack;
    const events = await readEvents(stateDirOf(inv.env), stack, (line) => inv.err.write(`${line}\n`));
    if (inv.values.json) inv.out.write(`${JSON.stringify(events, null, 2)}\n`);
    else if (events.length === 0) inv.out.write(`No faults recorded for stack ${stack}.\n`);
    else
      for (const e of events)
        inv.out.write(
          `${e.at}  ${e.action.padEnd(10)} ${e.container.padEnd(18)} ${e.note ?? ''}  (before: brokers ${e.before.brokers.join(',') || '?'}, controller ${e.before.controller ?? '?'})\n`,
        );
    return EXIT.ok;
  },
});
