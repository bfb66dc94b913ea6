// Pure decisions for `up`: what to do with each service given what Docker already has.
import type { StackSpec } from './stack.js';

export type ContainerState = 'created' | 'running' | 'paused' | 'restarting' | 'removing' | 'exited' | 'dead';

/** A container as Docker reports it, reduced to what the decisions need. */
export interface ObservedContainer {
  id: string;
  name: string;
  state: ContainerState;
  labels: Record<string, string>;
  /** when it was created (ms since the epoch), where the engine said */
  createdMs?: number;
}

export type Action =
  | { kind: 'create'; service: string }
  | { kind: 'recreate'; service: string; containerId: string; reason: string }
  | { kind: 'start'; service: string; containerId: string }
  | { kind: 'unpause'; service: string; containerId: string }
  | { kind: 'keep'; service: string; containerId: string };

export interface Clash {
  service: string;
  name: string;
  owner: string | undefined;
}

export type Plan = { ok: true; actions: Action[] } | { ok: false; clashes: Clash[] };

/**
 * `byName` holds every container whose name one of the stack's services wants,
 * whoever owns it; `hashes` holds each service's config hash.
 */
export function planUp(
  spec: StackSpec,
  hashes: Record<string, string>,
  byName: Map<string, ObservedContainer>,
  labels: { stack: string; service: string; configHash: string },
): Plan {
  const clashes: Clash[] = [];
  const actions: Action[] = [];
  for (const svc of spec.services) {
    const found = byName.get(svc.containerName);
    if (!found) {
      actions.push({ kind: 'create', service: svc.service });
      continue;
    }
    const owner = found.labels[labels.stack];
    if (owner !== spec.stack || found.labels[labels.service] !== svc.service) {
      clashes.push({ service: svc.service, name: svc.containerName, owner });
      continue;
    }
    if (found.labels[labels.configHash] !== hashes[svc.service]) {
      actions.push({ kind: 'recreate', service: svc.service, containerId: found.id, reason: 'its definition changed' });
    } else if (found.state === 'dead' || found.state === 'removing') {
      actions.push({ kind: 'recreate', service: svc.service, containerId: found.id, reason: `it is ${found.state}` });
    } else if (found.state === 'running') {
      actions.push({ kind: 'keep', service: svc.service, containerId: found.id });
    } else if (found.state === 'paused') {
      actions.push({ kind: 'unpause', service: svc.service, containerId: found.id });
    } else {
      actions.push({ kind: 'start', service: svc.service, containerId: found.id });
    }
  }
  return clashes.length ? { ok: false, clashes } : { ok: true, actions };
}

export function describeClash(c: Clash): string {
  const who = c.owner === undefined ? 'was not created by kafka-lab' : `belongs to kafka-lab stack '${c.owner}'`;
  return `A container named ${c.name} already exists and ${who}.`;
}
