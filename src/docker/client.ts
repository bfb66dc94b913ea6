// The one Docker client: the only module that imports dockerode. It implements core's Runtime over
// the Engine API (exec and logs included, never the `docker` CLI), maps 404 to "absent", and
// rethrows everything else with what was attempted.
import Docker from 'dockerode';
import type { Agent } from 'node:http';
import { DEFAULT_SOCKET, describeEngine, type Engine, type EngineAddress } from '../core/docker-engine.js';
import { ExternalError, Interrupted, UserError } from '../core/errors.js';
import type { ContainerState, ObservedContainer } from '../core/reconcile.js';
import { waitFor } from '../core/wait.js';
import { systemClock } from '../runtime/clock.js';
import type {
  ContainerDetails,
  ContainerSpec,
  EngineEvent,
  EngineInfo,
  ExecOptions,
  ExecResult,
  Filters,
  Resource,
  Runtime,
} from '../core/runtime.js';

export interface DockerOptions {
  /** The engine, resolved once at the edge (docker/engine.ts); undefined: the default socket. */
  engine?: Engine;
  /** For ssh:// engines: an HTTP agent whose connections reach the remote engine (docker/ssh.ts). */
  agent?: Agent;
  /** For ssh:// engines: forwards the remote host's loopback ports here (remote port -> local port). */
  forwardLoopback?: (ports: number[]) => Promise<Map<number, number>>;
}

/** Connects and pings, so that an absent engine is one clear message before any work. */
export async function connectDocker(options: DockerOptions = {}): Promise<Runtime> {
  const engine = options.engine ?? {
    host: `unix://${DEFAULT_SOCKET}`,
    address: { kind: 'unix', path: DEFAULT_SOCKET },
  };
  const docker = new Docker(modemOptions(engine.address, options.agent));
  const where = describeEngine(engine);
  try {
    await docker.ping();
  } catch (err) {
    throw new UserError(
      `Docker is not reachable at ${where} (${firstLine(err)}).`,
      engine.address.kind === 'unix'
        ? "Start Docker Desktop (or 'sudo systemctl start docker', or 'npm test' on a fresh Debian host) and run the command again."
        : `Check that the engine at ${engine.host} runs and answers, or choose another with --context or DOCKER_HOST.`,
    );
  }
  return new DockerClient(docker, where, engine, options.forwardLoopback);
}

function modemOptions(a: EngineAddress, agent: Agent | undefined): Docker.DockerOptions {
  if (a.kind === 'unix') return { socketPath: a.path };
  // ssh: the agent carries every request to the remote engine; host and port only fill in the URL.
  if (a.kind === 'ssh') return { protocol: 'http', host: a.host, port: a.port, agent } as Docker.DockerOptions;
  return { protocol: 'http', host: a.host, port: a.port };
}

// @types/dockerode does not declare getImages (GET /images/get, several images in one tar).
type SavesImages = { getImages(opts: { names: string[]; abortSignal?: AbortSignal }): Promise<NodeJS.ReadableStream> };

class DockerClient implements Runtime {
  constructor(
    private readonly docker: Docker,
    readonly where: string,
    readonly engine: Engine,
    readonly forwardLoopback?: (ports: number[]) => Promise<Map<number, number>>,
  ) {}

  async info(): Promise<EngineInfo> {
    const [v, i] = await Promise.all([
      call('report its version', () => this.docker.version()),
      call('report its info', () => this.docker.info() as Promise<{ SystemTime?: string }>),
    ]);
    return { version: v.Version, apiVersion: v.ApiVersion, os: v.Os, arch: v.Arch, systemTime: String(i.SystemTime) };
  }

