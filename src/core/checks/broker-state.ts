import { z } from 'zod';
import { liveBrokers } from '../snapshot.js';
import { broker, defineCheck, fail, needsFor, pass } from './helpers.js';

export const brokerState = defineCheck({
  kind: 'broker-state',
  schema: z.strictObject({ broker, state: z.enum(['up', 'stopped']) }),
  needs: () => needsFor({}),
  gradual: true,
  evaluate: (p, s) => {
    const c = s.containers.find((x) => x.brokerId === p.broker);
    // Membership that could not be learnt counts as out of the cluster: the container's state decides.
    const member = liveBrokers(s)?.has(p.broker) ?? false;
    if (s.containers.length === 0) {
      // A remote cluster: no containers to see, only whether the cluster lists the broker.
      const ok = (p.state === 'up') === member;
      return ok
        ? pass(`broker ${p.broker} is ${member ? 'in' : 'out of'} the cluster.`)
        : fail(`expected broker ${p.broker} ${p.state}; the cluster ${member ? 'lists' : 'does not list'} it.`);
    }
    const state = c?.state ?? 'missing';
    if (p.state === 'up') {
      return c?.state === 'running' && member
        ? pass(`broker ${p.broker} is running and in the cluster.`)
        : fail(
            `expected broker ${p.broker} up; found its container ${state} and it is ${member ? '' : 'not '}in the cluster.`,
          );
    }
    return c?.state !== 'running' && !member
      ? pass(`broker ${p.broker} is stopped (container ${state}) and out of the cluster.`)
      : fail(
          `expected broker ${p.broker} stopped; found its container ${state} and it is ${member ? 'still' : 'not'} in the cluster.`,
        );
  },
});
