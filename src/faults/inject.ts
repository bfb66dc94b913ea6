// Faults on the stack's own containers only: labels are re-read just before acting.
import { CONDITION_OF, conflict, INVERSE_OF, parseTarget, type Condition } from '../core/faults.js';
import { UserError } from '../core/errors.js';
import type { FaultAction } from '../core/faults.js';
import type { ContainerDetails, Runtime } from '../core/runtime.js';
import {
  LABEL,
  serviceOfBroker,
  stackFlag,
  serviceOfNode,
  usesKraft,
  type ServiceSpec,
  type StackSpec,
} from '../core/stack.js';
import type { Clock } from '../core/wait.js';
import type { Inspector } from '../cluster/inspector.js';
import { waitDeregistered } from '../cluster/registration.js';
import { describeQuorum } from '../cluster/quorum.js';
import { stackContainers } from '../runtime/find.js';
import { withStackLock } from '../runtime/lock.js';
import { appendEvent, readEvents, type FaultEvent } from './log.js';

export interface FaultContext {
  rt: Runtime;
  spec: StackSpec;
  stateDir: string;
  inspector: Inspector;
  clock: Clock;
  signal?: AbortSignal;
}

export async function resolveTarget(
  ctx: FaultContext,
  action: FaultAction,
  text: string,
): Promise<{ svc: ServiceSpec; how: string }> {
  const ref = parseTarget(text);
  if (!ref)
    throw new UserError(
      `'${text}' is not a fault target.`,
      'Use a service or container name (kafka-2), broker:N, controller, or leader:<topic>/<partition>.',
    );
  const byBroker = (id: number) => serviceOfBroker(ctx.spec, id);
  if (ref.kind === 'name') {
    const svc = ctx.spec.services.find((s) => s.service === ref.name || s.containerName === ref.name);
    if (!svc)
      throw new UserError(
        `'${text}' is not a container of stack '${ctx.spec.stack}'.`,
        `Targets: ${ctx.spec.services.map((s) => s.containerName).join(', ')}, broker:N, controller, leader:<topic>/<partition>.`,
      );
    return { svc, how: svc.containerName };
  }
  if (ref.kind === 'broker') {
    const svc = byBroker(ref.id);
    if (!svc)
      throw new UserError(`There is no broker ${ref.id} in stack '${ctx.spec.stack}'.`, 'Brokers are 1, 2 and 3.');
    return { svc, how: `broker ${ref.id} = ${svc.containerName}` };
  }
  // Undoing a fault on a symbolic target: the broker it meant then, not now.
  if (['start', 'unpause', 'connect'].includes(action)) {
    const last = (await readEvents(ctx.stateDir, ctx.spec.stack))
      .reverse()
      .find((e) => e.target === text && CONDITION_OF[e.action as FaultAction]);
    const svc = last && ctx.spec.services.find((s) => s.service === last.service);
    if (!svc)
      throw new UserError(
        `No earlier fault on '${text}' is recorded, so kafka-lab cannot tell which broker to ${action}.`,
        'Name the container instead, e.g. kafka-2.',
      );
    return { svc, how: `${text} at the time of the fault = ${svc.containerName}` };
  }
  const snap = await ctx.inspector.snapshot({
    topics: ref.kind === 'leader' ? [ref.topic] : [],
    groups: [],
    messagesOf: [],
  });
  if (ref.kind === 'controller') {
    // KRaft: the active controller is the quorum's leader (Metadata names a random broker instead).
    const kraft = usesKraft(ctx.spec);
    const id = kraft ? ((await describeQuorum(ctx.rt, ctx.spec))?.leaderId ?? null) : snap.controller;
    const svc = id === null || id < 0 ? undefined : serviceOfNode(ctx.spec, id);
    if (!svc) throw new UserError('The cluster reports no controller right now.', "Check 'kafka-lab status'.");
    return { svc, how: `controller = ${kraft ? 'quorum leader' : 'broker'} ${id} = ${svc.containerName}` };
  }
  const t = snap.topics[ref.topic];
  if (!t?.exists) throw new UserError(`Topic ${ref.topic} does not exist, so it has no leader to target.`);
  const p = t.partitions.find((x) => x.partition === ref.partition);
  if (!p) throw new UserError(`Topic ${ref.topic} has no partition ${ref.partition} (it has ${t.partitions.length}).`);
  const svc = p.leader >= 0 ? byBroker(p.leader) : undefined;
  if (!svc) throw new UserError(`Partition ${ref.topic}/${ref.partition} has no leader right now.`);
  return { svc, how: `leader of ${ref.topic}/${ref.partition} = broker ${p.leader} = ${svc.containerName}` };
}

