// A broker whose previous container died uncleanly stays registered until its ZooKeeper session
// expires; a new one with the same id fails with NodeExistsException. Both `up` and `fault start`
// wait here until it is gone.
import type { Clock } from '../core/wait.js';
import { waitFor } from '../core/wait.js';
import { bootstrapServers, clientPortOf, usesKraft, zookeeperServices, type StackSpec } from '../core/stack.js';
import { describeCluster } from './kafka.js';
import { zookeeperEphemerals } from './zookeeper.js';

/** The host address of the stack's ZooKeeper client port, if it publishes one. */
export function zookeeperAddress(spec: StackSpec): { host: string; port: number } | undefined {
  for (const zk of zookeeperServices(spec)) {
    const p = clientPortOf(zk);
    if (p) return { host: p.hostIp, port: p.hostPort };
  }
  return undefined;
}

/** Is broker `id` registered? ZooKeeper itself (`dump`) says; where `dump` is not allowed, the cluster's metadata. */
async function registered(spec: StackSpec, id: number): Promise<boolean> {
  const zk = zookeeperAddress(spec);
  const ephemerals = zk ? await zookeeperEphemerals(zk.host, zk.port).catch(() => undefined) : undefined;
  if (ephemerals) return ephemerals.has(`/brokers/ids/${id}`);
  const c = await describeCluster(bootstrapServers(spec)).catch(() => undefined);
  return c !== undefined && c.brokers.some((b) => b.id === id);
}

export async function waitDeregistered(
  spec: StackSpec,
  id: number,
  o: { clock: Clock; signal?: AbortSignal; onWaiting?: () => void },
): Promise<void> {
  // KRaft has no ephemeral registration: a restarted node retries until the old session is fenced.
  if (usesKraft(spec)) return;
  let told = false;
  await waitFor(
    async () => {
      if (!(await registered(spec, id))) return { done: true, value: true };
      if (!told) o.onWaiting?.();
      told = true;
      return { done: false, seen: `broker ${id} still registered` };
    },
    {
      what: `broker ${id}'s old ZooKeeper registration to expire`,
      timeoutMs: 40_000,
      intervalMs: 500,
      clock: o.clock,
      signal: o.signal,
    },
  );
}
