// Runs a step's solution for real: docker commands as argv (never a shell), kcat consumers in
// labelled containers, kcat -P for messages, the fault catalogue, and the purchase simulator.
import { ExternalError, UserError } from '../core/errors.js';
import type { CommandRunner } from '../core/ports.js';
import type { ExecResult, Runtime } from '../core/runtime.js';
import { render, type SolutionAction, type Step, type TemplateContext } from '../core/lab.js';
import { LABEL, namePrefix, type StackSpec } from '../core/stack.js';
import { splitWords } from '../core/words.js';
import { waitFor, WaitTimeout } from '../core/wait.js';
import { injectFault, type FaultContext } from '../faults/inject.js';
import { simulatePurchases } from '../cluster/simulate.js';
import { withAdmin } from '../cluster/kafka.js';
import { recordAcked } from '../faults/acked.js';

export interface RunnerContext {
  rt: Runtime;
  commands: CommandRunner;
  spec: StackSpec;
  templates: TemplateContext;
  faults: FaultContext;
  stateDir: string;
  log: (line: string) => void;
  signal?: AbortSignal;
}

export const CONSUMER_ROLE = 'kafka-lab.role';

export async function runSolution(ctx: RunnerContext, step: Step): Promise<void> {
  for (const action of step.solution) await runAction(ctx, action);
}

export function describeAction(a: SolutionAction, t: TemplateContext): string {
  if ('run' in a) return render(a.run, t);
  if ('consumer' in a)
    return `start consumer ${a.consumer.id} on ${a.consumer.topic}${a.consumer.group ? ` in group ${a.consumer.group}` : ' (no group)'}`;
  if ('stopConsumer' in a) return `stop consumer ${a.stopConsumer}`;
  if ('produce' in a) return `produce ${a.produce.values.length} messages to ${a.produce.topic}`;
  if ('fault' in a) return `kafka-lab fault ${a.fault.action} ${a.fault.target}`;
  return `kafka-lab simulate purchases --topic ${a.simulate.topic} --count ${a.simulate.count}`;
}

async function runAction(ctx: RunnerContext, a: SolutionAction): Promise<void> {
  ctx.log(`$ ${describeAction(a, ctx.templates)}`);
  if ('run' in a) {
    const argv = withoutTty(splitWords(render(a.run, ctx.templates)));
    const r = await ctx.commands.run(argv, { timeoutMs: (a.timeoutSeconds ?? 120) * 1000, signal: ctx.signal });
    if (r.output) ctx.log(r.output.trimEnd());
    if (r.exitCode !== 0) throw new ExternalError('A solution command failed.', argv.join(' '), r.exitCode, r.output);
    return;
  }
  if ('consumer' in a) return startConsumer(ctx, a.consumer);
  if ('stopConsumer' in a) return stopConsumer(ctx, a.stopConsumer);
  if ('produce' in a) return produce(ctx, a.produce.topic, a.produce.values, a.produce.keys);
  if ('fault' in a) {
    const e = await injectFault(ctx.faults, a.fault.action, a.fault.target);
    ctx.log(`${a.fault.action} ${e.note ?? e.container}`);
    return;
  }
  const sent = await simulatePurchases({
    bootstrap: ctx.templates.bootstrap,
    topic: a.simulate.topic,
    count: a.simulate.count,
    seed: Date.now(),
    onAcked: (values) => recordAcked(ctx.stateDir, ctx.spec.stack, a.simulate.topic, values, ctx.faults.clock.now()),
  });
  ctx.log(`sent ${sent.acked} purchases to ${a.simulate.topic}`);
}

/** Students type `docker exec -ti`; a solution has no terminal, so keep -i only (exec's own flags only). */
export function withoutTty(argv: string[]): string[] {
  if (argv[0] !== 'docker' || argv[1] !== 'exec') return argv;
  let i = 2;
  const flags: string[] = [];
  for (; argv[i]?.startsWith('-'); i++) if (['-i', '-ti', '-it', '--interactive'].includes(argv[i]!)) flags.push('-i');
  return ['docker', 'exec', ...new Set(flags), ...argv.slice(i)];
}

export function consumerName(spec: StackSpec, id: string): string {
  return `${namePrefix(spec.stack)}consumer-${id}`;
}

