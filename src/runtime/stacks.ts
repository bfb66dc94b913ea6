// Every kafka-lab stack on this host, found by labels only: containers, networks and volumes.
// A stack whose `up` was killed early may have a network or volumes and no container yet.
import type Docker from 'dockerode';
import { LABEL } from '../core/stack.js';
import { call } from './docker.js';

export interface StackSummary {
  stack: string;
  containers: { name: string; service: string; state: string; id: string }[];
  networks: string[];
  volumes: string[];
  portBase: number | null;
  images: string | null;
  /** When its oldest container was created (ms since the epoch), or null without containers. */
  createdMs: number | null;
}

export async function listStacks(docker: Docker): Promise<StackSummary[]> {
  const filters = { label: [LABEL.stack] };
  const [containers, networks, volumes] = await Promise.all([
    call('list containers', () => docker.listContainers({ all: true, filters })),
    call('list networks', () => docker.listNetworks({ filters })),
    call('list volumes', () => docker.listVolumes({ filters })),
  ]);
  const stacks = new Map<string, StackSummary>();
  const of = (stack: string) => {
    let s = stacks.get(stack);
    if (!s) stacks.set(stack, (s = { stack, containers: [], networks: [], volumes: [], portBase: null, images: null, createdMs: null }));
    return s;
  };
  for (const c of containers) {
    const labels = c.Labels ?? {};
    const s = of(labels[LABEL.stack]!);
    s.containers.push({ name: (c.Names[0] ?? '').replace(/^\//, ''), service: labels[LABEL.service] ?? '?', state: c.State, id: c.Id });
    if (labels[LABEL.portBase]) s.portBase = Number(labels[LABEL.portBase]);
    if (labels['kafka-lab.images']) s.images = labels['kafka-lab.images'];
    s.createdMs = Math.min(s.createdMs ?? Infinity, c.Created * 1000);
  }
  for (const n of networks) of(n.Labels![LABEL.stack]!).networks.push(n.Name);
  for (const v of volumes.Volumes ?? []) of(v.Labels![LABEL.stack]!).volumes.push(v.Name);
  for (const s of stacks.values()) s.containers.sort((a, b) => a.name.localeCompare(b.name));
  return [...stacks.values()].sort((a, b) => a.stack.localeCompare(b.stack));
}

/** Resident memory of running containers in MiB (cgroup usage minus page cache), by container id. */
export async function residentMiB(docker: Docker, ids: string[]): Promise<Map<string, number>> {
  const out = new Map<string, number>();
  await Promise.all(
    ids.map(async (id) => {
      try {
        const s = (await docker.getContainer(id).stats({ stream: false, 'one-shot': true } as { stream: false })) as unknown as {
          memory_stats?: { usage?: number; stats?: Record<string, number> };
        };
        const m = s.memory_stats;
        if (!m?.usage) return;
        const cache = m.stats?.inactive_file ?? m.stats?.total_inactive_file ?? m.stats?.cache ?? 0;
        out.set(id, (m.usage - cache) / 1024 / 1024);
      } catch {
        // a container that stopped meanwhile has no memory to report
      }
    }),
  );
  return out;
}
