// `up` as a reconcile: plan from labels and config hashes, act in dependency order, wait for real
// readiness, and remove whatever this run created if it fails or is interrupted.
import type Docker from 'dockerode';
import { Interrupted, UserError } from '../core/errors.js';
import type { Phase, Sink } from '../core/events.js';
import { describeClash, planUp, type Action } from '../core/reconcile.js';
import { bootstrapServers, DEFAULT_PORT_BASE, LABEL, stackFlag, startOrder, type PortSpec, type ServiceSpec, type StackSpec } from '../core/stack.js';
import { waitFor, type Clock } from '../core/wait.js';
import { configHashes } from '../stack/hash.js';
import { describeCluster } from '../cluster/kafka.js';
import { zookeeperAnswers, zookeeperEphemerals } from '../cluster/zookeeper.js';
import {
  call,
  containerLogs,
  containersNamed,
  createServiceContainer,
  ensureNetwork,
  ensureVolume,
  imageExists,
  pullImage,
  removeContainer,
  removeNetwork,
  removeVolume,
  startContainer,
} from './docker.js';
import { takenPorts } from './ports.js';

export interface UpOptions {
  docker: Docker;
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
    o.sink({ kind: 'service', service: svc.service, container: svc.containerName, phase, detail, atMs: o.clock.now() - started });
  const hashes = configHashes(o.spec);
  const byName = await containersNamed(o.docker, o.spec.services.map((s) => s.containerName));
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

  await checkPorts(o.spec, plan.actions, byName);
  await ensureImages(o, building.map((s) => s.image));

  const created = { containers: [] as { id: string; name: string }[], volumes: [] as string[], network: undefined as { id: string } | undefined };
  try {
    const net = await ensureNetwork(o.docker, o.spec);
    if (net.created) created.network = { id: net.id };
    for (const v of o.spec.volumes) if (await ensureVolume(o.docker, o.spec.stack, v)) created.volumes.push(v);
    for (const wave of startOrder(o.spec.services)) {
      const ids = await Promise.all(wave.map((svc) => apply(o, svc, actionOf.get(svc.service)!, hashes, created, emit)));
      await waitReady(o, wave, ids, emit);
    }
  } catch (err) {
    const undone = await rollback(o.docker, created);
    const undoneText = undone ? ` Removed what this run had created (${undone}).` : '';
    if (err instanceof Interrupted || o.signal?.aborted) {
      throw new Interrupted(`Interrupted.${undoneText} Run 'kafka-lab up${stackFlag(o.spec.stack)}' again to finish, or 'kafka-lab down${stackFlag(o.spec.stack)}'.`);
    }
    if (err instanceof UserError && undone) throw new UserError(`${err.message}${undoneText}`, err.next, err.exitCode);
    throw err;
  }
  return { actions: plan.actions, bootstrap: bootstrapServers(o.spec), elapsedMs: o.clock.now() - started };
}

/** Every image present before anything is created or removed: pulled, or built by `provideImage`. */
export async function ensureImages(o: Pick<UpOptions, 'docker' | 'sink' | 'provideImage'>, images: string[]): Promise<void> {
  for (const image of new Set(images)) {
    if (await imageExists(o.docker, image)) continue;
    o.sink({ kind: 'step', message: `image ${image} is missing; getting it`, atMs: 0 });
    if (o.provideImage) await o.provideImage(image);
    else await pullImage(o.docker, image, (line) => o.sink({ kind: 'step', message: line, atMs: 0 }));
  }
}

