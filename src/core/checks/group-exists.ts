import { z } from 'zod';
import { defineCheck, fail, group, needsFor, pass } from './helpers.js';

export const groupExists = defineCheck({
  kind: 'group-exists',
  schema: z.strictObject({ group }),
  needs: (p) => needsFor({ group: p.group }),
  gradual: false,
  evaluate: (p, s) =>
    s.groups[p.group]
      ? pass(`consumer group ${p.group} exists (${s.groups[p.group]!.state}).`)
      : fail(`expected consumer group ${p.group}, found none with that name.`),
});
