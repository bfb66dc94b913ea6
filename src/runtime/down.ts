// `down` touches only what carries the stack's label, never a look-alike name.
import type Docker from 'dockerode';
import type { Sink } from '../core/events.js';
import { LABEL } from '../core/stack.js';
import type { Clock } from '../core/wait.js';
import { call, removeContainer, removeNetwork, removeVolume, stackContainers } from './docker.js';

export interface DownResult {
  containers: string[];
  networks: string[];
  volumes: string[];
}

export async function down(docker: Docker, stack: string, o: { volumes: boolean; sink: Sink; clock: Clock }): Promise<DownResult> {
  const started = o.clock.now();
  const containers = await stackContainers(docker, stack);
  await Promise.all(
    containers.map(async (c) => {
      await removeContainer(docker, c.id, c.name);
      o.sink({ kind: 'service', service: c.labels[LABEL.service] ?? c.name, container: c.name, phase: 'removed', atMs: o.clock.now() - started });
    }),
  );
  const filters = { label: [`${LABEL.stack}=${stack}`] };
  const networks = await call('list networks', () => docker.listNetworks({ filters }));
  for (const n of networks) await removeNetwork(docker, n.Id, n.Name);
  const volumes = o.volumes ? ((await call('list volumes', () => docker.listVolumes({ filters }))).Volumes ?? []) : [];
  for (const v of volumes) await removeVolume(docker, v.Name);
  return { containers: containers.map((c) => c.name), networks: networks.map((n) => n.Name), volumes: volumes.map((v) => v.Name) };
}
