// Many stacks at once: up for a list of names, down and reset for every stack on the host.
// Each stack is its own reconcile (see runtime/up.ts); a failure in one is reported, not fatal to the rest.
import { readUserFile } from '../stack/yaml-source.js';
import type { Runtime } from '../core/runtime.js';
import { expandStackNames, mapLimit, parseNamesFile, parseParallel } from '../core/classroom.js';
import { EXIT, exitCodeOf, Interrupted, renderError, UsageError, UserError } from '../core/errors.js';
import { silent } from '../core/events.js';
import { stackMemoryMiB } from '../core/memory.js';
import { DEFAULT_PORT_BASE } from '../core/stack.js';
import { clearStackState } from '../faults/log.js';
import { systemClock } from '../runtime/clock.js';
import { connectEngine, type EngineRequest } from '../docker/engine.js';
import { down } from '../runtime/down.js';
import { availableMemory } from '../runtime/host.js';
import { acquireLock, lockPath } from '../runtime/lock.js';
import { listStacks } from '../runtime/stacks.js';
import { ensureImages, up } from '../runtime/up.js';
import { loadStack } from '../stack/compose.js';
import type { Invocation, manyOptions, Values } from '../cli/command.js';
import { choosePortBase, composeFileOf, imageProvider, stackContext, type StackOptions } from '../context/stack.js';
import { stateDirOf } from '../context/lab.js';

export interface StackOutcome {
  stack: string;
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
  /** The engine: --context and the environment. */
  engine: EngineRequest;
  out: NodeJS.WriteStream;
  err: NodeJS.WriteStream;
  signal: AbortSignal;
}

export function fleetOf(
  inv: Pick<Invocation<ManyValues & { json?: boolean; context?: string }>, 'values' | 'env' | 'out' | 'err' | 'signal'>,
): Fleet {
  return {
    json: inv.values.json === true,
    parallel: inv.values.parallel,
    env: inv.env,
    engine: { context: inv.values.context, env: inv.env },
    out: inv.out,
    err: inv.err,
    signal: inv.signal,
  };
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
          ? `${n} ${o.stack.padEnd(14)} ${verb} in ${(o.elapsedMs / 1000).toFixed(1)} s${o.bootstrap ? `  ${o.bootstrap}` : ''}\n`
          : `${n} ${o.stack.padEnd(14)} FAILED: ${o.error}\n`,
      );
    },
    stop: () => clearInterval(timer),
  };
}

