// `up` as a reconcile: plan from labels and config hashes, act in dependency order, wait for real
// readiness, and remove whatever this run created if it fails or is interrupted.
import { Interrupted, UserError } from '../core/errors.js';
import type { Phase, Sink } from '../core/events.js';
import { describeClash, planUp, type Action } from '../core/reconcile.js';
import type { Runtime } from '../core/runtime.js';
import {
  bootstrapServers,
  clientPortOf,
  DEFAULT_PORT_BASE,
  LABEL,
  stackFlag,
  startOrder,
  usesKraft,
  type ServiceSpec,
  type StackSpec,
} from '../core/stack.js';
import { waitFor, type Clock } from '../core/wait.js';
import { configHashes } from '../stack/hash.js';
import { describeCluster } from '../cluster/kafka.js';
import { zookeeperAnswers } from '../cluster/zookeeper.js';
import { waitDeregistered } from '../cluster/registration.js';
import { describeQuorum } from '../cluster/quorum.js';
import { quorumProblem } from '../core/quorum.js';
import { containersNamed, stackLabels } from './find.js';
import { takenPorts } from './ports.js';
import { portClaimOf } from './port-claims.js';

export interface UpOptions {
  rt: Runtime;
  spec: StackSpec;
  sink: Sink;
  clock: Clock;
  signal?: AbortSignal;
  /** Extra labels recorded on every container (images choice, compose file). */
  labels?: Record<string, string>;
  readyTimeoutMs?: number;
  /** Called when an image is missing; returns once it exists (pull or local build). */
  provideImage?: (image: string) => Promise<void>;
}

export interface UpResult {
  actions: Action[];
  bootstrap: string;
  elapsedMs: number;
}

export async function up(o: UpOptions): Promise<UpResult> {
  const started = o.clock.now();
  const emit = (svc: ServiceSpec, phase: Phase, detail?: string) =>
    o.sink({
      kind: 'service',
      service: svc.service,
      container: svc.containerName,
      phase,
      detail,
      atMs: o.clock.now() - started,
    });
  const step = (message: string) => o.sink({ kind: 'step', message, atMs: o.clock.now() - started });
  const hashes = configHashes(o.spec);
  const byName = await containersNamed(
    o.rt,
    o.spec.services.map((s) => s.containerName),
  );
  const plan = planUp(o.spec, hashes, byName, LABEL);
  if (!plan.ok) {
    throw new UserError(
      plan.clashes.map(describeClash).join('\n'),
      `Rename or remove ${plan.clashes.length > 1 ? 'them' : 'it'} yourself (docker rm ${plan.clashes.map((c) => c.name).join(' ')}), or use another stack: kafka-lab up --stack NAME. Nothing was created.`,
    );
  }
  const actionOf = new Map(plan.actions.map((a) => [a.service, a]));
  const building = o.spec.services.filter((s) => ['create', 'recreate'].includes(actionOf.get(s.service)!.kind));
  for (const s of o.spec.services) emit(s, actionOf.get(s.service)!.kind === 'keep' ? 'kept' : 'pending');

  await checkPorts(o.rt, o.spec, plan.actions, byName);
  await ensureImages(
    o,
    building.map((s) => s.image),
  );

  const created = {
    containers: [] as { id: string; name: string }[],
    volumes: [] as string[],
    network: undefined as { id: string } | undefined,
  };
  try {
    const net = await ensureNetwork(o.rt, o.spec);
    if (net.created) created.network = { id: net.id };
    for (const v of o.spec.volumes) if (await ensureVolume(o.rt, o.spec.stack, v)) created.volumes.push(v);
    for (const wave of startOrder(o.spec.services)) {
      const ids = await Promise.all(
        wave.map((svc) => apply(o, svc, actionOf.get(svc.service)!, hashes, created, emit)),
      );
      await waitReady(o, wave, ids, emit, step);
    }
  } catch (err) {
    const undone = await rollback(o.rt, created);
    const undoneText = undone ? ` Removed what this run had created (${undone}).` : '';
    if (err instanceof Interrupted || o.signal?.aborted) {
      throw new Interrupted(
        `Interrupted.${undoneText} Run 'kafka-lab up${stackFlag(o.spec.stack)}' again to finish, or 'kafka-lab down${stackFlag(o.spec.stack)}'.`,
      );
    }
    if (err instanceof UserError && undone) throw new UserError(`${err.message}${undoneText}`, err.next, err.exitCode);
    throw err;
  }
  return { actions: plan.actions, bootstrap: bootstrapServers(o.spec), elapsedMs: o.clock.now() - started };
}

