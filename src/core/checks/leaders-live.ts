import { z } from 'zod';
import { defineCheck, needsFor, perPartition, topic, withLiveBrokers } from './helpers.js';

export const leadersLive = defineCheck({
  kind: 'leaders-live',
  schema: z.strictObject({ topic }),
  needs: (p) => needsFor({ topic: p.topic }),
  gradual: true,
  evaluate: (p, s) =>
    withLiveBrokers(s, p.topic, (t, live) =>
      perPartition(
        t,
        (x) => x.leader >= 0 && live.has(x.leader),
        'a live leader',
        (x) => (x.leader < 0 ? 'has no leader' : `is led by broker ${x.leader}, which is down`),
      ),
    ),
});
