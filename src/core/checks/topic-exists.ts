import { z } from 'zod';
import { defineCheck, fail, needsFor, pass, topic, withTopic } from './helpers.js';

export const topicExists = defineCheck({
  kind: 'topic-exists',
  schema: z.strictObject({
    topic,
    partitions: z.number().int().min(1).optional(),
    replicationFactor: z.number().int().min(1).optional(),
    configs: z.record(z.string(), z.string()).optional(),
  }),
  needs: (p) => needsFor({ topic: p.topic }),
  gradual: false,
  evaluate: (p, s) =>
    withTopic(s, p.topic, (t) => {
      const problems: string[] = [];
      const rf = t.partitions[0]?.replicas.length ?? 0;
      if (p.partitions !== undefined && t.partitions.length !== p.partitions)
        problems.push(`${t.partitions.length} partitions, the lab asks for ${p.partitions}`);
      if (p.replicationFactor !== undefined && rf !== p.replicationFactor)
        problems.push(`replication factor ${rf}, the lab asks for ${p.replicationFactor}`);
      for (const [k, v] of Object.entries(p.configs ?? {})) {
        if (t.configs[k] !== v) problems.push(`${k}=${t.configs[k] ?? '(default)'}, the lab asks for ${v}`);
      }
      if (problems.length === 0)
        return pass(`topic ${t.name} exists with ${t.partitions.length} partitions, replication factor ${rf}.`);
      return fail(`topic ${t.name} has ${problems.join('; ')}. Delete it and create it again with the asked settings.`);
    }),
});
