// Faults on the stack's own containers only: labels are re-read just before acting.
import type Docker from 'dockerode';
import { CONDITION_OF, conflict, INVERSE_OF, parseTarget, type Condition } from '../core/faults.js';
import { UserError } from '../core/errors.js';
import type { FaultAction } from '../core/faults.js';
import { LABEL, stackFlag, type ServiceSpec, type StackSpec } from '../core/stack.js';
import { waitFor, type Clock } from '../core/wait.js';
import type { Inspector } from '../cluster/inspector.js';
import { call, stackContainers } from '../runtime/docker.js';
import { appendEvent, readEvents, type FaultEvent } from './log.js';

export interface FaultContext {
  docker: Docker;
  spec: StackSpec;
  stateDir: string;
  inspector: Inspector;
  clock: Clock;
  signal?: AbortSignal;
}

export function brokerIdOf(svc: ServiceSpec): number | undefined {
  const id = svc.environment.KAFKA_BROKER_ID;
  return id === undefined ? undefined : Number(id);
}

export async function resolveTarget(ctx: FaultContext, action: FaultAction, text: string): Promise<{ svc: ServiceSpec; how: string }> {
  const ref = parseTarget(text);
  if (!ref) throw new UserError(`'${text}' is not a fault target.`, 'Use a service or container name (kafka-2), broker:N, controller, or leader:<topic>/<partition>.');
  const byBroker = (id: number) => ctx.spec.services.find((s) => brokerIdOf(s) === id);
  if (ref.kind === 'name') {
    const svc = ctx.spec.services.find((s) => s.service === ref.name || s.containerName === ref.name);
    if (!svc) throw new UserError(`'${text}' is not a container of stack '${ctx.spec.stack}'.`, `Targets: ${ctx.spec.services.map((s) => s.containerName).join(', ')}, broker:N, controller, leader:<topic>/<partition>.`);
    return { svc, how: svc.containerName };
  }
  if (ref.kind === 'broker') {
    const svc = byBroker(ref.id);
    if (!svc) throw new UserError(`There is no broker ${ref.id} in stack '${ctx.spec.stack}'.`, 'Brokers are 1, 2 and 3.');
    return { svc, how: `broker ${ref.id} = ${svc.containerName}` };
  }
  // Undoing a fault on a symbolic target: the broker it meant then, not now.
  if (['start', 'unpause', 'connect'].includes(action)) {
    const last = (await readEvents(ctx.stateDir, ctx.spec.stack)).reverse().find((e) => e.target === text && CONDITION_OF[e.action as FaultAction]);
    const svc = last && ctx.spec.services.find((s) => s.service === last.service);
    if (!svc) throw new UserError(`No earlier fault on '${text}' is recorded, so kafka-lab cannot tell which broker to ${action}.`, 'Name the container instead, e.g. kafka-2.');
    return { svc, how: `${text} at the time of the fault = ${svc.containerName}` };
  }
  const snap = await ctx.inspector.snapshot({ topics: ref.kind === 'leader' ? [ref.topic] : [], groups: [], messagesOf: [] });
  if (ref.kind === 'controller') {
    const svc = snap.controller === null ? undefined : byBroker(snap.controller);
    if (!svc) throw new UserError('The cluster reports no controller right now.', "Check 'kafka-lab status'.");
    return { svc, how: `controller = broker ${snap.controller} = ${svc.containerName}` };
  }
  const t = snap.topics[ref.topic];
  if (!t?.exists) throw new UserError(`Topic ${ref.topic} does not exist, so it has no leader to target.`);
  const p = t.partitions.find((x) => x.partition === ref.partition);
  if (!p) throw new UserError(`Topic ${ref.topic} has no partition ${ref.partition} (it has ${t.partitions.length}).`);
  const svc = p.leader >= 0 ? byBroker(p.leader) : undefined;
  if (!svc) throw new UserError(`Partition ${ref.topic}/${ref.partition} has no leader right now.`);
  return { svc, how: `leader of ${ref.topic}/${ref.partition} = broker ${p.leader} = ${svc.containerName}` };
}

