// The engines of a classroom: Docker contexts named by --contexts or the classroom file, each connected
// on its own, so that one engine that does not answer is that engine's result, not the end of the run.
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { UsageError, UserError, renderError } from '../core/errors.js';
import type { Runtime } from '../core/runtime.js';
import { LABEL } from '../core/stack.js';
import { connectDocker } from '../docker/client.js';
import { classroomFileOf, readClassroomFile } from './file.js';

/** An engine by name: a Docker context, and the DOCKER_HOST-style address it stands for. */
export interface EngineRef {
  name: string;
  host?: string;
}

export interface Engine extends EngineRef {
  rt: Runtime;
}

/** What a command was told about the classroom: --contexts, --classroom, and where Docker keeps contexts. */
export interface ClassroomRef {
  contexts?: string;
  file?: string;
  dockerConfig?: string;
}

export interface Classroom {
  engines: EngineRef[];
  /** The classroom file's stack names, when it has them. */
  stacks?: string[];
  portBase?: number;
  /** Where the contexts were named, for messages. */
  from: string;
}

/** The reference a command's flags and environment give, read once at the edge. */
export function classroomRefOf(
  v: { contexts?: string; classroom?: string },
  env: NodeJS.ProcessEnv,
  cwd: string,
): ClassroomRef | undefined {
  const file = classroomFileOf(v.classroom, cwd);
  if (v.contexts === undefined && file === undefined) return undefined;
  return { contexts: v.contexts, file, dockerConfig: env.DOCKER_CONFIG || join(homedir(), '.docker') };
}

/** The classroom's engines: --contexts, else the classroom file's; undefined when neither names any. */
export async function classroomOf(ref: ClassroomRef | undefined): Promise<Classroom | undefined> {
  if (!ref) return undefined;
  const file = ref.file === undefined ? undefined : await readClassroomFile(ref.file);
  const names = ref.contexts !== undefined ? splitContexts(ref.contexts) : file?.contexts;
  if (!names) return undefined;
  return {
    engines: await Promise.all(names.map((n) => contextEngine(n, ref.dockerConfig))),
    stacks: file?.stacks,
    portBase: file?.portBase,
    from: ref.contexts !== undefined ? '--contexts' : ref.file!,
  };
}

function splitContexts(text: string): string[] {
  const names = text
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  if (names.length === 0)
    throw new UsageError(`--contexts '${text}' names no context.`, 'For example: --contexts a,b.');
  const twice = names.find((n, i) => names.indexOf(n) !== i);
  if (twice) throw new UsageError(`Context '${twice}' is named twice in --contexts.`);
  return names;
}

/** A Docker context's engine address, from the Docker CLI's context store (`docker context create`). */
async function contextEngine(name: string, dockerConfig: string | undefined): Promise<EngineRef> {
  if (name === 'default') return { name };
  const dir = join(
    dockerConfig ?? join(homedir(), '.docker'),
    'contexts',
    'meta',
    createHash('sha256').update(name).digest('hex'),
  );
  const text = await readFile(join(dir, 'meta.json'), 'utf8').catch(() => undefined);
  const host = text === undefined ? undefined : (JSON.parse(text) as ContextMeta).Endpoints?.docker?.Host;
  if (!host)
    throw new UserError(
      `There is no Docker context named '${name}'.`,
      `Make it with 'docker context create ${name} --docker host=ssh://user@host', or see 'docker context ls'.`,
    );
  return { name, host };
}

interface ContextMeta {
  Endpoints?: { docker?: { Host?: string } };
}

export async function connectEngine(ref: EngineRef): Promise<Engine> {
  return { ...ref, rt: await connectDocker({ host: ref.host }) };
}

/** Every engine that answers, and the reason of each that does not. */
export async function reachEngines(
  refs: EngineRef[],
): Promise<{ engines: Engine[]; unreachable: { engine: string; error: string }[] }> {
  const tried = await Promise.all(
    refs.map((r) =>
      connectEngine(r).then(
        (e) => ({ ok: true as const, e }),
        (err: unknown) => ({ ok: false as const, engine: r.name, error: renderError(err).replace(/\n/g, ' ') }),
      ),
    ),
  );
  return {
    engines: tried.flatMap((t) => (t.ok ? [t.e] : [])),
    unreachable: tried.flatMap((t) => (t.ok ? [] : [{ engine: t.engine, error: t.error }])),
  };
}

/** One engine's name for the run without a classroom. */
export const ONE_ENGINE = 'default';

/**
 * The run's engines: the classroom's, or the one engine of DOCKER_HOST. `single` says there is no
 * classroom; engines that do not answer come back as such, for the verb to report.
 */
export async function fleetEngines(f: { classroom?: ClassroomRef; env: NodeJS.ProcessEnv }) {
  const room = await classroomOf(f.classroom);
  if (!room) {
    const rt = await connectDocker({ host: f.env.DOCKER_HOST });
    return {
      single: true,
      engines: [{ name: ONE_ENGINE, host: f.env.DOCKER_HOST, rt }] as Engine[],
      unreachable: [],
      room,
    };
  }
  return { single: false, ...(await reachEngines(room.engines)), room };
}

/**
 * The engine a single stack lives on, found by its label on the classroom's engines; a stack on none of
 * them is taken to be on the first (where `up` or `lab` would make it).
 */
export async function locateStack(stack: string, ref: ClassroomRef): Promise<Runtime | undefined> {
  const room = await classroomOf(ref);
  if (!room) return undefined;
  const { engines, unreachable } = await reachEngines(room.engines);
  const holding = (
    await Promise.all(
      engines.map(async (e) =>
        (await e.rt.containers({ label: [`${LABEL.stack}=${stack}`] })).length ? e : undefined,
      ),
    )
  ).filter((e): e is Engine => e !== undefined);
  if (holding.length > 1)
    throw new UserError(
      `Stack ${stack} exists on more than one engine (${holding.map((e) => e.name).join(', ')}).`,
      `Remove one with 'kafka-lab down --stack ${stack} --context ENGINE --volumes'.`,
    );
  if (holding.length === 1) return holding[0]!.rt;
  if (unreachable.length)
    throw new UserError(
      `Stack ${stack} is on none of the engines that answered; ${unreachable.map((u) => u.engine).join(', ')} did not (${unreachable[0]!.error}).`,
      'Start that engine, or give --context NAME.',
    );
  if (engines.length === 0) throw new UserError(`No engine of ${room.from} answered.`);
  return engines[0]!.rt;
}
