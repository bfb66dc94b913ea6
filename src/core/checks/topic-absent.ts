import { z } from 'zod';
import { defineCheck, fail, needsFor, pass, topic } from './helpers.js';

export const topicAbsent = defineCheck({
  kind: 'topic-absent',
  schema: z.strictObject({ topic }),
  needs: (p) => needsFor({ topic: p.topic }),
  gradual: false,
  evaluate: (p, s) =>
    s.topics[p.topic]?.exists
      ? fail(`expected no topic ${p.topic}, but it exists.`)
      : pass(`topic ${p.topic} does not exist.`),
});