  async containers(filters: Filters): Promise<ObservedContainer[]> {
    const list = await call(`list containers ${JSON.stringify(filters)}`, () =>
      this.docker.listContainers({ all: true, filters }),
    );
    return list.map((c) => ({
      id: c.Id,
      name: (c.Names[0] ?? '').replace(/^\//, ''),
      state: c.State as ContainerState,
      labels: c.Labels ?? {},
      createdMs: c.Created * 1000,
    }));
  }

  async inspect(nameOrId: string): Promise<ContainerDetails | undefined> {
    const info = await absentOn404(`inspect container ${nameOrId}`, () => this.docker.getContainer(nameOrId).inspect());
    if (!info) return undefined;
    const finished = Date.parse(info.State.FinishedAt);
    return {
      id: info.Id,
      name: info.Name.replace(/^\//, ''),
      labels: info.Config.Labels ?? {},
      running: info.State.Running,
      paused: info.State.Paused,
      exitCode: info.State.ExitCode,
      finishedAtMs: Number.isFinite(finished) && finished > 0 ? finished : 0,
      networks: Object.keys(info.NetworkSettings.Networks ?? {}),
    };
  }

  async create(spec: ContainerSpec): Promise<string> {
    const ports = spec.ports ?? [];
    const container = await call(`create container ${spec.name}`, () =>
      this.docker.createContainer({
        name: spec.name,
        Image: spec.image,
        Hostname: spec.hostname,
        Env: Object.entries(spec.env ?? {}).map(([k, v]) => `${k}=${v}`),
        Labels: spec.labels,
        ExposedPorts: Object.fromEntries(ports.map((p) => [`${p.containerPort}/tcp`, {}])),
        Cmd: spec.cmd,
        Entrypoint: spec.entrypoint,
        HostConfig: {
          NetworkMode: spec.network,
          PortBindings: Object.fromEntries(
            ports.map((p) => [`${p.containerPort}/tcp`, [{ HostIp: p.hostIp, HostPort: String(p.hostPort) }]]),
          ),
          Mounts: (spec.mounts ?? []).map((v) => ({
            Type: 'volume' as const,
            Source: v.volume,
            Target: v.target,
            ReadOnly: v.readOnly,
          })),
          Init: false,
        },
        NetworkingConfig: spec.aliases ? { EndpointsConfig: { [spec.network]: { Aliases: spec.aliases } } } : undefined,
      }),
    );
    return container.id;
  }

  async start(nameOrId: string, ports: number[] = []): Promise<void> {
    try {
      await this.docker.getContainer(nameOrId).start();
    } catch (err) {
      if (statusOf(err) === 304) return; // already running: done, as the docker CLI says
      if (/address already in use|port is already allocated/i.test(firstLine(err))) {
        throw new UserError(
          `A host port of ${nameOrId}${ports.length ? ` (${ports.join(', ')})` : ''} is already in use by another process.`,
          "Stop that process, or run 'kafka-lab up --port-base 19092' to use other ports.",
        );
      }
      throw wrap(`start container ${nameOrId}`, err);
    }
  }

  async stop(nameOrId: string, seconds: number): Promise<void> {
    try {
      await this.docker.getContainer(nameOrId).stop({ t: seconds });
    } catch (err) {
      if (statusOf(err) !== 304) throw wrap(`stop ${nameOrId}`, err); // 304: already stopped
    }
  }

  async kill(nameOrId: string): Promise<void> {
    await call(`kill ${nameOrId}`, () => this.docker.getContainer(nameOrId).kill());
  }

  async pause(nameOrId: string): Promise<void> {
    await call(`pause ${nameOrId}`, () => this.docker.getContainer(nameOrId).pause());
  }

  async unpause(nameOrId: string): Promise<void> {
    await call(`unpause ${nameOrId}`, () => this.docker.getContainer(nameOrId).unpause());
  }

  async restart(nameOrId: string, seconds: number): Promise<void> {
    await call(`restart ${nameOrId}`, () => this.docker.getContainer(nameOrId).restart({ t: seconds }));
  }

  async remove(nameOrId: string): Promise<void> {
    await absentOn404(`remove container ${nameOrId}`, () =>
      this.docker.getContainer(nameOrId).remove({ force: true, v: true }),
    );
  }

  async connect(network: string, container: string, aliases: string[]): Promise<void> {
    await call(`connect ${container} to ${network}`, () =>
      this.docker.getNetwork(network).connect({ Container: container, EndpointConfig: { Aliases: aliases } }),
    );
  }

  async disconnect(network: string, container: string): Promise<void> {
    await call(`disconnect ${container} from ${network}`, () =>
      this.docker.getNetwork(network).disconnect({ Container: container, Force: true }),
    );
  }

  async exec(container: string, argv: string[], o: ExecOptions = {}): Promise<ExecResult> {
    const what = `run ${argv[0]} in ${container}`;
    const withStdin = o.stdin !== undefined;
    const exec = await call(what, () =>
      this.docker
        .getContainer(container)
        .exec({ Cmd: argv, AttachStdin: withStdin, AttachStdout: true, AttachStderr: true, Tty: false }),
    );
    const stream = (await call(what, () =>
      exec.start({ hijack: true, stdin: withStdin }),
    )) as NodeJS.ReadWriteStream & { destroy(): void };
    const chunks: Buffer[] = [];
    const ended = new Promise<void>((resolve, reject) => {
      let timer: NodeJS.Timeout | undefined;
      const done = (err?: Error) => {
        clearTimeout(timer);
        o.signal?.removeEventListener('abort', onAbort);
        if (err) {
          stream.destroy();
          reject(err);
        } else resolve();
      };
      const onAbort = () => done(new Interrupted());
      if (o.timeoutMs) {
        timer = setTimeout(
          () =>
            done(
              new ExternalError(
                `${argv.join(' ')} in ${container} did not finish within ${o.timeoutMs} ms.`,
                `docker API: exec ${argv.join(' ')}`,
              ),
            ),
          o.timeoutMs,
        );
      }
      if (o.signal?.aborted) return onAbort();
      o.signal?.addEventListener('abort', onAbort, { once: true });
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => done());
      stream.on('close', () => done()); // a connection cut short ends the output too
      // A command that exits before reading all its input closes the pipe: its exit code says how it went.
      stream.on('error', (err: NodeJS.ErrnoException) =>
        err.code === 'EPIPE' || err.code === 'ECONNRESET' ? done() : done(wrap(what, err)),
      );
    });
    // Closing our half of the connection is what ends the command's stdin.
    if (o.stdin !== undefined) stream.end(o.stdin);
    await ended;
    const out = frames(Buffer.concat(chunks));
    const text = (type?: number) =>
      Buffer.concat(out.filter((f) => type === undefined || f.type === type).map((f) => f.data)).toString('utf8');
    return { exitCode: await exitCodeOf(exec, what), stdout: text(1), stderr: text(2), all: text() };
  }

  async logs(nameOrId: string, tail: number): Promise<string> {
    const buf = await absentOn404(`read the logs of ${nameOrId}`, () =>
      this.docker.getContainer(nameOrId).logs({ stdout: true, stderr: true, tail, follow: false }),
    );
    return buf ? demux(buf as Buffer) : '';
  }

  async memory(nameOrId: string): Promise<number | undefined> {
    const s = (await absentOn404(`read the stats of ${nameOrId}`, () =>
      this.docker.getContainer(nameOrId).stats({ stream: false, 'one-shot': true } as { stream: false }),
    )) as unknown as { memory_stats?: { usage?: number; stats?: Record<string, number> } } | undefined;
    const m = s?.memory_stats;
    if (!m?.usage) return undefined;
    return m.usage - (m.stats?.inactive_file ?? m.stats?.total_inactive_file ?? m.stats?.cache ?? 0);
  }

  async events(filters: Filters, onEvent: (e: EngineEvent) => void, signal: AbortSignal): Promise<void> {
    if (signal.aborted) return;
    const stream = (await call('follow engine events', () =>
      this.docker.getEvents({ filters }),
    )) as NodeJS.ReadableStream & { destroy(): void };
    await new Promise<void>((resolve, reject) => {
      let rest = '';
      // Aborting ends the stream on purpose; any other end is the engine's, and an error.
      const finish = (err?: Error) => {
        signal.removeEventListener('abort', end);
        if (signal.aborted || !err) resolve();
        else reject(err);
      };
      const end = () => {
        stream.destroy();
        finish();
      };
      signal.addEventListener('abort', end);
      stream.on('data', (chunk: Buffer) => {
        const lines = (rest + chunk.toString('utf8')).split('\n');
        rest = lines.pop() ?? '';
        for (const line of lines) {
          if (!line.trim()) continue;
          try {
            const e = JSON.parse(line) as {
              Type?: string;
              Action?: string;
              Actor?: { Attributes?: Record<string, string> };
            };
            onEvent({ type: e.Type ?? '', action: e.Action ?? '', name: e.Actor?.Attributes?.name });
          } catch {
            // a line that is not an event is no event
          }
        }
      });
      stream.on('error', (err: Error) =>
        finish(new ExternalError('The engine stopped sending events.', 'docker events', undefined, firstLine(err))),
      );
      stream.on('end', () => finish(new ExternalError('The engine closed its event stream.', 'docker events')));
    });
  }

  async networks(filters: Filters): Promise<Resource[]> {
    const list = await call('list networks', () => this.docker.listNetworks({ filters }));
    return list.map((n) => ({ id: n.Id, name: n.Name, labels: n.Labels ?? {} }));
  }

  async createNetwork(name: string, labels: Record<string, string>): Promise<string> {
    const net = await call(`create network ${name}`, () =>
      this.docker.createNetwork({ Name: name, Driver: 'bridge', CheckDuplicate: true, Labels: labels }),
    );
    return net.id;
  }

  async removeNetwork(nameOrId: string): Promise<void> {
    await absentOn404(`remove network ${nameOrId}`, () => this.docker.getNetwork(nameOrId).remove());
  }

  async volume(name: string): Promise<Resource | undefined> {
    const v = await absentOn404(`inspect volume ${name}`, () => this.docker.getVolume(name).inspect());
    return v && { id: v.Name, name: v.Name, labels: v.Labels ?? {} };
  }

  async volumes(filters: Filters): Promise<Resource[]> {
    const list = await call('list volumes', () => this.docker.listVolumes({ filters }));
    return (list.Volumes ?? []).map((v) => ({ id: v.Name, name: v.Name, labels: v.Labels ?? {} }));
  }

  async createVolume(name: string, labels: Record<string, string>): Promise<void> {
    await call(`create volume ${name}`, () => this.docker.createVolume({ Name: name, Labels: labels }));
  }

  async removeVolume(name: string): Promise<void> {
    await absentOn404(`remove volume ${name}`, () => this.docker.getVolume(name).remove());
  }

  async imageExists(image: string): Promise<boolean> {
    return (await absentOn404(`inspect image ${image}`, () => this.docker.getImage(image).inspect())) !== undefined;
  }

  /** Pulls an image; when no registry answers, says how to go offline. */
  async pull(image: string, onProgress: (line: string) => void): Promise<void> {
    try {
      const stream = await this.docker.pull(image);
      await new Promise<void>((resolve, reject) => {
        this.docker.modem.followProgress(
          stream,
          (err) => (err ? reject(err) : resolve()),
          (e: { status?: string; id?: string }) =>
            e.status && onProgress(`${image}: ${e.id ? `${e.id} ` : ''}${e.status}`),
        );
      });
    } catch (err) {
      throw new UserError(
        `Image ${image} is not on this host and could not be pulled (${firstLine(err)}).`,
        "On a host without internet, build kafka-lab's own images and use them: 'kafka-lab images build' then 'kafka-lab up --images local'.",
      );
    }
  }

  async removeImage(image: string): Promise<void> {
    await absentOn404(`remove image ${image}`, () => this.docker.getImage(image).remove());
  }

  saveImages(images: string[], signal?: AbortSignal): Promise<NodeJS.ReadableStream> {
    return call(`save ${images.join(' ')}`, () =>
      (this.docker as unknown as SavesImages).getImages({ names: images, abortSignal: signal }),
    );
  }

  async loadImages(tar: NodeJS.ReadableStream, signal?: AbortSignal): Promise<{ images: string[]; refused?: string }> {
    const images: string[] = [];
    let refused: string | undefined;
    try {
      const response = await this.docker.loadImage(tar, { quiet: true, abortSignal: signal } as object);
      await new Promise<void>((resolve, reject) => {
        this.docker.modem.followProgress(
          response,
          (err) => (err ? reject(err) : resolve()),
          (e: { stream?: string; error?: string; errorDetail?: { message?: string } }) => {
            if (e.error) refused = e.errorDetail?.message ?? e.error;
            const loaded = /^Loaded image(?: ID)?: (\S+)/.exec(e.stream?.trim() ?? '');
            if (loaded) images.push(loaded[1]!);
          },
        );
      });
    } catch (err) {
      if (signal?.aborted) throw new Interrupted();
      refused ??= firstLine(err);
    }
    return { images, refused };
  }
}

/** An exec's exit code; the stream can end a moment before the engine records it. */
async function exitCodeOf(exec: Docker.Exec, what: string): Promise<number> {
  return waitFor(
    async () => {
      const info = await call(what, () => exec.inspect());
      return !info.Running && info.ExitCode !== null
        ? { done: true, value: info.ExitCode }
        : { done: false, seen: 'still running' };
    },
    { what: `Docker to report how '${what}' ended`, timeoutMs: 5000, intervalMs: 20, clock: systemClock },
  );
}

interface Frame {
  /** 1 stdout, 2 stderr */
  type: number;
  data: Buffer;
}

/** Docker's multiplexed stream: an 8-byte header (type, 0, 0, 0, length) before each frame. */
function frames(buf: Buffer): Frame[] {
  const out: Frame[] = [];
  let i = 0;
  while (i + 8 <= buf.length && (buf[i] === 1 || buf[i] === 2) && buf[i + 1] === 0) {
    const len = buf.readUInt32BE(i + 4);
    out.push({ type: buf[i]!, data: buf.subarray(i + 8, i + 8 + len) });
    i += 8 + len;
  }
  return i === 0 && buf.length > 0 ? [{ type: 1, data: buf }] : out;
}

/** The multiplexed log stream as one text. */
export function demux(buf: Buffer): string {
  return Buffer.concat(frames(buf).map((f) => f.data)).toString('utf8');
}

function statusOf(err: unknown): number | undefined {
  return (err as { statusCode?: number }).statusCode;
}

async function absentOn404<T>(what: string, fn: () => Promise<T>): Promise<T | undefined> {
  try {
    return await fn();
  } catch (err) {
    if (statusOf(err) === 404) return undefined;
    throw wrap(what, err);
  }
}

async function call<T>(what: string, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    throw wrap(what, err);
  }
}

function wrap(what: string, err: unknown): Error {
  if (err instanceof UserError || err instanceof ExternalError || err instanceof Interrupted) return err;
  return new ExternalError(`Docker could not ${what}: ${firstLine(err)}`, `docker API: ${what}`, statusOf(err));
}

function firstLine(err: unknown): string {
  return ((err as Error).message ?? String(err)).split('\n')[0]!;
}
