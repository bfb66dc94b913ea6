// kafka-lab's own resources, found by their labels (and, for a clash, by their names).
import type { ObservedContainer } from '../core/reconcile.js';
import type { Runtime } from '../core/runtime.js';
import { LABEL } from '../core/stack.js';

/** Containers of one stack, or of every kafka-lab stack when `stack` is undefined. */
export function stackContainers(rt: Runtime, stack?: string): Promise<ObservedContainer[]> {
  return rt.containers({ label: [stack ? `${LABEL.stack}=${stack}` : LABEL.stack] });
}

/** Containers with exactly these names, whoever owns them. */
export async function containersNamed(rt: Runtime, names: string[]): Promise<Map<string, ObservedContainer>> {
  if (names.length === 0) return new Map();
  const found = await rt.containers({ name: names.map((n) => `^/${escapeRegex(n)}$`) });
  return new Map(found.filter((c) => names.includes(c.name)).map((c) => [c.name, c]));
}

function escapeRegex(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

export function stackLabels(stack: string, extra: Record<string, string> = {}): Record<string, string> {
  return { [LABEL.stack]: stack, ...extra };
}
