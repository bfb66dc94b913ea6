// Every kafka-lab stack on this host, found by labels only: containers, networks and volumes.
// A stack whose `up` was killed early may have a network or volumes and no container yet.
import type { Runtime } from '../core/runtime.js';
import { LABEL } from '../core/stack.js';

export interface StackSummary {
  stack: string;
  containers: { name: string; service: string; state: string; id: string }[];
  networks: string[];
  volumes: string[];
  portBase: number | null;
  images: string | null;
  /** The profile its labels record; null for stacks made before profiles (ZooKeeper ones). */
  profile: string | null;
  /** When its oldest container was created (ms since the epoch), or null without containers. */
  createdMs: number | null;
}

export async function listStacks(rt: Runtime): Promise<StackSummary[]> {
  const filters = { label: [LABEL.stack] };
  const [containers, networks, volumes] = await Promise.all([
    rt.containers(filters),
    rt.networks(filters),
    rt.volumes(filters),
  ]);
  const stacks = new Map<string, StackSummary>();
  const of = (stack: string) => {
    let s = stacks.get(stack);
    if (!s)
      stacks.set(
        stack,
        (s = {
          stack,
          containers: [],
          networks: [],
          volumes: [],
          portBase: null,
          images: null,
          profile: null,
          createdMs: null,
        }),
      );
    return s;
  };
  for (const c of containers) {
    const labels = c.labels;
    const s = of(labels[LABEL.stack]!);
    s.containers.push({ name: c.name, service: labels[LABEL.service] ?? '?', state: c.state, id: c.id });
    if (labels[LABEL.portBase]) s.portBase = Number(labels[LABEL.portBase]);
    if (labels['kafka-lab.images']) s.images = labels['kafka-lab.images'];
    if (labels[LABEL.profile]) s.profile = labels[LABEL.profile];
    s.createdMs = Math.min(s.createdMs ?? Infinity, c.createdMs ?? Infinity);
  }
  for (const n of networks) of(n.labels[LABEL.stack]!).networks.push(n.name);
  for (const v of volumes) of(v.labels[LABEL.stack]!).volumes.push(v.name);
  for (const s of stacks.values()) s.containers.sort((a, b) => a.name.localeCompare(b.name));
  return [...stacks.values()].sort((a, b) => a.stack.localeCompare(b.stack));
}

/** Resident memory of running containers in MiB, by container id. */
export async function residentMiB(rt: Runtime, ids: string[]): Promise<Map<string, number>> {
  const out = new Map<string, number>();
  await Promise.all(
    ids.map(async (id) => {
      const bytes = await rt.memory(id);
      if (bytes !== undefined) out.set(id, bytes / 1024 / 1024);
    }),
  );
  return out;
}