async function outcome(stack: string, work: () => Promise<string | undefined>): Promise<StackOutcome> {
  const started = Date.now();
  try {
    const bootstrap = await work();
    return { stack, ok: true, bootstrap, elapsedMs: Date.now() - started };
  } catch (err) {
    return {
      stack,
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
  stacks: string[],
  parallel: number,
  work: (stack: string) => Promise<string | undefined>,
): Promise<StackOutcome[]> {
  const shown = progress(f, verb, stacks.length);
  try {
    return await mapLimit(stacks, parallel, async (stack) => {
      const o = await outcome(stack, () => work(stack));
      shown.finished(o);
      return o;
    });
  } finally {
    shown.stop();
  }
}

/** Removes what carries the stack's label, looking again (three times at most) while a pass still finds something: a container whose creation was in flight when a killed `up` died appears late. */
async function removeStack(env: NodeJS.ProcessEnv, rt: Runtime, stack: string, volumes: boolean): Promise<undefined> {
  for (let pass = 0; pass < 3; pass++) {
    const r = await down(rt, stack, { volumes, sink: silent, clock: systemClock });
    if (r.containers.length + r.networks.length + r.volumes.length === 0) break;
  }
  if (volumes) await clearStackState(stateDirOf(env), stack);
  return undefined;
}

function finish(f: Fleet, outcomes: StackOutcome[], what: string): number {
  const failed = outcomes.filter((o) => !o.ok);
  if (f.json) f.out.write(`${JSON.stringify(outcomes, null, 2)}\n`);
  else
    f.out.write(
      `${outcomes.length - failed.length} of ${outcomes.length} stacks ${what}${failed.length ? `; failed: ${failed.map((f) => f.stack).join(', ')}` : ''}.\n`,
    );
  if (f.signal.aborted) return EXIT.interrupted;
  return failed.length ? (failed[0]!.exitCode ?? EXIT.failed) : EXIT.ok;
}

/** up --stacks: `opts` are the stack options every stack shares; `force` starts them even when memory looks short. */
export async function upStacks(f: Fleet, names: string[], opts: StackOptions, force: boolean): Promise<number> {
  const parallel = parseParallel(f.parallel, 3);
  const rt = await connectEngine(opts.engine ?? f.engine);
  const composeFile = composeFileOf(opts);
  const known = new Map((await listStacks(rt)).map((s) => [s.stack, s]));

  // Memory first: a room's worth of JVMs on a laptop-sized host is the usual way this goes wrong.
  const perStack = stackMemoryMiB(await loadStack(composeFile, { stack: names[0]!, portBase: DEFAULT_PORT_BASE }));
  const running = (n: string) =>
    (known.get(n)?.containers.length ?? 0) > 0 && known.get(n)!.containers.every((c) => c.state === 'running');
  const toStart = names.filter((n) => !running(n));
  const needed = Math.round(perStack * toStart.length);
  const available = Math.round((await availableMemory()).mib);
  if (needed > available && !force) {
    throw new UserError(
      `${toStart.length} stack(s) need about ${needed} MiB (${Math.round(perStack)} MiB each) but this host has ${available} MiB available.`,
      `Start fewer (at most ${Math.max(0, Math.floor(available / perStack))}), free memory, or add --force to go ahead anyway. Nothing was created.`,
    );
  }

  // Port blocks are handed out here, one by one, so stacks starting side by side never pick the same block.
  const explicit = opts.portBase === undefined ? undefined : Number(opts.portBase);
  if (
    explicit !== undefined &&
    (!Number.isInteger(explicit) || explicit < 1024 || explicit + 100 * names.length > 65000)
  ) {
    throw new UsageError(
      `--port-base ${opts.portBase} does not leave room for ${names.length} blocks of ports below 65000.`,
      'For example: --port-base 19092.',
    );
  }
  const handedOut = new Set<number>();
  const bases = new Map<string, string | undefined>();
  for (const [i, name] of names.entries()) {
    if (known.get(name)?.portBase != null) continue;
    const base = explicit !== undefined ? explicit + 100 * i : await choosePortBase(rt, composeFile, name, handedOut);
    handedOut.add(base);
    bases.set(name, String(base));
  }

  const first = await stackContext({ ...opts, stack: names[0]!, portBase: bases.get(names[0]!) });
  const provideImage = imageProvider(first, opts, (line) => f.err.write(`${line}\n`), f.signal);
  await ensureImages(
    { rt, sink: silent, provideImage },
    first.spec.services.map((s) => s.image),
  );

  (f.json ? f.err : f.out).write(
    `Starting ${names.length} stacks, ${Math.min(parallel, names.length)} at a time (about ${needed} MiB for the ${toStart.length} not yet running; ${available} MiB available).\n`,
  );
  const outcomes = await eachStack(f, 'ready', names, parallel, async (name) => {
    if (f.signal.aborted) throw new Interrupted('not started: interrupted');
    const ctx = await stackContext({ ...opts, stack: name, portBase: bases.get(name) });
    return (
      await up({
        rt,
        spec: ctx.spec,
        sink: silent,
        clock: systemClock,
        signal: f.signal,
        labels: ctx.labels,
        provideImage,
      })
    ).bootstrap;
  });
  return finish(f, outcomes, 'are ready');
}

/** Every stack on the host, or the ones named; a name with nothing on the host is an error unless `missingOk`. */
async function targets(f: Fleet, names: string[] | undefined, missingOk = false) {
  const rt = await connectEngine(f.engine);
  const stacks = await listStacks(rt);
  if (names) {
    const missing = names.filter((n) => !stacks.some((s) => s.stack === n));
    if (missing.length && !missingOk)
      throw new UserError(`No stack named ${missing.join(', ')} on this host.`, "Run 'kafka-lab stacks' to see them.");
    return { rt, stacks: stacks.filter((s) => names.includes(s.stack)) };
  }
  return { rt, stacks };
}

export async function downStacks(f: Fleet, names: string[] | undefined, volumes: boolean): Promise<number> {
  const { rt, stacks } = await targets(f, names, true);
  if (stacks.length === 0) {
    f.out.write(f.json ? '[]\n' : `No ${names ? 'such' : 'kafka-lab'} stacks on this host; nothing to remove.\n`);
    return EXIT.ok;
  }
  const parallel = parseParallel(f.parallel, 4);
  const outcomes = await eachStack(
    f,
    'removed',
    stacks.map((s) => s.stack),
    parallel,
    (stack) => removeStack(f.env, rt, stack, volumes),
  );
  // and a last look for a stack whose first resource appeared while this ran
  const late = (await listStacks(rt)).filter(
    (s) => (names ? names.includes(s.stack) : true) && (s.containers.length > 0 || s.networks.length > 0),
  );
  for (const s of late)
    if (!outcomes.some((o) => o.stack === s.stack && !o.ok))
      await outcome(s.stack, () => removeStack(f.env, rt, s.stack, volumes));
  return finish(f, outcomes, volumes ? 'removed with their volumes' : 'removed (volumes kept)');
}

/** Reset one stack, opts.stack: images first (a reset that cannot come back must not go down), then down, then up. */
export async function resetStack(
  run: Pick<Fleet, 'env' | 'signal'>,
  opts: StackOptions,
  sink = silent,
): Promise<{ bootstrap: string }> {
  const { stack } = opts;
  const ctx = await stackContext(opts);
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
    const { rt, stacks } = await targets(f, names);
    if (stacks.length === 0) {
      f.out.write(f.json ? '[]\n' : 'No kafka-lab stacks on this host; nothing to reset.\n');
      return EXIT.ok;
    }
    const parallel = parseParallel(f.parallel, 3);
    const leftovers = new Set(stacks.filter((s) => s.containers.length === 0).map((s) => s.stack));
    // Only a network or volumes left (an `up` killed early): nothing to reset, so nothing is left.
    const outcomes = await eachStack(
      f,
      'reset',
      stacks.map((s) => s.stack),
      parallel,
      async (stack) =>
        leftovers.has(stack)
          ? removeStack(f.env, rt, stack, true)
          : (await resetStack(f, { ...opts, stack })).bootstrap,
    );
    return finish(f, outcomes, 'reset');
  });
}
