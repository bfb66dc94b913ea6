// Every dockerode call goes through here, so failures carry context and exits are friendly.
import Docker from 'dockerode';
import { ExternalError, UserError } from '../core/errors.js';
import type { ContainerState, ObservedContainer } from '../core/reconcile.js';
import { LABEL, type ServiceSpec, type StackSpec } from '../core/stack.js';

export interface DockerOptions {
  /** DOCKER_HOST-style address, read once at the edge by the CLI. */
  host?: string;
}

export async function connectDocker(options: DockerOptions = {}): Promise<Docker> {
  const docker = options.host ? new Docker(modemOptions(options.host)) : new Docker();
  const where = options.host ?? '/var/run/docker.sock';
  try {
    await docker.ping();
  } catch (err) {
    throw new UserError(
      `Docker is not reachable at ${where} (${(err as Error).message.split('\n')[0]}).`,
      "Start Docker Desktop (or 'sudo systemctl start docker', or 'npm test' on a fresh Debian host) and run the command again.",
    );
  }
  return docker;
}

function modemOptions(host: string): Docker.DockerOptions {
  if (host.startsWith('unix://')) return { socketPath: host.slice('unix://'.length) };
  const url = new URL(host.replace(/^tcp:/, 'http:'));
  return { host: url.hostname, port: Number(url.port || 2375) };
}

