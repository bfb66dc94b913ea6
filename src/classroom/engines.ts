// The engines of a classroom: Docker contexts named by --contexts or the classroom file, each connected
// on its own, so that one engine that does not answer is that engine's result, not the end of the run.
import { UsageError, UserError, renderError } from '../core/errors.js';
import type { Runtime } from '../core/runtime.js';
import { LABEL } from '../core/stack.js';
import { connectEngine, type EngineRequest } from '../docker/engine.js';
import { classroomFileOf, readClassroomFile } from './file.js';

/** One engine of a run: its Docker context's name (or where it is, without a classroom), connected. */
export interface ClassEngine {
  name: string;
  /** How to reach it again (a stack context of its own connects anew). */
  request: EngineRequest;
  rt: Runtime;
}

/** What a command was told about the classroom: --contexts, --classroom, and the environment to resolve them in. */
export interface ClassroomRef {
  contexts?: string;
  file?: string;
  env: NodeJS.ProcessEnv;
}

export interface Classroom {
  contexts: string[];
  /** The classroom file's stack names, when it has them. */
  stacks?: string[];
  portBase?: number;
  /** Where the contexts were named, for messages. */
  from: string;
}

/** The reference a command's flags and environment give, read once at the edge; --context means one engine. */
export function classroomRefOf(
  v: { context?: string; contexts?: string; classroom?: string },
  env: NodeJS.ProcessEnv,
  cwd: string,
): ClassroomRef | undefined {
  if (v.context !== undefined && (v.contexts !== undefined || v.classroom !== undefined))
    throw new UsageError(
      `Give --context (one engine) or ${v.contexts !== undefined ? '--contexts' : '--classroom'} (a classroom), not both.`,
    );
  if (v.context !== undefined) return undefined;
  const file = classroomFileOf(v.classroom, cwd);
  if (v.contexts === undefined && file === undefined) return undefined;
  return { contexts: v.contexts, file, env };
}

/** The classroom's engines: --contexts, else the classroom file's; undefined when neither names any. */
export async function classroomOf(ref: ClassroomRef | undefined): Promise<Classroom | undefined> {
  if (!ref) return undefined;
  const file = ref.file === undefined ? undefined : await readClassroomFile(ref.file);
  const names = ref.contexts !== undefined ? splitContexts(ref.contexts) : file?.contexts;
  if (!names) return undefined;
  return {
    contexts: names,
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

/** Every engine that answers, and the reason of each that does not. */
export async function reachEngines(
  contexts: string[],
  env: NodeJS.ProcessEnv,
): Promise<{ engines: ClassEngine[]; unreachable: { engine: string; error: string }[] }> {
  const tried = await Promise.all(
    contexts.map((name) => {
      const request = { context: name, env };
      return connectEngine(request).then(
        (rt) => ({ ok: true as const, e: { name, request, rt } }),
        (err: unknown) => ({ ok: false as const, engine: name, error: renderError(err).replace(/\n/g, ' ') }),
      );
    }),
  );
  return {
    engines: tried.flatMap((t) => (t.ok ? [t.e] : [])),
    unreachable: tried.flatMap((t) => (t.ok ? [] : [{ engine: t.engine, error: t.error }])),
  };
}

/**
 * The run's engines: the classroom's, or the one engine of --context or the environment. `single` says there is no
 * classroom; engines that do not answer come back as such, for the verb to report.
 */
export async function fleetEngines(f: { classroom?: ClassroomRef; engine: EngineRequest }): Promise<{
  single: boolean;
  engines: ClassEngine[];
  unreachable: { engine: string; error: string }[];
  room?: Classroom;
}> {
  const room = await classroomOf(f.classroom);
  if (!room) {
    const rt = await connectEngine(f.engine);
    return { single: true, engines: [{ name: rt.where, request: f.engine, rt }], unreachable: [] };
  }
  return { single: false, ...(await reachEngines(room.contexts, f.classroom!.env)), room };
}

/**
 * The engine a single stack lives on, found by its label on the classroom's engines; a stack on none of
 * them is taken to be on the first (where `up` or `lab` would make it).
 */
export async function locateStack(stack: string, ref: ClassroomRef): Promise<Runtime | undefined> {
  const room = await classroomOf(ref);
  if (!room) return undefined;
  const { engines, unreachable } = await reachEngines(room.contexts, ref.env);
  const holding = (
    await Promise.all(
      engines.map(async (e) =>
        (await e.rt.containers({ label: [`${LABEL.stack}=${stack}`] })).length ? e : undefined,
      ),
    )
  ).filter((e): e is ClassEngine => e !== undefined);
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