async function checkPorts(spec: StackSpec, actions: Action[], byName: Map<string, { state: string }>): Promise<void> {
  // A running container of ours that stays, or is recreated, holds its own ports: skip those.
  const needed = spec.services.filter((s) => {
    const a = actions.find((x) => x.service === s.service)!;
    return a.kind === 'create' || a.kind === 'start' || (a.kind === 'recreate' && byName.get(s.containerName)?.state !== 'running');
  });
  for (const svc of needed) {
    for (const p of svc.ports) {
      const [taken] = await takenPorts(p.hostIp, [p.hostPort]);
      if (taken === undefined) continue;
      const base = await freePortBase(spec);
      throw new UserError(
        `Port ${taken} (for ${svc.containerName}) is already in use by another process.`,
        `Stop it, or run 'kafka-lab up${stackFlag(spec.stack)} --port-base ${base}' to move the stack's ports. Nothing was created.`,
      );
    }
  }
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
      await call(`unpause ${svc.containerName}`, () => o.docker.getContainer(action.containerId).unpause());
      emit(svc, 'started', 'unpaused');
      return action.containerId;
    case 'start':
      await waitDeregistered(o, svc, emit);
      emit(svc, 'starting');
      await startContainer(o.docker, action.containerId, svc.containerName, ports);
      emit(svc, 'started');
      return action.containerId;
    case 'recreate':
      emit(svc, 'removing', action.reason);
      // A clean stop ends a broker's ZooKeeper session now; a forced removal would leave it for 6 s.
      await o.docker.getContainer(action.containerId).stop({ t: 30 }).catch(() => {});
      await removeContainer(o.docker, action.containerId, svc.containerName);
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
  await waitDeregistered(o, svc, emit);
  emit(svc, 'creating');
  const labels = {
    ...o.labels,
    [LABEL.stack]: o.spec.stack,
    [LABEL.service]: svc.service,
    [LABEL.configHash]: hashes[svc.service]!,
    [LABEL.portBase]: String(o.spec.portBase),
  };
  const id = await createServiceContainer(o.docker, o.spec, svc, labels);
  created.containers.push({ id, name: svc.containerName });
  emit(svc, 'created');
  if (o.signal?.aborted) throw new Interrupted();
  emit(svc, 'starting');
  await startContainer(o.docker, id, svc.containerName, svc.ports.map((p) => p.hostPort));
  emit(svc, 'started');
  return id;
}

/**
 * A broker whose previous container died uncleanly stays registered until its ZooKeeper session
 * expires; a new one with the same id would fail with NodeExistsException. Wait until it is gone,
 * asking ZooKeeper itself (`dump`) and, where `dump` is not allowed, the cluster's metadata.
 */
async function waitDeregistered(o: UpOptions, svc: ServiceSpec, emit: (svc: ServiceSpec, phase: Phase, detail?: string) => void): Promise<void> {
  const id = svc.environment.KAFKA_BROKER_ID;
  if (id === undefined) return;
  const zk = zookeeperAddress(o.spec);
  let told = false;
  const registered = async (): Promise<boolean> => {
    const ephemerals = zk ? await zookeeperEphemerals(zk.host, zk.port).catch(() => undefined) : undefined;
    if (ephemerals) return ephemerals.has(`/brokers/ids/${id}`);
    const c = await describeCluster(bootstrapServers(o.spec)).catch(() => undefined);
    return c !== undefined && c.brokers.some((b) => b.id === Number(id));
  };
  await waitFor(
    async () => {
      if (!(await registered())) return { done: true, value: true };
      if (!told) emit(svc, 'waiting', `broker ${id} is still registered by its old container; waiting for its ZooKeeper session to end`);
      told = true;
      return { done: false, seen: `broker ${id} still registered` };
    },
    { what: `broker ${id}'s old ZooKeeper registration to expire`, timeoutMs: 40_000, intervalMs: 500, clock: o.clock, signal: o.signal },
  );
}

/** The host port on which a ZooKeeper service publishes its client port, or undefined for other services. */
function zookeeperPort(svc: ServiceSpec): PortSpec | undefined {
  const client = svc.environment.ZOOKEEPER_CLIENT_PORT;
  if (client === undefined) return undefined;
  return svc.ports.find((p) => p.containerPort === Number(client)) ?? svc.ports[0];
}

function zookeeperAddress(spec: StackSpec): { host: string; port: number } | undefined {
  const p = spec.services.map(zookeeperPort).find((x) => x !== undefined);
  return p && { host: p.hostIp, port: p.hostPort };
}