/** Every image present before anything is created or removed: pulled, or built by `provideImage`. */
export async function ensureImages(
  o: Pick<UpOptions, 'rt' | 'sink' | 'provideImage'>,
  images: string[],
): Promise<void> {
  for (const image of new Set(images)) {
    if (await o.rt.imageExists(image)) continue;
    o.sink({ kind: 'step', message: `image ${image} is missing; getting it`, atMs: 0 });
    if (o.provideImage) await o.provideImage(image);
    else await o.rt.pull(image, (line) => o.sink({ kind: 'step', message: line, atMs: 0 }));
  }
}

async function checkPorts(
  rt: Runtime,
  spec: StackSpec,
  actions: Action[],
  byName: Map<string, { state: string }>,
): Promise<void> {
  // A running container of ours that stays, or is recreated, holds its own ports: skip those.
  const needed = spec.services.filter((s) => {
    const a = actions.find((x) => x.service === s.service)!;
    return (
      a.kind === 'create' ||
      a.kind === 'start' ||
      (a.kind === 'recreate' && byName.get(s.containerName)?.state !== 'running')
    );
  });
  for (const svc of needed) {
    for (const p of svc.ports) {
      const [taken] = await takenPorts(p.hostIp, [p.hostPort]);
      if (taken === undefined) continue;
      const base = await freePortBase(spec);
      throw new UserError(
        `Port ${taken} (for ${svc.containerName}) is already in use ${await holderOf(rt, spec.stack, taken)}.`,
        `Stop it, or run 'kafka-lab up${stackFlag(spec.stack)} --port-base ${base}' to move the stack's ports. Nothing was created.`,
      );
    }
  }
}

/** Who holds a busy host port, in words: a kafka-lab stack or another container of this engine, a kafka-lab run that claimed it, or else a process outside Docker. */
export async function holderOf(rt: Runtime, stack: string, port: number): Promise<string> {
  const [c] = await rt.containers({ publish: [String(port)] }).catch(() => []);
  const theirs = c?.labels[LABEL.stack];
  if (theirs) return `by kafka-lab stack '${theirs}' on engine ${rt.where} (container ${c.name})`;
  if (c) return `by container ${c.name} on engine ${rt.where}, which is not kafka-lab's`;
  const claim = await portClaimOf(port, stack);
  if (claim) return `by another kafka-lab creating stack '${claim.stack}' on engine ${claim.engine} (pid ${claim.pid})`;
  return `by a process that is not a container of engine ${rt.where} (another program, or another engine's container)`;
}

/** A port base whose whole block is free now, to suggest in messages (below the kernel's ephemeral range). */
async function freePortBase(spec: StackSpec): Promise<number> {
  for (let base = 19092; base < 32000; base += 1000) {
    const shift = base - spec.portBase;
    const ports = spec.services.flatMap((s) => s.ports.map((p) => p.hostPort + shift));
    if ((await takenPorts('127.0.0.1', ports)).length === 0) return base;
  }
  return DEFAULT_PORT_BASE + 10000;
}

async function apply(
  o: UpOptions,
  svc: ServiceSpec,
  action: Action,
  hashes: Record<string, string>,
  created: { containers: { id: string; name: string }[] },
  emit: (svc: ServiceSpec, phase: Phase, detail?: string) => void,
): Promise<string> {
  if (o.signal?.aborted) throw new Interrupted();
  const ports = svc.ports.map((p) => p.hostPort);
  switch (action.kind) {
    case 'keep':
      return action.containerId;
    case 'unpause':
      await o.rt.unpause(action.containerId);
      emit(svc, 'started', 'unpaused');
      return action.containerId;
    case 'start':
      await waitFree(o, svc, emit);
      emit(svc, 'starting');
      await o.rt.start(svc.containerName, ports);
      emit(svc, 'started');
      return action.containerId;
    case 'recreate':
      emit(svc, 'removing', action.reason);
      // A clean stop ends a broker's ZooKeeper session now; a forced removal would leave it for 6 s.
      await o.rt.stop(action.containerId, 30).catch(() => {}); // removed next, whatever state it is in
      await o.rt.remove(action.containerId);
      return createAndStart(o, svc, hashes, created, emit);
    case 'create':
      return createAndStart(o, svc, hashes, created, emit);
  }
}

