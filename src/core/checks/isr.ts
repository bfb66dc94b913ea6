import { z } from 'zod';
import { broker, defineCheck, list, needsFor, perPartition, topic, withTopic } from './helpers.js';

export const isr = defineCheck({
  kind: 'isr',
  schema: z.strictObject({
    topic,
    size: z.number().int().min(0).optional(),
    contains: broker.optional(),
    excludes: broker.optional(),
  }),
  needs: (p) => needsFor({ topic: p.topic }),
  gradual: true,
  evaluate: (p, s) =>
    withTopic(s, p.topic, (t) => {
      const parts: string[] = [];
      if (p.size !== undefined) parts.push(`an ISR of ${p.size}`);
      if (p.contains !== undefined) parts.push(`broker ${p.contains} in the ISR`);
      if (p.excludes !== undefined) parts.push(`broker ${p.excludes} out of the ISR`);
      return perPartition(
        t,
        (x) =>
          (p.size === undefined || x.isr.length === p.size) &&
          (p.contains === undefined || x.isr.includes(p.contains)) &&
          (p.excludes === undefined || !x.isr.includes(p.excludes)),
        parts.join(' and ') || 'an ISR',
        (x) => `has ISR ${list(x.isr)}`,
      );
    }),
});
