// Many stacks at once: up for a list of names, down and reset for every stack, on one engine or over a
// classroom's engines. Each stack is its own reconcile (see runtime/up.ts); a failure in one, or an engine
// that does not answer, is reported, not fatal to the rest.
import { readUserFile } from '../stack/yaml-source.js';
import type { Runtime } from '../core/runtime.js';
import { expandStackNames, mapLimit, parseNamesFile, parseParallel } from '../core/classroom.js';
import { EXIT, exitCodeOf, Interrupted, renderError, UsageError, UserError } from '../core/errors.js';
import { silent, type Sink } from '../core/events.js';
import { stackMemoryMiB } from '../core/memory.js';
import { firstPortBase, nextPortBase, placeStacks, refusal, type EngineRoom } from '../core/placement.js';
import { DEFAULT_PORT_BASE } from '../core/stack.js';
import { clearStackState } from '../faults/log.js';
import { systemClock } from '../runtime/clock.js';
import { down } from '../runtime/down.js';
import { availableMemory, engineMemory } from '../runtime/host.js';
import { takenPorts } from '../runtime/ports.js';
import { acquireLock, lockPath, withStackLock } from '../runtime/lock.js';
import { claimPorts } from '../runtime/port-claims.js';
import { listStacks, type StackSummary } from '../runtime/stacks.js';
import { ensureImages, up } from '../runtime/up.js';
import { loadStack } from '../stack/compose.js';
import type { Invocation, manyOptions, Values } from '../cli/command.js';
import { composeFileOf, imageProvider, stackContext, type StackContext, type StackOptions } from '../context/stack.js';
import { stateDirOf } from '../context/lab.js';
import { classroomRefOf, fleetEngines, type ClassEngine, type ClassroomRef } from './engines.js';
import type { EngineRequest } from '../docker/engine.js';

export interface StackOutcome {
  /** The stack's name; '*' for every stack of an engine that did not answer. */
  stack: string;
  /** The Docker context it is on ('default' for the one engine of a run without a classroom). */
  engine: string;
  ok: boolean;
  bootstrap?: string;
  elapsedMs: number;
  error?: string;
  exitCode?: number;
}

export type ManyValues = Values<typeof manyOptions>;

/** A many-stack run, as the command read it from its flags once: --json, --parallel, and where it writes. */
export interface Fleet {
  json: boolean;
  /** --parallel as given: each verb reads it with its own default once it has stacks to act on. */
  parallel?: string;
  env: NodeJS.ProcessEnv;
  out: NodeJS.WriteStream;
  err: NodeJS.WriteStream;
  signal: AbortSignal;
  /** The engine without a classroom: --context and the environment. */
  engine: EngineRequest;
  /** The classroom's engines (--contexts, --classroom or ./kafka-lab-classroom.yaml); unset: one engine. */
  classroom?: ClassroomRef;
}

export function fleetOf(
  inv: Pick<
    Invocation<ManyValues & { json?: boolean; context?: string; contexts?: string; classroom?: string }>,
    'values' | 'env' | 'out' | 'err' | 'signal'
  >,
): Fleet {
  return {
    json: inv.values.json === true,
    parallel: inv.values.parallel,
    env: inv.env,
    out: inv.out,
    err: inv.err,
    signal: inv.signal,
    engine: { context: inv.values.context, env: inv.env },
    classroom: classroomRefOf(inv.values, inv.env, process.cwd()),
  };
}

/** Stacks as they are on each engine, found by their labels. */
async function stacksOn(engines: ClassEngine[]): Promise<{ engine: ClassEngine; stacks: StackSummary[] }[]> {
  return Promise.all(engines.map(async (engine) => ({ engine, stacks: await listStacks(engine.rt) })));
}

/** The stack options of one engine: the classroom is settled, so nothing is looked up again. */
function on(engine: ClassEngine, opts: StackOptions): StackOptions {
  return { ...opts, engine: engine.request, classroom: undefined };
}

/** The names from --stacks or --stacks-file, or undefined when neither was given. */
export async function stackNamesOf(v: ManyValues): Promise<string[] | undefined> {
  const list = v.stacks;
  const file = v['stacks-file'];
  if (list !== undefined && file !== undefined) throw new UsageError('Give --stacks or --stacks-file, not both.');
  if (list !== undefined) return expandStackNames(list);
  if (file === undefined) return undefined;
  return parseNamesFile(file, await readUserFile(file, 'The names file', 'Give a file with one stack name per line.'));
}

