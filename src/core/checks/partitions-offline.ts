import { z } from 'zod';
import { defineCheck, fail, list, needsFor, pass, topic, withLiveBrokers } from './helpers.js';

export const partitionsOffline = defineCheck({
  kind: 'partitions-offline',
  schema: z.strictObject({ topic }),
  needs: (p) => needsFor({ topic: p.topic }),
  gradual: true,
  evaluate: (p, s) =>
    withLiveBrokers(s, p.topic, (t, live) => {
      const offline = t.partitions.filter((x) => x.leader < 0 || !live.has(x.leader)).map((x) => x.partition);
      return offline.length
        ? pass(
            `${t.name}: partition${offline.length > 1 ? 's' : ''} ${list(offline)} ha${offline.length > 1 ? 've' : 's'} no live leader, so writes to ${offline.length > 1 ? 'them' : 'it'} fail.`,
          )
        : fail(
            `expected ${t.name} to have a partition with no live leader; found every partition led (leaders ${list(t.partitions.map((x) => x.leader))}).`,
          );
    }),
});
