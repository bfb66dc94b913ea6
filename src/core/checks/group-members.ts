import { z } from 'zod';
import { membersSince } from '../scope.js';
import { defineCheck, fail, group, needsFor, pass, sinceStart } from './helpers.js';

export const groupMembers = defineCheck({
  kind: 'group-members',
  schema: z.strictObject({ group, count: z.number().int().min(0) }),
  needs: (p) => needsFor({ group: p.group }),
  gradual: true,
  evaluate: (p, s, scope) => {
    const g = s.groups[p.group];
    if (!g)
      return p.count === 0
        ? pass(`group ${p.group} has no members.`)
        : fail(`expected ${p.count} members in group ${p.group}; found no such group.`);
    const { fresh, before } = membersSince(scope, g);
    if (fresh.length === p.count && before.length === 0) return pass(`group ${p.group} has ${fresh.length} members.`);
    const old = before.length
      ? ` and ${before.length} that joined before this lab started (stop those with Ctrl-C)`
      : '';
    return fail(
      `expected ${p.count} members in group ${p.group}; found ${fresh.length}${sinceStart(scope) ? ' that joined since this lab started' : ''}${old}.`,
    );
  },
});