/** down and reset: `{ names }` for --stacks or --stacks-file, `{}` for --all, undefined for the one-stack form. */
export async function manyTargetsOf(
  v: ManyValues & { all?: boolean; stack?: string },
): Promise<{ names?: string[] } | undefined> {
  const names = await stackNamesOf(v);
  if (!v.all && !names) return undefined;
  if (v.all && names) throw new UsageError('Give --all or --stacks, not both.');
  if (v.stack !== undefined) throw new UsageError(`Give --stack or ${v.all ? '--all' : '--stacks'}, not both.`);
  return { names };
}

/** Lines as each stack finishes, and a summary every 10 s, so a room-sized run never looks stuck. */
function progress(f: Fleet, verb: string, total: number) {
  const started = Date.now();
  let done = 0;
  const stream = f.json ? f.err : f.out;
  const timer = setInterval(
    () => stream.write(`  … ${done}/${total} ${verb}, ${((Date.now() - started) / 1000).toFixed(0)} s so far\n`),
    10_000,
  );
  timer.unref();
  return {
    finished(o: StackOutcome) {
      done++;
      const n = `[${String(done).padStart(String(total).length)}/${total}]`;
      stream.write(
        o.ok
          ? `${n} ${o.stack.padEnd(14)} ${at(f, o)}${verb} in ${(o.elapsedMs / 1000).toFixed(1)} s${o.bootstrap ? `  ${o.bootstrap}` : ''}\n`
          : `${n} ${o.stack.padEnd(14)} ${at(f, o)}FAILED: ${o.error}\n`,
      );
    },
    stop: () => clearInterval(timer),
  };
}

/** The engine is named only in a classroom: one engine's runs read as before. */
const at = (f: Fleet, o: StackOutcome) => (f.classroom ? `on ${o.engine.padEnd(10)} ` : '');

interface Item {
  stack: string;
  engine: ClassEngine;
}

async function outcome(item: Item, work: () => Promise<string | undefined>): Promise<StackOutcome> {
  const started = Date.now();
  const { stack } = item;
  const engine = item.engine.name;
  try {
    const bootstrap = await work();
    return { stack, engine, ok: true, bootstrap, elapsedMs: Date.now() - started };
  } catch (err) {
    return {
      stack,
      engine,
      ok: false,
      elapsedMs: Date.now() - started,
      error: renderError(err).replace(/\n/g, ' '),
      exitCode: exitCodeOf(err),
    };
  }
}

/** `work` for each stack, `parallel` at once, with progress. A failure is that stack's outcome, not the end of the run. */
async function eachStack(
  f: Fleet,
  verb: string,
  items: Item[],
  parallel: number,
  work: (item: Item) => Promise<string | undefined>,
): Promise<StackOutcome[]> {
  const shown = progress(f, verb, items.length);
  try {
    return await mapLimit(items, parallel, async (item) => {
      const o = await outcome(item, () => work(item));
      shown.finished(o);
      return o;
    });
  } finally {
    shown.stop();
  }
}

/** Removes what carries the stack's label, looking again (three times at most) while a pass still finds something: a container whose creation was in flight when a killed `up` died appears late. */
async function removeStack(env: NodeJS.ProcessEnv, rt: Runtime, stack: string, volumes: boolean): Promise<undefined> {
  return withStackLock(stack, `down (${stack})`, async () => {
    for (let pass = 0; pass < 3; pass++) {
      const r = await down(rt, stack, { volumes, sink: silent, clock: systemClock });
      if (r.containers.length + r.networks.length + r.volumes.length === 0) break;
    }
    if (volumes) await clearStackState(stateDirOf(env), stack);
    return undefined;
  });
}

function finish(f: Fleet, outcomes: StackOutcome[], what: string): number {
  const failed = outcomes.filter((o) => !o.ok);
  const named = (o: StackOutcome) =>
    o.stack === '*' ? `every stack on ${o.engine}` : f.classroom ? `${o.stack} (${o.engine})` : o.stack;
  if (f.json) f.out.write(`${JSON.stringify(outcomes, null, 2)}\n`);
  else
    f.out.write(
      `${outcomes.length - failed.length} of ${outcomes.length} stacks ${what}${failed.length ? `; failed: ${failed.map(named).join(', ')}` : ''}.\n`,
    );
  if (f.signal.aborted) return EXIT.interrupted;
  return failed.length ? (failed[0]!.exitCode ?? EXIT.failed) : EXIT.ok;
}

