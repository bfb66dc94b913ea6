import { z } from 'zod';
import { defineCheck, list, needsFor, perPartition, topic, withTopic } from './helpers.js';

export const fullyReplicated = defineCheck({
  kind: 'fully-replicated',
  schema: z.strictObject({ topic }),
  needs: (p) => needsFor({ topic: p.topic }),
  gradual: true,
  evaluate: (p, s) =>
    withTopic(s, p.topic, (t) =>
      perPartition(
        t,
        (x) => x.isr.length === x.replicas.length,
        'every replica in sync',
        (x) => `has ISR ${list(x.isr)} of replicas ${list(x.replicas)}`,
      ),
    ),
});
