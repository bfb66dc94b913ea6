import { z } from 'zod';
import { defineCheck, needsFor, perPartition, topic, withTopic } from './helpers.js';

export const preferredLeaders = defineCheck({
  kind: 'preferred-leaders',
  schema: z.strictObject({ topic }),
  needs: (p) => needsFor({ topic: p.topic }),
  gradual: true,
  evaluate: (p, s) =>
    withTopic(s, p.topic, (t) =>
      perPartition(
        t,
        (x) => x.leader === x.replicas[0],
        'the preferred (first) replica as leader',
        (x) => `is led by ${x.leader < 0 ? 'nobody' : `broker ${x.leader}`}, preferred ${x.replicas[0]}`,
      ),
    ),
});