/** An engine that did not answer: one failed outcome for all its stacks, which cannot be known. */
function unanswered(u: { engine: string; error: string }): StackOutcome {
  return { stack: '*', engine: u.engine, ok: false, elapsedMs: 0, error: u.error, exitCode: EXIT.environment };
}

/** up --stacks: `opts` are the stack options every stack shares; `force` starts them even when memory looks short. */
export async function upStacks(f: Fleet, names: string[], opts: StackOptions, force: boolean): Promise<number> {
  const parallel = parseParallel(f.parallel, 3);
  const { single, engines, unreachable, room } = await fleetEngines(f);
  if (unreachable.length)
    throw new UserError(
      `Engine ${unreachable[0]!.engine} did not answer, so the stacks cannot be placed: ${unreachable[0]!.error}`,
      'Start it, or leave it out of --contexts. Nothing was created.',
    );
  const composeFile = composeFileOf(opts);
  const known = await stacksOn(engines);
  const engineOf = new Map(engines.map((e) => [e.name, e]));

  // The stack's images, for the memory probe and to make sure each engine has them.
  const sample = await stackContext({
    ...on(engines[0]!, opts),
    stack: names[0]!,
    portBase: String(DEFAULT_PORT_BASE),
    route: false,
  });
  const images = sample.spec.services.map((s) => s.image);
  const imagesOn = async (e: ClassEngine) => {
    const ctx =
      e === engines[0]
        ? sample
        : await stackContext({ ...on(e, opts), stack: names[0]!, portBase: String(DEFAULT_PORT_BASE), route: false });
    const provideImage = imageProvider(ctx, opts, (line) => f.err.write(`${line}\n`), f.signal);
    await ensureImages({ rt: e.rt, sink: silent, provideImage }, images);
    return provideImage;
  };

  // Memory first: a room's worth of JVMs on a laptop-sized host is the usual way this goes wrong. One engine
  // without a classroom is this host's, as before; a classroom's engines are asked themselves.
  const perStack = stackMemoryMiB(await loadStack(composeFile, { stack: names[0]!, portBase: DEFAULT_PORT_BASE }));
  const providers = new Map<string, Awaited<ReturnType<typeof imagesOn>>>();
  const rooms: EngineRoom[] = await Promise.all(
    known.map(async ({ engine, stacks }) => {
      let memory: { mib: number; machine?: string };
      if (single) memory = await availableMemory();
      else {
        // The probe runs one of the stack's images: an engine without them gets them first.
        if (!(await Promise.all(images.map((i) => engine.rt.imageExists(i)))).some(Boolean))
          providers.set(engine.name, await imagesOn(engine));
        memory = await engineMemory(engine.rt, images, systemClock);
      }
      return {
        engine: engine.name,
        availableMiB: memory.mib,
        machine: memory.machine,
        stacks: stacks.map((s) => ({
          stack: s.stack,
          running: s.containers.length > 0 && s.containers.every((c) => c.state === 'running'),
        })),
      };
    }),
  );
  const plan = placeStacks(names, rooms, perStack);
  if (!plan.fits && !force) throw refusal(plan, perStack, (e) => (single ? 'this host' : `engine ${e}`));

  // Port blocks are handed out here, one by one, from every engine's blocks: no two stacks of the classroom
  // share one on any engine, and stacks starting side by side never pick the same block.
  const explicit = opts.portBase === undefined ? room?.portBase : Number(opts.portBase);
  if (explicit !== undefined && (!Number.isInteger(explicit) || explicit < 1024 || explicit > 65000)) {
    throw new UsageError(
      `--port-base ${opts.portBase} is not a port number between 1024 and 65000.`,
      'For example: --port-base 19092.',
    );
  }
  const recorded = new Map(known.flatMap(({ stacks }) => stacks.map((s) => [s.stack, s.portBase] as const)));
  const taken = new Set([...recorded.values()].filter((b): b is number => b !== null));
  const atDefault = await loadStack(composeFile, { stack: names[0]!, portBase: DEFAULT_PORT_BASE });
  const offsets = atDefault.services.flatMap((s) => s.ports.map((p) => p.hostPort - DEFAULT_PORT_BASE));
  const bases = new Map<string, string>();
  const claims: (() => Promise<void>)[] = [];
  for (const p of plan.placements) {
    if (recorded.get(p.stack) != null) continue;
    for (;;) {
      const base = nextPortBase(firstPortBase(explicit), taken);
      if (base === undefined)
        throw new UsageError(
          `No free block of ports is left for ${p.stack} below 60000${explicit !== undefined ? ` from --port-base ${explicit}` : ''}.`,
          'Give a lower --port-base, or start fewer stacks.',
        );
      taken.add(base);
      // Ports in use here by anything else (another engine on this host, a forwarding, a program) skip the block.
      const block = offsets.map((o) => base + o);
      if ((await takenPorts('127.0.0.1', block)).length) continue;
      // Claimed host-wide until the run ends: another kafka-lab choosing blocks now moves past it.
      const claim = await claimPorts(block, { stack: p.stack, engine: engineOf.get(p.engine)!.rt.where });
      if ('holder' in claim) continue;
      claims.push(claim.release);
      bases.set(p.stack, String(base));
      break;
    }
  }
  try {
    return await startStacks();
  } finally {
    for (const release of claims) await release();
  }

  async function startStacks(): Promise<number> {
    const used = [...new Set(plan.placements.map((p) => p.engine))];
    await Promise.all(
      used.map(async (name) => {
        if (!providers.has(name)) providers.set(name, await imagesOn(engineOf.get(name)!));
      }),
    );

    const starting = plan.placements.filter((p) => p.neededMiB > 0);
    const needed = Math.round(starting.reduce((a, p) => a + p.neededMiB, 0));
    const where = single
      ? `${plan.loads[0]!.availableMiB} MiB available`
      : plan.loads
          .map(
            (l) =>
              `${l.engine}: ${l.stacks} stacks, ${l.availableMiB} MiB available${plan.loads.some((o) => o !== l && o.machine === l.machine) ? ' (a machine shared with another engine)' : ''}`,
          )
          .join('; ');
    (f.json ? f.err : f.out).write(
      `Starting ${names.length} stacks, ${Math.min(parallel, names.length)} at a time (about ${needed} MiB for the ${starting.length} not yet running; ${where}).\n`,
    );
    const items = plan.placements.map((p) => ({ stack: p.stack, engine: engineOf.get(p.engine)! }));
    const outcomes = await eachStack(f, 'ready', items, parallel, async ({ stack, engine }) => {
      if (f.signal.aborted) throw new Interrupted('not started: interrupted');
      return withStackLock(stack, `up --stacks (${stack})`, async () => {
        const ctx = await stackContext({ ...on(engine, opts), stack, portBase: bases.get(stack) });
        return (
          await up({
            rt: engine.rt,
            spec: ctx.spec,
            sink: silent,
            clock: systemClock,
            signal: f.signal,
            labels: ctx.labels,
            provideImage: providers.get(engine.name),
          })
        ).bootstrap;
      });
    });
    return finish(f, outcomes, 'are ready');
  }
}

