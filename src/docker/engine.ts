// The engine a command talks to, resolved once at the edge: --context, DOCKER_HOST, DOCKER_CONTEXT, the
// Docker CLI's current context, the default socket (core/docker-engine.ts says the order). Contexts are read
// from the Docker CLI's own files: $DOCKER_CONFIG/config.json (currentContext) and
// $DOCKER_CONFIG/contexts/meta/<sha256 of the name>/meta.json (Endpoints.docker.Host).
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { homedir, userInfo } from 'node:os';
import { join } from 'node:path';
import { UserError } from '../core/errors.js';
import { chooseEngine, DEFAULT_CONTEXT, DEFAULT_SOCKET, parseEngineHost, type Engine } from '../core/docker-engine.js';
import type { Runtime } from '../core/runtime.js';
import { connectDocker } from './client.js';

/** What the CLI read: --context, and the environment (DOCKER_HOST, DOCKER_CONTEXT, DOCKER_CONFIG, HOME, SSH_AUTH_SOCK). */
export interface EngineRequest {
  context?: string;
  env: NodeJS.ProcessEnv;
}

export async function resolveEngine(req: EngineRequest): Promise<Engine> {
  const env = req.env;
  const choice = chooseEngine({ context: req.context, dockerHost: env.DOCKER_HOST, dockerContext: env.DOCKER_CONTEXT });
  if ('host' in choice) return { host: choice.host, address: parseEngineHost(choice.host) };
  const config = dockerConfigDir(env);
  const name =
    'context' in choice ? choice.context : ((await readJson(join(config, 'config.json')))?.currentContext as string);
  if (!name || name === DEFAULT_CONTEXT) {
    const host = `unix://${DEFAULT_SOCKET}`;
    return { host, address: parseEngineHost(host), context: name || undefined };
  }
  const id = createHash('sha256').update(name).digest('hex');
  const metaFile = join(config, 'contexts', 'meta', id, 'meta.json');
  const meta = (await readJson(metaFile)) as { Endpoints?: { docker?: { Host?: string } } } | undefined;
  const from =
    'context' in choice && req.context
      ? `--context ${name}`
      : env.DOCKER_CONTEXT
        ? `DOCKER_CONTEXT=${name}`
        : `the current context '${name}' (${join(config, 'config.json')})`;
  if (!meta)
    throw new UserError(
      `Docker context '${name}' does not exist (${from}; looked in ${join(config, 'contexts', 'meta')}).`,
      `See them with 'docker context ls', or create it: docker context create ${name} --docker host=ssh://USER@HOST`,
    );
  const host = meta.Endpoints?.docker?.Host;
  if (!host)
    throw new UserError(
      `Docker context '${name}' has no Docker endpoint (${metaFile}).`,
      `Give it one: docker context update ${name} --docker host=ssh://USER@HOST`,
    );
  return { host, address: parseEngineHost(host, `Docker context '${name}'`), context: name };
}

/** Resolves the engine and connects to it (and pings it): one clear message when it does not answer. */
export async function connectEngine(req: EngineRequest | Engine): Promise<Runtime> {
  const engine = 'address' in req ? req : await resolveEngine(req);
  const env = 'address' in req ? process.env : req.env;
  if (engine.address.kind !== 'ssh') return connectDocker({ engine });
  // Loaded only for SSH engines.
  const { sshSession } = await import('./ssh.js');
  const a = engine.address;
  const session = await sshSession(
    { user: a.user ?? userInfo().username, host: a.host, port: a.port },
    { home: env.HOME ?? homedir(), agent: env.SSH_AUTH_SOCK || undefined, keyFile: env.KAFKA_LAB_SSH_KEY || undefined },
  );
  return connectDocker({
    engine,
    agent: session.dockerAgent(),
    forwardLoopback: (ports) => session.forwardLoopback(ports),
  });
}

export function dockerConfigDir(env: NodeJS.ProcessEnv): string {
  return env.DOCKER_CONFIG || join(env.HOME ?? homedir(), '.docker');
}

async function readJson(file: string): Promise<Record<string, unknown> | undefined> {
  const text = await readFile(file, 'utf8').catch(() => undefined);
  if (text === undefined) return undefined;
  try {
    return JSON.parse(text) as Record<string, unknown>;
  } catch {
    throw new UserError(`${file} is not valid JSON.`, 'Fix or remove it (the Docker CLI writes it).');
  }
}