async function createAndStart(
  o: UpOptions,
  svc: ServiceSpec,
  hashes: Record<string, string>,
  created: { containers: { id: string; name: string }[] },
  emit: (svc: ServiceSpec, phase: Phase, detail?: string) => void,
): Promise<string> {
  await waitFree(o, svc, emit);
  emit(svc, 'creating');
  const labels = {
    ...o.labels,
    [LABEL.stack]: o.spec.stack,
    [LABEL.service]: svc.service,
    [LABEL.configHash]: hashes[svc.service]!,
    [LABEL.portBase]: String(o.spec.portBase),
  };
  const id = await o.rt.create({
    name: svc.containerName,
    image: svc.image,
    hostname: svc.hostname ?? svc.service,
    env: svc.environment,
    labels,
    ports: svc.ports,
    cmd: svc.command,
    entrypoint: svc.entrypoint,
    network: o.spec.network,
    aliases: [svc.service],
    mounts: svc.volumes,
  });
  created.containers.push({ id, name: svc.containerName });
  emit(svc, 'created');
  if (o.signal?.aborted) throw new Interrupted();
  emit(svc, 'starting');
  await o.rt.start(
    svc.containerName,
    svc.ports.map((p) => p.hostPort),
  );
  emit(svc, 'started');
  return id;
}

async function waitFree(
  o: UpOptions,
  svc: ServiceSpec,
  emit: (svc: ServiceSpec, phase: Phase, detail?: string) => void,
): Promise<void> {
  if (svc.role !== 'broker' || svc.brokerId === undefined) return;
  const id = svc.brokerId;
  await waitDeregistered(o.spec, id, {
    clock: o.clock,
    signal: o.signal,
    onWaiting: () =>
      emit(
        svc,
        'waiting',
        `broker ${id} is still registered by its old container; waiting for its ZooKeeper session to end`,
      ),
  });
}

/** ZooKeeper is ready when it answers `srvr`; brokers when the cluster lists them with a controller. */
async function waitReady(
  o: UpOptions,
  wave: ServiceSpec[],
  ids: string[],
  emit: (svc: ServiceSpec, phase: Phase, detail?: string) => void,
  step: (message: string) => void,
) {
  const timeoutMs = o.readyTimeoutMs ?? 120_000;
  const zks = wave.filter((s) => s.role === 'zookeeper');
  const brokers = wave.filter((s) => s.role === 'broker');
  const others = wave.filter((s) => !zks.includes(s) && !brokers.includes(s));
  for (const s of others) emit(s, 'ready');
  const idOf = (s: ServiceSpec) => ids[wave.indexOf(s)]!;

  for (const zk of zks) {
    emit(zk, 'waiting', 'for ZooKeeper to answer');
    const port = clientPortOf(zk);
    if (!port)
      throw new UserError(
        `Service ${zk.service} publishes no port, so kafka-lab cannot ask ZooKeeper whether it is ready.`,
      );
    await waitFor(
      async () => {
        await assertRunning(o.rt, idOf(zk), zk.containerName);
        try {
          return { done: true, value: await zookeeperAnswers(port.hostIp, port.hostPort) };
        } catch (err) {
          return { done: false, seen: (err as Error).message };
        }
      },
      {
        what: `${zk.containerName} to answer on ${port.hostIp}:${port.hostPort}`,
        timeoutMs,
        intervalMs: 250,
        clock: o.clock,
        signal: o.signal,
        next: `See 'docker logs ${zk.containerName}'.`,
      },
    );
    emit(zk, 'ready');
  }

  if (brokers.length === 0) return;
  for (const b of brokers) emit(b, 'waiting', 'for it to answer and the cluster to list it');
  const brokerIds = brokers.map((b) => b.brokerId!);
  const readySoFar = new Set<number>();
  let polls = 0;
  // A broker registers in ZooKeeper a moment before it serves requests, so each one must answer
  // on its own address, and list every broker and a controller.
  await waitFor(
    async () => {
      if (polls++ % 4 === 0) for (const b of brokers) await assertRunning(o.rt, idOf(b), b.containerName);
      const seen = await Promise.all(
        brokers.map(async (b, i) => {
          const address = `${b.ports[0]?.hostIp || '127.0.0.1'}:${b.ports[0]?.hostPort}`;
          try {
            const c = await describeCluster(address);
            const complete =
              brokerIds.every((id) => c.brokers.some((x) => x.id === id)) && c.controller !== null && c.controller >= 0;
            if (complete && !readySoFar.has(brokerIds[i]!)) {
              readySoFar.add(brokerIds[i]!);
              emit(b, 'ready');
            }
            return complete
              ? undefined
              : `${b.containerName} lists brokers ${c.brokers.map((x) => x.id).join(',') || 'none'}, controller ${c.controller ?? 'none'}`;
          } catch (err) {
            return `${b.containerName}: ${(err as Error).message}`;
          }
        }),
      );
      const waiting = seen.filter((x) => x !== undefined);
      return waiting.length === 0 ? { done: true, value: true } : { done: false, seen: waiting.join('; ') };
    },
    {
      what: `brokers ${brokerIds.join(', ')} to answer and list each other and a controller`,
      timeoutMs,
      intervalMs: 500,
      clock: o.clock,
      signal: o.signal,
      next: `See 'docker logs ${brokers.map((b) => b.containerName).join("', 'docker logs ")}'.`,
    },
  );
  // KRaft: the brokers answer before the controller quorum has settled; a lab's first fault must
  // find a leader and every voter caught up.
  if (usesKraft(o.spec)) await waitQuorum(o, timeoutMs, step);
}