/**
 * Every stack on the run's engines, or the ones named; a name found on no engine is an error unless
 * `missingOk`. Engines that did not answer come back as outcomes.
 */
async function targets(f: Fleet, names: string[] | undefined, missingOk = false) {
  const { engines, unreachable } = await fleetEngines(f);
  const all = (await stacksOn(engines)).flatMap(({ engine, stacks }) =>
    stacks.map((s) => ({ stack: s.stack, engine, summary: s })),
  );
  const missing = (names ?? []).filter((n) => !all.some((s) => s.stack === n));
  if (missing.length && !missingOk && unreachable.length === 0)
    throw new UserError(
      `No stack named ${missing.join(', ')} on ${engines.length > 1 ? 'these engines' : 'this host'}.`,
      "Run 'kafka-lab stacks' to see them.",
    );
  return {
    engines,
    items: names ? all.filter((s) => names.includes(s.stack)) : all,
    down: unreachable.map(unanswered),
  };
}

export async function downStacks(f: Fleet, names: string[] | undefined, volumes: boolean): Promise<number> {
  const { engines, items, down: unreachable } = await targets(f, names, true);
  if (items.length === 0 && unreachable.length === 0) {
    f.out.write(
      f.json
        ? '[]\n'
        : `No ${names ? 'such' : 'kafka-lab'} stacks ${engines.length > 1 ? 'on these engines' : 'on this host'}; nothing to remove.\n`,
    );
    return EXIT.ok;
  }
  const parallel = parseParallel(f.parallel, 4);
  const outcomes = await eachStack(f, 'removed', items, parallel, ({ engine, stack }) =>
    removeStack(f.env, engine.rt, stack, volumes),
  );
  // and a last look for a stack whose first resource appeared while this ran
  for (const { engine, stacks } of await stacksOn(engines))
    for (const s of stacks.filter(
      (s) => (names ? names.includes(s.stack) : true) && (s.containers.length > 0 || s.networks.length > 0),
    ))
      if (!outcomes.some((o) => o.stack === s.stack && !o.ok))
        await outcome({ stack: s.stack, engine }, () => removeStack(f.env, engine.rt, s.stack, volumes));
  return finish(f, [...outcomes, ...unreachable], volumes ? 'removed with their volumes' : 'removed (volumes kept)');
}