async function conditionsOf(ctx: FaultContext, info: Docker.ContainerInspectInfo): Promise<Condition[]> {
  const out: Condition[] = [];
  if (!info.State.Running) out.push('stopped');
  if (info.State.Paused) out.push('paused');
  if (info.State.Running && !info.NetworkSettings.Networks?.[ctx.spec.network]) out.push('disconnected');
  return out;
}

async function inspectOwn(ctx: FaultContext, svc: ServiceSpec): Promise<Docker.ContainerInspectInfo> {
  let info: Docker.ContainerInspectInfo;
  try {
    info = await ctx.docker.getContainer(svc.containerName).inspect();
  } catch {
    throw new UserError(`Container ${svc.containerName} does not exist.`, `Bring the stack up with 'kafka-lab up${stackFlag(ctx.spec.stack)}'.`);
  }
  const labels = info.Config.Labels ?? {};
  if (labels[LABEL.stack] !== ctx.spec.stack || labels[LABEL.service] !== svc.service) {
    throw new UserError(`Container ${svc.containerName} does not carry kafka-lab's labels for stack '${ctx.spec.stack}', so kafka-lab will not touch it.`);
  }
  return info;
}

export async function injectFault(ctx: FaultContext, action: FaultAction, target: string): Promise<FaultEvent> {
  const { svc, how } = await resolveTarget(ctx, action, target);
  const info = await inspectOwn(ctx, svc);
  const problem = conflict(action, svc.containerName, await conditionsOf(ctx, info));
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
    brokerId: brokerIdOf(svc),
    before: { brokers: before?.brokers.map((b) => b.id) ?? [], controller: before?.controller ?? null },
    note: how,
  };
  await appendEvent(ctx.stateDir, ctx.spec.stack, event);
  return event;
}

async function apply(ctx: FaultContext, svc: ServiceSpec, action: FaultAction): Promise<void> {
  const c = ctx.docker.getContainer(svc.containerName);
  const what = `${action} ${svc.containerName}`;
  switch (action) {
    case 'stop':
      return void (await call(what, () => c.stop({ t: 30 })));
    case 'kill':
      return void (await call(what, () => c.kill()));
    case 'pause':
      return void (await call(what, () => c.pause()));
    case 'unpause':
      return void (await call(what, () => c.unpause()));
    case 'restart':
      return void (await call(what, () => c.restart({ t: 30 })));
    case 'disconnect':
      return void (await call(what, () => ctx.docker.getNetwork(ctx.spec.network).disconnect({ Container: svc.containerName, Force: true })));
    case 'connect':
      return void (await call(what, () => ctx.docker.getNetwork(ctx.spec.network).connect({ Container: svc.containerName, EndpointConfig: { Aliases: [svc.service] } })));
    case 'start': {
      const id = brokerIdOf(svc);
      // A killed broker's registration lives until its ZooKeeper session expires; starting it
      // before then fails with NodeExistsException, so wait until the cluster has let it go.
      if (id !== undefined) {
        await waitFor(
          async () => {
            const s = await ctx.inspector.snapshot({ topics: [], groups: [], messagesOf: [] });
            return s.brokers.some((b) => b.id === id) ? { done: false, seen: `broker ${id} still registered` } : { done: true, value: true };
          },
          { what: `broker ${id}'s old ZooKeeper session to expire`, timeoutMs: 40_000, intervalMs: 500, clock: ctx.clock, signal: ctx.signal },
        );
      }
      return void (await call(what, () => c.start()));
    }
  }
}

/** Undo every fault the containers show, whoever caused it: reconnect, unpause, then start. */
export async function heal(ctx: FaultContext): Promise<FaultEvent[]> {
  const done: FaultEvent[] = [];
  for (const observed of await stackContainers(ctx.docker, ctx.spec.stack)) {
    const svc = ctx.spec.services.find((s) => s.service === observed.labels[LABEL.service]);
    if (!svc) continue;
    const conditions = await conditionsOf(ctx, await inspectOwn(ctx, svc));
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
        brokerId: brokerIdOf(svc),
        before: { brokers: [], controller: null },
        note: `${action} (was ${c})`,
      };
      await appendEvent(ctx.stateDir, ctx.spec.stack, event);
      done.push(event);
    }
  }
  return done;
}
