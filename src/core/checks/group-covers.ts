import { z } from 'zod';
import { defineCheck, fail, group, list, needsFor, partial, pass, staleMembers, topic } from './helpers.js';

export const groupCovers = defineCheck({
  kind: 'group-covers',
  schema: z.strictObject({ group, topic }),
  needs: (p) => needsFor({ topic: p.topic, group: p.group }),
  gradual: true,
  evaluate: (p, s, scope) => {
    const g = s.groups[p.group];
    const t = s.topics[p.topic];
    if (!g) return fail(`expected consumer group ${p.group}, found none.`);
    if (!t?.exists) return fail(`expected topic ${p.topic}, found none.`);
    const stale = staleMembers(scope, g);
    if (stale) return stale;
    if (g.members.some((m) => m.assignment === null))
      return fail(`group ${p.group} is rebalancing; its assignment is not settled yet.`);
    const counts = new Map<number, number>();
    for (const m of g.members)
      for (const part of m.assignment?.[p.topic] ?? []) counts.set(part, (counts.get(part) ?? 0) + 1);
    const missing = t.partitions.map((x) => x.partition).filter((x) => !counts.has(x));
    const twice = [...counts].filter(([, n]) => n > 1).map(([x]) => x);
    if (missing.length === 0 && twice.length === 0)
      return pass(`group ${p.group} reads each of the ${t.partitions.length} partitions of ${p.topic} exactly once.`);
    return fail(
      `expected every partition of ${p.topic} assigned exactly once in group ${p.group}; found unassigned ${list(missing)}, assigned twice ${list(twice)}.`,
      partial(t.partitions.length - missing.length - twice.length, t.partitions.length),
    );
  },
});