/** Reset one stack, opts.stack: images first (a reset that cannot come back must not go down), then down, then up. */
export async function resetStack(
  run: Pick<Fleet, 'env' | 'signal'>,
  opts: StackOptions,
  sink = silent,
): Promise<{ bootstrap: string }> {
  const { stack } = opts;
  return withStackLock(stack, `reset --stack ${stack}`, async () => {
    // Claimed through the moment between down and up, when the ports are free and the labels gone.
    const ctx = await stackContext(opts, { claimPorts: true });
    try {
      return await resetClaimed(run, opts, ctx, sink);
    } finally {
      await ctx.releasePorts();
    }
  });
}

async function resetClaimed(
  run: Pick<Fleet, 'env' | 'signal'>,
  opts: StackOptions,
  ctx: StackContext,
  sink: Sink,
): Promise<{ bootstrap: string }> {
  const { stack } = opts;
  if (ctx.existing.length === 0) {
    throw new UserError(
      `Stack '${stack}' does not exist, so there is nothing to reset.`,
      `Create it with 'kafka-lab up --stack ${stack}'.`,
    );
  }
  const provideImage = imageProvider(ctx, opts, (line) => sink({ kind: 'step', message: line, atMs: 0 }), run.signal);
  await ensureImages(
    { rt: ctx.rt, sink, provideImage },
    ctx.spec.services.map((s) => s.image),
  );
  await down(ctx.rt, stack, { volumes: true, sink, clock: systemClock });
  await clearStackState(stateDirOf(run.env), stack);
  const r = await up({
    rt: ctx.rt,
    spec: ctx.spec,
    sink,
    clock: systemClock,
    signal: run.signal,
    labels: ctx.labels,
    provideImage,
  });
  return { bootstrap: r.bootstrap };
}

/** Resets run under one host-wide lock, so two facilitators cannot reset the same stacks at once. */
export async function withResetLock<T>(what: string, fn: () => Promise<T>): Promise<T> {
  const release = await acquireLock(lockPath('reset'), what);
  try {
    return await fn();
  } finally {
    await release();
  }
}

/** reset --all or --stacks: `opts` are the stack options every stack shares. */
export async function resetStacks(f: Fleet, names: string[] | undefined, opts: StackOptions): Promise<number> {
  return withResetLock(`reset ${names ? names.join(',') : '--all'}`, async () => {
    const { engines, items, down: unreachable } = await targets(f, names);
    if (items.length === 0 && unreachable.length === 0) {
      f.out.write(
        f.json
          ? '[]\n'
          : `No kafka-lab stacks ${engines.length > 1 ? 'on these engines' : 'on this host'}; nothing to reset.\n`,
      );
      return EXIT.ok;
    }
    const parallel = parseParallel(f.parallel, 3);
    // Only a network or volumes left (an `up` killed early): nothing to reset, so nothing is left.
    const outcomes = await eachStack(f, 'reset', items, parallel, async ({ engine, stack }) => {
      const leftovers = items.find((i) => i.stack === stack)!.summary.containers.length === 0;
      return leftovers
        ? removeStack(f.env, engine.rt, stack, true)
        : (await resetStack(f, { ...on(engine, opts), stack })).bootstrap;
    });
    return finish(f, [...outcomes, ...unreachable], 'reset');
  });
}
