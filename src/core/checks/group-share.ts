import { z } from 'zod';
import { defineCheck, fail, group, needsFor, pass, staleMembers, topic } from './helpers.js';

export const groupShare = defineCheck({
  kind: 'group-share',
  /** Without min and max: as even as the partitions allow (13 over 3 members is 4 or 5 each). */
  schema: z.strictObject({
    group,
    topic,
    min: z.number().int().min(0).optional(),
    max: z.number().int().min(0).optional(),
  }),
  needs: (p) => needsFor({ topic: p.topic, group: p.group }),
  gradual: true,
  evaluate: (p, s, scope) => {
    const g = s.groups[p.group];
    if (!g || g.members.length === 0)
      return fail(`expected members in group ${p.group}; found ${g ? 'none' : 'no such group'}.`);
    const stale = staleMembers(scope, g);
    if (stale) return stale;
    const shares = g.members.map((m) => m.assignment?.[p.topic]?.length ?? 0);
    const parts = s.topics[p.topic]?.partitions.length ?? 0;
    const even = p.min === undefined && p.max === undefined;
    const min = even ? Math.floor(parts / g.members.length) : (p.min ?? 0);
    const max = even ? Math.ceil(parts / g.members.length) : p.max;
    const ok = shares.every((n) => n >= min && (max === undefined || n <= max));
    const want = max === undefined ? `at least ${min}` : min === max ? `${min}` : `${min}-${max}`;
    return ok
      ? pass(`each member of ${p.group} reads ${want} partitions of ${p.topic} (${shares.join(', ')}).`)
      : fail(
          `expected each member of ${p.group} to read ${want} partitions of ${p.topic}; found ${shares.join(', ')}.`,
        );
  },
});