export function toObserved(c: Docker.ContainerInfo): ObservedContainer {
  return {
    id: c.Id,
    name: (c.Names[0] ?? '').replace(/^\//, ''),
    state: c.State as ContainerState,
    labels: c.Labels ?? {},
  };
}

export async function listContainers(docker: Docker, filters: Record<string, string[]>): Promise<ObservedContainer[]> {
  const list = await call(`list containers ${JSON.stringify(filters)}`, () => docker.listContainers({ all: true, filters }));
  return list.map(toObserved);
}

/** Containers of one stack, or of every kafka-lab stack when `stack` is undefined. */
export function stackContainers(docker: Docker, stack?: string): Promise<ObservedContainer[]> {
  return listContainers(docker, { label: [stack ? `${LABEL.stack}=${stack}` : LABEL.stack] });
}

/** Containers with exactly these names, whoever owns them. */
export async function containersNamed(docker: Docker, names: string[]): Promise<Map<string, ObservedContainer>> {
  if (names.length === 0) return new Map();
  const found = await listContainers(docker, { name: names.map((n) => `^/${escapeRegex(n)}$`) });
  return new Map(found.filter((c) => names.includes(c.name)).map((c) => [c.name, c]));
}

function escapeRegex(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

export function stackLabels(stack: string, extra: Record<string, string> = {}): Record<string, string> {
  return { [LABEL.stack]: stack, ...extra };
}

export async function imageExists(docker: Docker, image: string): Promise<boolean> {
  try {
    await docker.getImage(image).inspect();
    return true;
  } catch (err) {
    if (statusOf(err) === 404) return false;
    throw wrap(`inspect image ${image}`, err);
  }
}

/** Pulls an image; when no registry answers, says how to go offline. */
export async function pullImage(docker: Docker, image: string, onProgress: (line: string) => void): Promise<void> {
  try {
    const stream = await docker.pull(image);
    await new Promise<void>((resolve, reject) => {
      docker.modem.followProgress(
        stream,
        (err) => (err ? reject(err) : resolve()),
        (e: { status?: string; id?: string }) => e.status && onProgress(`${image}: ${e.id ? `${e.id} ` : ''}${e.status}`),
      );
    });
  } catch (err) {
    throw new UserError(
      `Image ${image} is not on this host and could not be pulled (${firstLine(err)}).`,
      "On a host without internet, build kafka-lab's own images and use them: 'kafka-lab images build' then 'kafka-lab up --images local'.",
    );
  }
}

export async function ensureNetwork(docker: Docker, spec: StackSpec): Promise<{ id: string; created: boolean }> {
  const nets = await call('list networks', () => docker.listNetworks({ filters: { name: [spec.network] } }));
  const same = nets.find((n) => n.Name === spec.network);
  if (same) {
    if (same.Labels?.[LABEL.stack] !== spec.stack) {
      throw new UserError(
        `A Docker network named ${spec.network} already exists and was not created by kafka-lab for stack '${spec.stack}'.`,
        `Remove or rename it yourself (docker network rm ${spec.network}), or choose another --stack. Nothing was created.`,
      );
    }
    return { id: same.Id, created: false };
  }
  const net = await call(`create network ${spec.network}`, () =>
    docker.createNetwork({ Name: spec.network, Driver: 'bridge', CheckDuplicate: true, Labels: stackLabels(spec.stack) }),
  );
  return { id: net.id, created: true };
}

export async function ensureVolume(docker: Docker, stack: string, name: string): Promise<boolean> {
  try {
    const info = await docker.getVolume(name).inspect();
    if (info.Labels?.[LABEL.stack] !== stack) {
      throw new UserError(
        `A Docker volume named ${name} already exists and was not created by kafka-lab for stack '${stack}'.`,
        'Remove or rename it yourself, or choose another --stack. Nothing was created.',
      );
    }
    return false;
  } catch (err) {
    if (err instanceof UserError) throw err;
    if (statusOf(err) !== 404) throw wrap(`inspect volume ${name}`, err);
  }
  await call(`create volume ${name}`, () => docker.createVolume({ Name: name, Labels: stackLabels(stack) }));
  return true;
}

export async function createServiceContainer(
  docker: Docker,
  spec: StackSpec,
  svc: ServiceSpec,
  labels: Record<string, string>,
): Promise<string> {
  const exposed = Object.fromEntries(svc.ports.map((p) => [`${p.containerPort}/tcp`, {}]));
  const bindings = Object.fromEntries(
    svc.ports.map((p) => [`${p.containerPort}/tcp`, [{ HostIp: p.hostIp, HostPort: String(p.hostPort) }]]),
  );
  const container = await call(`create container ${svc.containerName}`, () =>
    docker.createContainer({
      name: svc.containerName,
      Image: svc.image,
      Hostname: svc.hostname ?? svc.service,
      Env: Object.entries(svc.environment).map(([k, v]) => `${k}=${v}`),
      Labels: labels,
      ExposedPorts: exposed,
      Cmd: svc.command,
      Entrypoint: svc.entrypoint,
      HostConfig: {
        NetworkMode: spec.network,
        PortBindings: bindings,
        Mounts: svc.volumes.map((v) => ({ Type: 'volume' as const, Source: v.volume, Target: v.target, ReadOnly: v.readOnly })),
        Init: false,
      },
      NetworkingConfig: { EndpointsConfig: { [spec.network]: { Aliases: [svc.service] } } },
    }),
  );
  return container.id;
}

export async function startContainer(docker: Docker, id: string, name: string, ports: number[]): Promise<void> {
  try {
    await docker.getContainer(id).start();
  } catch (err) {
    const text = (err as Error).message;
    if (/address already in use|port is already allocated/i.test(text)) {
      throw new UserError(
        `A host port of ${name} (${ports.join(', ')}) is already in use by another process.`,
        "Stop that process, or run 'kafka-lab up --port-base 19092' to use other ports.",
      );
    }
    throw wrap(`start container ${name}`, err);
  }
}

export async function removeContainer(docker: Docker, id: string, what: string): Promise<void> {
  try {
    await docker.getContainer(id).remove({ force: true, v: true }); // v: anonymous volumes only; named ones stay
  } catch (err) {
    if (statusOf(err) === 404) return;
    throw wrap(`remove container ${what}`, err);
  }
}

export async function removeVolume(docker: Docker, name: string): Promise<void> {
  try {
    await docker.getVolume(name).remove();
  } catch (err) {
    if (statusOf(err) === 404) return;
    throw wrap(`remove volume ${name}`, err);
  }
}

export async function removeNetwork(docker: Docker, id: string, name: string): Promise<void> {
  try {
    await docker.getNetwork(id).remove();
  } catch (err) {
    if (statusOf(err) === 404) return;
    throw wrap(`remove network ${name}`, err);
  }
}

export async function containerLogs(docker: Docker, id: string, tail = 20): Promise<string> {
  try {
    const buf = (await docker.getContainer(id).logs({ stdout: true, stderr: true, tail, follow: false })) as Buffer;
    return demux(buf);
  } catch {
    return '';
  }
}

/** Docker's multiplexed log stream: 8-byte headers before each frame. */
export function demux(buf: Buffer): string {
  const out: Buffer[] = [];
  let i = 0;
  while (i + 8 <= buf.length && (buf[i] === 1 || buf[i] === 2) && buf[i + 1] === 0) {
    const len = buf.readUInt32BE(i + 4);
    out.push(buf.subarray(i + 8, i + 8 + len));
    i += 8 + len;
  }
  return i === 0 ? buf.toString('utf8') : Buffer.concat(out).toString('utf8');
}

export function statusOf(err: unknown): number | undefined {
  return (err as { statusCode?: number }).statusCode;
}

export async function call<T>(what: string, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    throw wrap(what, err);
  }
}

function wrap(what: string, err: unknown): Error {
  if (err instanceof UserError || err instanceof ExternalError) return err;
  return new ExternalError(`Docker could not ${what}: ${firstLine(err)}`, `docker API: ${what}`, statusOf(err));
}

function firstLine(err: unknown): string {
  return ((err as Error).message ?? String(err)).split('\n')[0]!;
}