/** ZooKeeper is ready when it answers `srvr`; brokers when the cluster lists them with a controller. */
async function waitReady(o: UpOptions, wave: ServiceSpec[], ids: string[], emit: (svc: ServiceSpec, phase: Phase, detail?: string) => void) {
  const timeoutMs = o.readyTimeoutMs ?? 120_000;
  const zks = wave.filter((s) => s.environment.ZOOKEEPER_CLIENT_PORT !== undefined);
  const brokers = wave.filter((s) => s.environment.KAFKA_BROKER_ID !== undefined);
  const others = wave.filter((s) => !zks.includes(s) && !brokers.includes(s));
  for (const s of others) emit(s, 'ready');
  const idOf = (s: ServiceSpec) => ids[wave.indexOf(s)]!;

  for (const zk of zks) {
    emit(zk, 'waiting', 'for ZooKeeper to answer');
    const port = zookeeperPort(zk);
    if (!port) throw new UserError(`Service ${zk.service} publishes no port, so kafka-lab cannot ask ZooKeeper whether it is ready.`);
    await waitFor(
      async () => {
        await assertRunning(o.docker, idOf(zk), zk.containerName);
        try {
          return { done: true, value: await zookeeperAnswers(port.hostIp, port.hostPort) };
        } catch (err) {
          return { done: false, seen: (err as Error).message };
        }
      },
      { what: `${zk.containerName} to answer on ${port.hostIp}:${port.hostPort}`, timeoutMs, intervalMs: 250, clock: o.clock, signal: o.signal, next: `See 'docker logs ${zk.containerName}'.` },
    );
    emit(zk, 'ready');
  }

  if (brokers.length === 0) return;
  for (const b of brokers) emit(b, 'waiting', 'for it to answer and the cluster to list it');
  const brokerIds = brokers.map((b) => Number(b.environment.KAFKA_BROKER_ID));
  const readySoFar = new Set<number>();
  let polls = 0;
  // A broker registers in ZooKeeper a moment before it serves requests, so each one must answer
  // on its own address, and list every broker and a controller.
  await waitFor(
    async () => {
      if (polls++ % 4 === 0) for (const b of brokers) await assertRunning(o.docker, idOf(b), b.containerName);
      const seen = await Promise.all(
        brokers.map(async (b, i) => {
          const address = `127.0.0.1:${b.ports[0]?.hostPort}`;
          try {
            const c = await describeCluster(address);
            const complete = brokerIds.every((id) => c.brokers.some((x) => x.id === id)) && c.controller !== null && c.controller >= 0;
            if (complete && !readySoFar.has(brokerIds[i]!)) {
              readySoFar.add(brokerIds[i]!);
              emit(b, 'ready');
            }
            return complete ? undefined : `${b.containerName} lists brokers ${c.brokers.map((x) => x.id).join(',') || 'none'}, controller ${c.controller ?? 'none'}`;
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
}

/** Fails fast, with the last log lines, when a container we are waiting on has exited. */
async function assertRunning(docker: Docker, id: string, name: string): Promise<void> {
  const info = await call(`inspect ${name}`, () => docker.getContainer(id).inspect());
  if (info.State.Running) return;
  const logs = await containerLogs(docker, id, 8);
  throw new UserError(
    `${name} stopped (exit code ${info.State.ExitCode}) while kafka-lab waited for it to be ready. Last log lines:\n${logs.trimEnd()}`,
    `Fix the cause, then run 'kafka-lab up' again; 'docker logs ${name}' shows the whole log.`,
  );
}

async function rollback(
  docker: Docker,
  created: { containers: { id: string; name: string }[]; volumes: string[]; network?: { id: string } },
): Promise<string> {
  const parts: string[] = [];
  for (const c of created.containers) await removeContainer(docker, c.id, c.name).catch(() => {});
  if (created.containers.length) parts.push(`${created.containers.length} container${created.containers.length > 1 ? 's' : ''}`);
  for (const v of created.volumes) await removeVolume(docker, v).catch(() => {});
  if (created.volumes.length) parts.push(`${created.volumes.length} volume${created.volumes.length > 1 ? 's' : ''}`);
  if (created.network) {
    await removeNetwork(docker, created.network.id, 'network').catch(() => {});
    parts.push('1 network');
  }
  return parts.join(', ');
}
