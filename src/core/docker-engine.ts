// Which Docker engine a command talks to, chosen the Docker CLI's way (docker/cli cli/command/cli.go
// resolveContextName): --context, else DOCKER_HOST, else DOCKER_CONTEXT, else the config's current context,
// else the default socket. Reading the config and the context files is the adapter's (docker/engine.ts).
import { UsageError } from './errors.js';

export const DEFAULT_SOCKET = '/var/run/docker.sock';
/** The Docker CLI's name for "no context": DOCKER_HOST, else the default socket. */
export const DEFAULT_CONTEXT = 'default';

export type EngineAddress =
  | { kind: 'unix'; path: string }
  | { kind: 'tcp'; host: string; port: number }
  | { kind: 'ssh'; user: string | undefined; host: string; port: number };

export interface Engine {
  address: EngineAddress;
  /** The address as written (DOCKER_HOST or the context's Endpoints.docker.Host). */
  host: string;
  /** The Docker context it came from, if any. */
  context?: string;
}

/** What was given, before any file is read. */
export interface EngineSources {
  /** --context */
  context?: string;
  dockerHost?: string;
  dockerContext?: string;
}

/** A context to look up, or a host (undefined: the current context, else the default socket). */
export type EngineChoice = { context: string } | { host: string } | { current: true };

export function chooseEngine(s: EngineSources): EngineChoice {
  if (s.context) return { context: s.context };
  if (s.dockerHost) return { host: s.dockerHost };
  if (s.dockerContext) return { context: s.dockerContext };
  return { current: true };
}

/** unix:///path, tcp://host:port, ssh://[user@]host[:port]; a bare host:port is tcp, as docker reads it. */
export function parseEngineHost(text: string, where = 'DOCKER_HOST'): EngineAddress {
  const bad = (why: string) =>
    new UsageError(
      `${where} '${text}' is not a Docker address: ${why}.`,
      'Use unix:///var/run/docker.sock, tcp://HOST:2375 or ssh://USER@HOST[:PORT].',
    );
  if (text.startsWith('unix://')) {
    const path = text.slice('unix://'.length);
    return { kind: 'unix', path: path || DEFAULT_SOCKET };
  }
  const withScheme = text.includes('://') ? text : `tcp://${text}`;
  let url: URL;
  try {
    url = new URL(withScheme);
  } catch {
    throw bad('it cannot be read as an address');
  }
  if (!url.hostname) throw bad('it names no host');
  const port = url.port ? Number(url.port) : undefined;
  if (url.protocol === 'tcp:' || url.protocol === 'http:')
    return { kind: 'tcp', host: url.hostname, port: port ?? 2375 };
  if (url.protocol === 'ssh:') {
    return {
      kind: 'ssh',
      user: url.username ? decodeURIComponent(url.username) : undefined,
      host: url.hostname,
      port: port ?? 22,
    };
  }
  throw bad(`kafka-lab speaks unix://, tcp:// and ssh://, not ${url.protocol}//`);
}

/** For messages: "context 'lab-b' (ssh://root@10.0.0.5)" or "unix:///var/run/docker.sock". */
export function describeEngine(e: Engine): string {
  return e.context && e.context !== DEFAULT_CONTEXT ? `context '${e.context}' (${e.host})` : e.host;
}

/** True when the stack's loopback ports are on another host: Kafka then goes through SSH forwarding. */
export function engineIsRemote(e: Engine): boolean {
  return e.address.kind === 'ssh';
}
