// `down` touches only what carries the stack's label, never a look-alike name.
import type { Sink } from '../core/events.js';
import type { Runtime } from '../core/runtime.js';
import { LABEL } from '../core/stack.js';
import type { Clock } from '../core/wait.js';
import { stackContainers } from './find.js';

export interface DownResult {
  containers: string[];
  networks: string[];
  volumes: string[];
}

export async function down(
  rt: Runtime,
  stack: string,
  o: { volumes: boolean; sink: Sink; clock: Clock },
): Promise<DownResult> {
  const started = o.clock.now();
  const containers = await stackContainers(rt, stack);
  await Promise.all(
    containers.map(async (c) => {
      await rt.remove(c.id);
      o.sink({
        kind: 'service',
        service: c.labels[LABEL.service] ?? c.name,
        container: c.name,
        phase: 'removed',
        atMs: o.clock.now() - started,
      });
    }),
  );
  const filters = { label: [`${LABEL.stack}=${stack}`] };
  const networks = await rt.networks(filters);
  for (const n of networks) await rt.removeNetwork(n.id);
  const volumes = o.volumes ? await rt.volumes(filters) : [];
  for (const v of volumes) await rt.removeVolume(v.name);
  return {
    containers: containers.map((c) => c.name),
    networks: networks.map((n) => n.name),
    volumes: volumes.map((v) => v.name),
  };
}
