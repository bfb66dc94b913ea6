import { createHash } from 'node:crypto';
import type { ServiceSpec, StackSpec } from '../core/stack.js';

/** Stable hash of what a service's container is made from: a change means recreate. */
export function configHash(spec: StackSpec, svc: ServiceSpec): string {
  return createHash('sha256')
    .update(canonical({ network: spec.network, service: svc }))
    .digest('hex')
    .slice(0, 16);
}

export function configHashes(spec: StackSpec): Record<string, string> {
  return Object.fromEntries(spec.services.map((s) => [s.service, configHash(spec, s)]));
}

function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}
