// Fault vocabulary: which actions undo which, and which ones conflict. Pure.

/** Every fault action, for the CLI, the lab format and the injector alike. */
export const FAULT_ACTIONS = ['stop', 'kill', 'pause', 'disconnect', 'restart', 'start', 'unpause', 'connect'] as const;
export type FaultAction = (typeof FAULT_ACTIONS)[number];

/** The condition a fault leaves a container in; restart leaves none. */
export type Condition = 'stopped' | 'paused' | 'disconnected';

export const CONDITION_OF: Partial<Record<FaultAction, Condition>> = {
  stop: 'stopped',
  kill: 'stopped',
  pause: 'paused',
  disconnect: 'disconnected',
};
export const INVERSE_OF: Record<Condition, FaultAction> = {
  stopped: 'start',
  paused: 'unpause',
  disconnected: 'connect',
};
const CLEARS: Partial<Record<FaultAction, Condition>> = {
  start: 'stopped',
  unpause: 'paused',
  connect: 'disconnected',
};

/** What is wrong with applying `action` to a container currently in `conditions`; undefined if fine. */
export function conflict(action: FaultAction, name: string, conditions: Condition[]): string | undefined {
  const clears = CLEARS[action];
  if (clears)
    return conditions.includes(clears) ? undefined : `${name} is not ${clears}, so there is nothing to ${action}.`;
  if (conditions.length) {
    const c = conditions[0]!;
    return `${name} is already ${c}; one fault at a time per target. Undo it first with 'kafka-lab fault ${INVERSE_OF[c]} ${name}' or 'kafka-lab heal'.`;
  }
  return undefined;
}

export type TargetRef =
  | { kind: 'name'; name: string }
  | { kind: 'broker'; id: number }
  | { kind: 'controller' }
  | { kind: 'leader'; topic: string; partition: number };

export const TARGET_SYNTAX = 'a service or container, broker:N, controller or leader:<topic>/<partition>';

export function parseTarget(text: string): TargetRef | undefined {
  let m: RegExpExecArray | null;
  if ((m = /^broker:(\d+)$/.exec(text))) return { kind: 'broker', id: Number(m[1]) };
  if (text === 'controller') return { kind: 'controller' };
  if ((m = /^leader:([A-Za-z0-9._-]+)\/(\d+)$/.exec(text)))
    return { kind: 'leader', topic: m[1]!, partition: Number(m[2]) };
  if (/^[a-zA-Z0-9][a-zA-Z0-9_.-]*$/.test(text)) return { kind: 'name', name: text };
  return undefined;
}

/** What the lab session says of a fault it injected, or of a heal: when, which container, and a note. */
export interface InjectedFault {
  atMs: number;
  container: string;
  note?: string;
}
