// A cluster of three live brokers with nothing in it, for check tests to fill in.
import type { ClusterSnapshot } from '../../src/core/snapshot.js';

export function emptySnapshot(over: Partial<ClusterSnapshot> = {}): ClusterSnapshot {
  return {
    atMs: 0,
    brokers: [1, 2, 3].map((id) => ({ id, host: '127.0.0.1', port: 9091 + id })),
    controller: 1,
    containers: [],
    topics: {},
    groups: {},
    messages: {},
    acked: {},
    lastFaultMs: null,
    gaps: [],
    ...over,
  };
}