async function startConsumer(
  ctx: RunnerContext,
  c: { id: string; topic: string; group?: string; from?: 'beginning' | 'end' },
): Promise<void> {
  const kcat = ctx.spec.services.find((s) => s.service === 'kcat');
  if (!kcat) throw new UserError('This stack has no kcat service, so kafka-lab cannot start consumers.');
  const name = consumerName(ctx.spec, c.id);
  const existing = await ctx.rt.inspect(name);
  if (existing && existing.labels[LABEL.stack] !== ctx.spec.stack) {
    throw new UserError(`A container named ${name} exists and is not kafka-lab's; remove or rename it yourself.`);
  }
  if (existing) await ctx.rt.remove(existing.id);
  const from = c.from ?? 'end';
  // 'latest' is applied when a member first fetches a partition, which can come after the next step's
  // writes: those would be skipped. On an empty topic 'earliest' means the same and has no such race;
  // an idle group is given the end as its committed position now, which 'earliest' then never overrides.
  const startsAtEnd =
    from === 'beginning' ||
    (await topicIsEmpty(ctx.templates.bootstrap, c.topic)) ||
    (c.group !== undefined && (await commitEnd(ctx.templates.bootstrap, c.group, c.topic)));
  const reset = startsAtEnd ? 'earliest' : 'latest';
  const cmd = c.group
    ? [
        '-b',
        ctx.templates.internalBootstrap,
        '-G',
        c.group,
        '-X',
        `auto.offset.reset=${reset}`,
        '-X',
        'auto.commit.interval.ms=1000',
        '-q',
        c.topic,
      ]
    : ['-C', '-b', ctx.templates.internalBootstrap, '-t', c.topic, '-o', from, '-q'];
  await ctx.rt.create({
    name,
    image: kcat.image,
    entrypoint: ['kcat'],
    cmd,
    labels: { [LABEL.stack]: ctx.spec.stack, [LABEL.service]: `consumer-${c.id}`, [CONSUMER_ROLE]: 'consumer' },
    network: ctx.spec.network,
  });
  await ctx.rt.start(name);
}

async function stopConsumer(ctx: RunnerContext, id: string): Promise<void> {
  const name = consumerName(ctx.spec, id);
  const info = await ctx.rt.inspect(name);
  if (!info) throw new UserError(`There is no consumer '${id}' (${name}) to stop.`);
  if (info.labels[LABEL.stack] !== ctx.spec.stack) throw new UserError(`${name} is not kafka-lab's; it is left alone.`);
  // SIGTERM lets kcat leave its group at once, so the rebalance starts without waiting for a timeout.
  await ctx.rt.stop(name, 10);
  await ctx.rt.remove(info.id);
}

export async function produce(ctx: RunnerContext, topic: string, values: string[], keys?: string[]): Promise<void> {
  const lines = values.map((v, i) => (keys?.[i] !== undefined ? `${keys[i]}\t${v}` : v));
  const kcat = ctx.templates.containers.kcat!;
  const argv = [
    'kcat',
    '-P',
    '-b',
    ctx.templates.internalBootstrap,
    '-t',
    topic,
    ...(keys ? ['-K', '\t'] : []),
    '-X',
    'acks=all',
  ];
  // A broker that was just started takes seconds to listen; kcat gives up at once when no broker
  // answers, before it delivered anything, so that one case is tried again until a deadline.
  const send = () => ctx.rt.exec(kcat, argv, { stdin: `${lines.join('\n')}\n`, timeoutMs: 60_000, signal: ctx.signal });
  let r!: ExecResult;
  const probe = async () => {
    r = await send();
    const noBroker = r.exitCode !== 0 && /All broker connections are down/.test(r.all);
    return noBroker ? { done: false as const, seen: 'no broker answers yet' } : { done: true as const, value: r };
  };
  // On timeout the last attempt's own failure is reported below.
  await waitFor(probe, {
    what: `a broker to take messages for ${topic}`,
    timeoutMs: 60_000,
    intervalMs: 1000,
    clock: ctx.faults.clock,
    signal: ctx.signal,
  }).catch((err: unknown) => {
    if (!(err instanceof WaitTimeout)) throw err;
  });
  if (r.exitCode !== 0)
    throw new ExternalError(
      `Producing to ${topic} failed.`,
      `docker exec -i ${kcat} ${argv.join(' ')}`,
      r.exitCode,
      r.all,
    );
  // kcat -P exits 0 only when every message was delivered with acks=all.
  await recordAcked(ctx.stateDir, ctx.spec.stack, topic, values, ctx.faults.clock.now());
}

// False when the group has members (they already hold positions) or the broker refused.
async function commitEnd(bootstrap: string, group: string, topic: string): Promise<boolean> {
  try {
    return await withAdmin(bootstrap, async (a) => {
      const { groups } = await a.describeGroups([group]);
      if (groups[0] && groups[0].members.length > 0) return false;
      const ends = await a.fetchTopicOffsets(topic);
      await a.setOffsets({
        groupId: group,
        topic,
        partitions: ends.map((o) => ({ partition: o.partition, offset: o.high })),
      });
      return true;
    });
  } catch {
    return false;
  }
}

async function topicIsEmpty(bootstrap: string, topic: string): Promise<boolean> {
  try {
    const offsets = await withAdmin(bootstrap, (a) => a.fetchTopicOffsets(topic));
    return offsets.every((o) => o.high === o.low);
  } catch {
    return false;
  }
}
