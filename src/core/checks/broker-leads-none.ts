import { z } from 'zod';
import { broker, defineCheck, needsFor, perPartition, topic, withTopic } from './helpers.js';

export const brokerLeadsNone = defineCheck({
  kind: 'broker-leads-none',
  schema: z.strictObject({ topic, broker }),
  needs: (p) => needsFor({ topic: p.topic }),
  gradual: true,
  evaluate: (p, s) =>
    withTopic(s, p.topic, (t) =>
      perPartition(
        t,
        (x) => x.leader !== p.broker,
        `a leader other than broker ${p.broker}`,
        () => `is still led by broker ${p.broker}`,
      ),
    ),
});