async function waitQuorum(o: UpOptions, timeoutMs: number, step: (message: string) => void): Promise<void> {
  step('waiting for the controller quorum: a leader, and every voter caught up');
  await waitFor(
    async () => {
      const problem = quorumProblem(await describeQuorum(o.rt, o.spec, { replication: true }));
      return problem ? { done: false, seen: problem } : { done: true, value: true };
    },
    {
      what: 'the controller quorum to have a leader and every voter',
      timeoutMs,
      intervalMs: 500,
      clock: o.clock,
      signal: o.signal,
    },
  );
}

/** Fails fast, with the last log lines, when a container we are waiting on has exited. */
async function assertRunning(rt: Runtime, id: string, name: string): Promise<void> {
  const info = await rt.inspect(id);
  if (info?.running) return;
  const logs = await rt.logs(id, 8);
  throw new UserError(
    `${name} ${info ? `stopped (exit code ${info.exitCode})` : 'was removed'} while kafka-lab waited for it to be ready. Last log lines:\n${logs.trimEnd()}`,
    `Fix the cause, then run 'kafka-lab up' again; 'docker logs ${name}' shows the whole log.`,
  );
}

async function rollback(
  rt: Runtime,
  created: { containers: { id: string; name: string }[]; volumes: string[]; network?: { id: string } },
): Promise<string> {
  const parts: string[] = [];
  for (const c of created.containers) await rt.remove(c.id).catch(() => {});
  if (created.containers.length)
    parts.push(`${created.containers.length} container${created.containers.length > 1 ? 's' : ''}`);
  for (const v of created.volumes) await rt.removeVolume(v).catch(() => {});
  if (created.volumes.length) parts.push(`${created.volumes.length} volume${created.volumes.length > 1 ? 's' : ''}`);
  if (created.network) {
    await rt.removeNetwork(created.network.id).catch(() => {});
    parts.push('1 network');
  }
  return parts.join(', ');
}

async function ensureNetwork(rt: Runtime, spec: StackSpec): Promise<{ id: string; created: boolean }> {
  const same = (await rt.networks({ name: [spec.network] })).find((n) => n.name === spec.network);
  if (same) {
    if (same.labels[LABEL.stack] !== spec.stack) {
      throw new UserError(
        `A Docker network named ${spec.network} already exists and was not created by kafka-lab for stack '${spec.stack}'.`,
        `Remove or rename it yourself (docker network rm ${spec.network}), or choose another --stack. Nothing was created.`,
      );
    }
    return { id: same.id, created: false };
  }
  return { id: await rt.createNetwork(spec.network, stackLabels(spec.stack)), created: true };
}

async function ensureVolume(rt: Runtime, stack: string, name: string): Promise<boolean> {
  const found = await rt.volume(name);
  if (found && found.labels[LABEL.stack] !== stack) {
    throw new UserError(
      `A Docker volume named ${name} already exists and was not created by kafka-lab for stack '${stack}'.`,
      'Remove or rename it yourself, or choose another --stack. Nothing was created.',
    );
  }
  if (found) return false;
  await rt.createVolume(name, stackLabels(stack));
  return true;
}
