// The container engine as kafka-lab uses it: a port, implemented once over the Docker Engine API
// (src/docker/client.ts). Absent things are `undefined` or `false`; every other failure is thrown
// with what was attempted.
import type { Engine } from './docker-engine.js';
import type { ObservedContainer } from './reconcile.js';

/** Docker's list filters, e.g. { label: ['kafka-lab.stack=team-01'] }. */
export type Filters = Record<string, string[]>;

export interface EngineEvent {
  /** 'container', 'network', ... */
  type: string;
  /** 'start', 'die', 'pause', 'exec_start: sh', 'disconnect', ... */
  action: string;
  /** the container's name, for a container event */
  name?: string;
}

export interface ContainerDetails {
  id: string;
  name: string;
  labels: Record<string, string>;
  running: boolean;
  paused: boolean;
  exitCode: number;
  /** When it last stopped (ms since the epoch), or 0 if it never did. */
  finishedAtMs: number;
  /** Names of the networks it is attached to. */
  networks: string[];
}

export interface ContainerSpec {
  name: string;
  image: string;
  hostname?: string;
  env?: Record<string, string>;
  labels: Record<string, string>;
  ports?: { containerPort: number; hostIp: string; hostPort: number }[];
  cmd?: string[];
  entrypoint?: string[];
  network: string;
  aliases?: string[];
  mounts?: { volume: string; target: string; readOnly: boolean }[];
}

export interface Resource {
  id: string;
  name: string;
  labels: Record<string, string>;
}

export interface ExecOptions {
  /** Written to the command's standard input, which is then closed; without it there is no stdin. */
  stdin?: string;
  timeoutMs?: number;
  signal?: AbortSignal;
}

export interface ExecResult {
  exitCode: number;
  stdout: string;
  stderr: string;
  /** stdout and stderr interleaved as they came */
  all: string;
}

export interface EngineInfo {
  version: string;
  apiVersion: string;
  os: string;
  arch: string;
  /** the engine's clock, as it reported it */
  systemTime: string;
}

export interface Runtime {
  /** Where the engine is, for messages. */
  readonly where: string;
  /** The engine and the context it came from. */
  readonly engine?: Engine;
  /**
   * On an engine on another host (ssh://): a local port for each of that host's loopback ports, forwarded
   * to it (remote port -> local port). Absent when the engine's loopback ports are this host's.
   */
  forwardLoopback?(ports: number[]): Promise<Map<number, number>>;
  info(): Promise<EngineInfo>;

  containers(filters: Filters): Promise<ObservedContainer[]>;
  inspect(nameOrId: string): Promise<ContainerDetails | undefined>;
  create(spec: ContainerSpec): Promise<string>;
  /** `ports` names the host ports, so that a clash says which. */
  start(nameOrId: string, ports?: number[]): Promise<void>;
  stop(nameOrId: string, seconds: number): Promise<void>;
  kill(nameOrId: string): Promise<void>;
  pause(nameOrId: string): Promise<void>;
  unpause(nameOrId: string): Promise<void>;
  restart(nameOrId: string, seconds: number): Promise<void>;
  /** Removes it and its anonymous volumes; named volumes stay. */
  remove(nameOrId: string): Promise<void>;
  connect(network: string, container: string, aliases: string[]): Promise<void>;
  disconnect(network: string, container: string): Promise<void>;
  exec(container: string, argv: string[], o?: ExecOptions): Promise<ExecResult>;
  /** The last `tail` lines of its output; '' when it is gone. */
  logs(nameOrId: string, tail: number): Promise<string>;
  /** Resident memory in bytes (cgroup usage minus page cache); undefined when it is not running. */
  memory(nameOrId: string): Promise<number | undefined>;

  /**
   * Calls onEvent with each engine event on matching objects (container start, die, pause, exec_start,
   * network disconnect...) until the signal aborts; resolves then, rejects if the stream fails.
   */
  events(filters: Filters, onEvent: (e: EngineEvent) => void, signal: AbortSignal): Promise<void>;

  networks(filters: Filters): Promise<Resource[]>;
  createNetwork(name: string, labels: Record<string, string>): Promise<string>;
  removeNetwork(nameOrId: string): Promise<void>;
  volume(name: string): Promise<Resource | undefined>;
  volumes(filters: Filters): Promise<Resource[]>;
  createVolume(name: string, labels: Record<string, string>): Promise<void>;
  removeVolume(name: string): Promise<void>;

  imageExists(image: string): Promise<boolean>;
  pull(image: string, onProgress: (line: string) => void): Promise<void>;
  removeImage(image: string): Promise<void>;
  /** A `docker save` tar of these images. */
  saveImages(images: string[], signal?: AbortSignal): Promise<NodeJS.ReadableStream>;
  /** Loads a `docker save` tar; returns what the engine reported loaded, or throws what it refused. */
  loadImages(tar: NodeJS.ReadableStream, signal?: AbortSignal): Promise<{ images: string[]; refused?: string }>;
}
