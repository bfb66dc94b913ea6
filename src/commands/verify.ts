import { EXIT, ExternalError, UsageError } from '../core/errors.js';
import { verdict } from '../core/durability.js';
import { FAULT_ACTIONS } from '../core/faults.js';
import type { FaultAction } from '../core/faults.js';
import { stackFlag } from '../core/stack.js';
import { verifyDurability } from '../cluster/durability.js';
import { heal, injectFault } from '../faults/inject.js';
import { systemClock } from '../runtime/clock.js';
import { command, stackOptions } from '../cli/command.js';
import { labContext } from '../context/lab.js';

function parseFault(text: string | undefined): { action: FaultAction; target: string } | undefined {
  if (text === undefined) return undefined;
  const i = text.indexOf(':');
  const action = text.slice(0, i) as FaultAction;
  const target = text.slice(i + 1);
  if (i <= 0 || !FAULT_ACTIONS.includes(action) || !target) {
    throw new UsageError(
      `--fault ${text} is not ACTION:TARGET.`,
      'For example --fault kill:leader:my-topic/0 or --fault pause:controller.',
    );
  }
  return { action, target };
}

function positiveInt(text: string | undefined, name: string, fallback: number): number {
  if (text === undefined) return fallback;
  const n = Number(text);
  if (!Number.isInteger(n) || n < 1) throw new UsageError(`--${name} ${text} is not a whole number of 1 or more.`);
  return n;
}

export const verifyCommand = command({
  name: 'verify',
  usage:
    'kafka-lab verify durability [--topic T] [--messages N] [--fault ACTION:TARGET] [--replication-factor N] [--min-insync N] [--stack NAME] [--json]',
  details: [
    'Reports acknowledged, lost (acknowledged but never read), duplicated, and unacknowledged-but-present.',
    'A new topic gets 6 partitions, --replication-factor (default 3) and --min-insync (default 2).',
    'Exit 0 when every write was acknowledged and none was lost; 1 otherwise.',
  ].join('\n'),
  options: {
    ...stackOptions,
    topic: { type: 'string', value: 'T', description: 'topic to write to (default kafka-lab-durability)' },
    messages: { type: 'string', value: 'N', description: 'how many numbered messages (default 3000)' },
    fault: {
      type: 'string',
      value: 'ACTION:TARGET',
      description: 'fault to inject a third of the way in, healed at two thirds',
    },
    'replication-factor': { type: 'string', value: 'N', description: 'for a new topic (default 3)' },
    'min-insync': { type: 'string', value: 'N', description: 'min.insync.replicas for a new topic (default 2)' },
    json: { type: 'boolean', description: 'print the report as JSON' },
  },
  maxPositionals: 1,
  async run(inv) {
    if (inv.positionals[0] !== 'durability')
      throw new UsageError(
        "kafka-lab verify knows one thing to verify: 'durability'.",
        'kafka-lab verify durability --fault stop:leader:kafka-lab-durability/0',
      );
    const fault = parseFault(inv.values.fault);
    const messages = positiveInt(inv.values.messages, 'messages', 3000);
    const rf = positiveInt(inv.values['replication-factor'], 'replication-factor', 3);
    const minInsync = positiveInt(inv.values['min-insync'], 'min-insync', Math.min(2, rf));
    const topic = inv.values.topic ?? 'kafka-lab-durability';
    const ctx = await labContext(inv);
    const log = (line: string) => inv.err.write(`${line}\n`);
    const kcat = ctx.templates.containers.kcat!;
    const report = await verifyDurability({
      bootstrap: ctx.templates.bootstrap,
      topic,
      messages,
      replicationFactor: rf,
      minInsync,
      fault,
      inject: (action, target) => injectFault(ctx.faults, action, target),
      heal: () => heal(ctx.faults),
      inspector: ctx.inspector,
      clock: systemClock,
      log,
      stackFlag: stackFlag(ctx.spec.stack),
      async readAll(topic) {
        const argv = [
          'kcat',
          '-C',
          '-b',
          ctx.templates.internalBootstrap,
          '-t',
          topic,
          '-o',
          'beginning',
          '-e',
          '-q',
          '-f',
          '%p %o %s\\n',
        ];
        const r = await ctx.rt.exec(kcat, argv, { timeoutMs: 120_000, signal: inv.signal });
        if (r.exitCode !== 0)
          throw new ExternalError(
            `Reading ${topic} back failed.`,
            `docker exec ${kcat} ${argv.join(' ')}`,
            r.exitCode,
            r.stderr,
          );
        return r.stdout
          .split('\n')
          .filter(Boolean)
          .map((line) => {
            const [p, o, ...rest] = line.split(' ');
            return { partition: Number(p), offset: Number(o), value: rest.join(' ') };
          });
      },
    });
    const v = verdict(report);
    if (inv.values.json) {
      inv.out.write(
        `${JSON.stringify({ ...report, ok: v.ok, verdict: v.lines, lost: report.lost.length, duplicated: report.duplicated.length, unackedButPresent: report.unackedButPresent.length, lostValues: report.lost.slice(0, 100) }, null, 2)}\n`,
      );
    } else {
      inv.out.write(
        [
          `topic ${report.topic}, run ${report.runId}, fault ${report.fault ?? 'none'}${report.faultedContainer ? ` (${report.faultedContainer})` : ''}`,
          `sent ${report.sent}  acknowledged ${report.acked}  failed ${report.failed}  read back ${report.read}`,
          `lost ${report.lost.length}  duplicated ${report.duplicated.length}  unacknowledged-but-present ${report.unackedButPresent.length}`,
          `${report.messagesPerSecond} acknowledged messages/s over ${report.writeSeconds.toFixed(1)} s; read past the last acknowledged offset on every partition: ${report.readPastLastAcked ? 'yes' : 'NO'}`,
          ...v.lines,
        ].join('\n') + '\n',
      );
    }
    return v.ok ? EXIT.ok : EXIT.failed;
  },
});