function conditionsOf(ctx: FaultContext, info: ContainerDetails): Condition[] {
  const out: Condition[] = [];
  if (!info.running) out.push('stopped');
  if (info.paused) out.push('paused');
  if (info.running && !info.networks.includes(ctx.spec.network)) out.push('disconnected');
  return out;
}

async function inspectOwn(ctx: FaultContext, svc: ServiceSpec): Promise<ContainerDetails> {
  const info = await ctx.rt.inspect(svc.containerName);
  if (!info)
    throw new UserError(
      `Container ${svc.containerName} does not exist.`,
      `Bring the stack up with 'kafka-lab up${stackFlag(ctx.spec.stack)}'.`,
    );
  const labels = info.labels;
  if (labels[LABEL.stack] !== ctx.spec.stack || labels[LABEL.service] !== svc.service) {
    throw new UserError(
      `Container ${svc.containerName} does not carry kafka-lab's labels for stack '${ctx.spec.stack}', so kafka-lab will not touch it.`,
    );
  }
  return info;
}

/** One fault or heal at a time per stack (a heal would undo a fault it had not yet seen), never during up, down or reset. */
export function injectFault(ctx: FaultContext, action: FaultAction, target: string): Promise<FaultEvent> {
  return withStackLock(ctx.spec.stack, `fault ${action} ${target}`, () => inject(ctx, action, target), 'faults');
}

async function inject(ctx: FaultContext, action: FaultAction, target: string): Promise<FaultEvent> {
  const { svc, how } = await resolveTarget(ctx, action, target);
  const info = await inspectOwn(ctx, svc);
  const problem = conflict(action, svc.containerName, conditionsOf(ctx, info));
  if (problem) throw new UserError(problem);
  const before = await ctx.inspector.snapshot({ topics: [], groups: [], messagesOf: [] }).catch(() => undefined);
  await apply(ctx, svc, action);
  const event: FaultEvent = {
    at: new Date(ctx.clock.now()).toISOString(),
    atMs: ctx.clock.now(),
    action,
    target,
    container: svc.containerName,
    service: svc.service,
    brokerId: svc.brokerId,
    before: { brokers: before?.brokers.map((b) => b.id) ?? [], controller: before?.controller ?? null },
    note: how,
  };
  await appendEvent(ctx.stateDir, ctx.spec.stack, event);
  return event;
}

async function apply(ctx: FaultContext, svc: ServiceSpec, action: FaultAction): Promise<void> {
  const name = svc.containerName;
  switch (action) {
    case 'stop':
      return ctx.rt.stop(name, 30);
    case 'kill':
      return ctx.rt.kill(name);
    case 'pause':
      return ctx.rt.pause(name);
    case 'unpause':
      return ctx.rt.unpause(name);
    case 'restart':
      return ctx.rt.restart(name, 30);
    case 'disconnect':
      return ctx.rt.disconnect(ctx.spec.network, name);
    case 'connect':
      return ctx.rt.connect(ctx.spec.network, name, [svc.service]);
    case 'start':
      if (svc.role === 'broker' && svc.brokerId !== undefined)
        await waitDeregistered(ctx.spec, svc.brokerId, { clock: ctx.clock, signal: ctx.signal });
      return ctx.rt.start(
        name,
        svc.ports.map((p) => p.hostPort),
      );
  }
}

/** Undo every fault the containers show, whoever caused it: reconnect, unpause, then start. */
export function heal(ctx: FaultContext): Promise<FaultEvent[]> {
  return withStackLock(ctx.spec.stack, 'heal', () => healAll(ctx), 'faults');
}

async function healAll(ctx: FaultContext): Promise<FaultEvent[]> {
  const done: FaultEvent[] = [];
  for (const observed of await stackContainers(ctx.rt, ctx.spec.stack)) {
    const svc = ctx.spec.services.find((s) => s.service === observed.labels[LABEL.service]);
    if (!svc) continue;
    const conditions = conditionsOf(ctx, await inspectOwn(ctx, svc));
    for (const c of (['disconnected', 'paused', 'stopped'] as Condition[]).filter((x) => conditions.includes(x))) {
      const action = INVERSE_OF[c];
      await apply(ctx, svc, action);
      const event: FaultEvent = {
        at: new Date(ctx.clock.now()).toISOString(),
        atMs: ctx.clock.now(),
        action: 'heal',
        target: svc.containerName,
        container: svc.containerName,
        service: svc.service,
        brokerId: svc.brokerId,
        before: { brokers: [], controller: null },
        note: `${action} (was ${c})`,
      };
      await appendEvent(ctx.stateDir, ctx.spec.stack, event);
      done.push(event);
    }
  }
  return done;
}
