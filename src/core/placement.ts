// Which engine each stack of a classroom runs on, from each engine's free memory, and which block of
// ports each new stack gets. Pure: the engines' numbers come in, an assignment goes out.
import { UserError } from './errors.js';
import { DEFAULT_PORT_BASE } from './stack.js';

/** One engine as placement sees it: what it can still give, and the kafka-lab stacks already on it. */
export interface EngineRoom {
  engine: string;
  availableMiB: number;
  stacks: { stack: string; running: boolean }[];
  /** Engines with the same machine (its kernel's boot id) share one memory: it is counted once. */
  machine?: string;
}

export interface Placement {
  stack: string;
  engine: string;
  /** The stack already had resources on that engine, so it stays there. */
  existing: boolean;
  /** What starting it costs that engine: 0 for a stack already running. */
  neededMiB: number;
}

export interface EngineLoad {
  engine: string;
  /** What its machine has, shared with the other engines of that machine. */
  availableMiB: number;
  /** What the stacks placed on this engine need. */
  neededMiB: number;
  stacks: number;
  machine: string;
}

export interface PlacementPlan {
  placements: Placement[];
  loads: EngineLoad[];
  /** Every engine's need is within what it has. */
  fits: boolean;
}

/**
 * Stacks already on an engine stay there; each new one goes, in the order named, to the engine whose
 * machine has the most memory left after what is placed so far (ties: the engine with fewer stacks, then
 * the one named first). When one does not fit anywhere it still goes there, and the plan says it does not fit.
 */
export function placeStacks(names: string[], rooms: EngineRoom[], perStackMiB: number): PlacementPlan {
  if (rooms.length === 0) throw new UserError('No Docker engine to place stacks on.');
  const where = new Map<string, string[]>();
  for (const r of rooms) for (const s of r.stacks) where.set(s.stack, [...(where.get(s.stack) ?? []), r.engine]);
  const twice = names.filter((n) => (where.get(n)?.length ?? 0) > 1);
  if (twice.length)
    throw new UserError(
      `Stack ${twice[0]} exists on more than one engine (${where.get(twice[0]!)!.join(', ')}).`,
      `Remove one of them with 'kafka-lab down --stack ${twice[0]} --context ENGINE --volumes'. Nothing was created.`,
    );
  const machineOf = new Map(rooms.map((r) => [r.engine, r.machine ?? r.engine]));
  const needed = new Map(rooms.map((r) => [r.engine, 0]));
  const machineNeeds = new Map(rooms.map((r) => [machineOf.get(r.engine)!, 0]));
  const count = new Map(rooms.map((r) => [r.engine, 0]));
  // One machine, one figure: its engines read it at different moments, so the lowest reading stands for all.
  const machineHas = new Map<string, number>();
  for (const r of rooms)
    machineHas.set(
      machineOf.get(r.engine)!,
      Math.min(r.availableMiB, machineHas.get(machineOf.get(r.engine)!) ?? Infinity),
    );
  const has = (r: EngineRoom) => machineHas.get(machineOf.get(r.engine)!)!;
  const left = (r: EngineRoom) => has(r) - machineNeeds.get(machineOf.get(r.engine)!)!;
  const placements: Placement[] = [];
  const put = (stack: string, engine: string, existing: boolean, cost: number) => {
    needed.set(engine, needed.get(engine)! + cost);
    machineNeeds.set(machineOf.get(engine)!, machineNeeds.get(machineOf.get(engine)!)! + cost);
    count.set(engine, count.get(engine)! + 1);
    placements.push({ stack, engine, existing, neededMiB: cost });
  };
  const better = (a: EngineRoom, b: EngineRoom) =>
    left(b) > left(a) || (left(b) === left(a) && count.get(b.engine)! < count.get(a.engine)!) ? b : a;
  // Existing stacks first: they cannot move, and what they need is not there for new ones.
  for (const name of names) {
    const engine = where.get(name)?.[0];
    if (engine === undefined) continue;
    const running = rooms.find((r) => r.engine === engine)!.stacks.find((s) => s.stack === name)!.running;
    put(name, engine, true, running ? 0 : perStackMiB);
  }
  for (const name of names) {
    if (where.has(name)) continue;
    const best = rooms.reduce(better);
    put(name, best.engine, false, perStackMiB);
  }
  const order = new Map(names.map((n, i) => [n, i]));
  placements.sort((a, b) => order.get(a.stack)! - order.get(b.stack)!);
  const loads = rooms.map((r) => ({
    engine: r.engine,
    availableMiB: Math.round(has(r)),
    neededMiB: Math.round(needed.get(r.engine)!),
    stacks: count.get(r.engine)!,
    machine: machineOf.get(r.engine)!,
  }));
  return { placements, loads, fits: rooms.every((r) => left(r) >= 0) };
}

/** The refusal of a plan that does not fit, with the numbers; `name` says an engine's name in words. */
export function refusal(plan: PlacementPlan, perStackMiB: number, name: (engine: string) => string): UserError {
  const starting = plan.placements.filter((p) => p.neededMiB > 0);
  const needed = starting.reduce((a, p) => a + p.neededMiB, 0);
  const have =
    plan.loads.length === 1
      ? `${name(plan.loads[0]!.engine)} has ${plan.loads[0]!.availableMiB} MiB available`
      : `the engines have ${plan.loads
          .map((l) => {
            const twin = plan.loads.find((o) => o.machine === l.machine);
            const mib = twin === l ? `${l.availableMiB} MiB` : `the same machine as ${twin!.engine}`;
            return `${name(l.engine)} ${mib} (needs ${l.neededMiB})`;
          })
          .join(', ')} available`;
  const machines = new Map(plan.loads.map((l) => [l.machine, l.availableMiB]));
  const fit = [...machines.values()].reduce((sum, mib) => sum + Math.max(0, Math.floor(mib / perStackMiB)), 0);
  return new UserError(
    `${starting.length} stack(s) need about ${Math.round(needed)} MiB (${Math.round(perStackMiB)} MiB each) but ${have}.`,
    `Start fewer (at most ${Math.min(fit, starting.length)}), ${plan.loads.length > 1 ? 'add an engine, ' : ''}free memory, or add --force to go ahead anyway. Nothing was created.`,
  );
}

export const PORT_BLOCK = 100;

/**
 * The first block of ports from `from` on, in steps of PORT_BLOCK, that is not `taken`: blocks any stack
 * of the classroom has on any engine, blocks handed out in this run, and blocks whose ports are busy here.
 */
export function nextPortBase(from: number, taken: ReadonlySet<number>, limit = 60000): number | undefined {
  for (let base = from; base + PORT_BLOCK <= limit; base += PORT_BLOCK) if (!taken.has(base)) return base;
  return undefined;
}

/** Where handing out blocks starts: --port-base, else the first block after the default stack's. */
export function firstPortBase(explicit: number | undefined): number {
  return explicit ?? DEFAULT_PORT_BASE + PORT_BLOCK;
}
