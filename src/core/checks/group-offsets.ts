import { z } from 'zod';
import { startOffset, type LabScope } from '../scope.js';
import type { ClusterSnapshot } from '../snapshot.js';
import {
  defineCheck,
  fail,
  group,
  needsFor,
  partial,
  pass,
  sinceStart,
  topic,
  withMessages,
  type CheckResult,
} from './helpers.js';

export const groupOffsets = defineCheck({
  kind: 'group-offsets',
  /** The group committed past `atLeast` records since the lab started, or past each of these `values`. */
  schema: z
    .strictObject({
      group,
      topic,
      atLeast: z.number().int().min(0).optional(),
      values: z.array(z.string()).min(1).optional(),
    })
    .refine((p) => (p.atLeast === undefined) !== (p.values === undefined), 'give one of atLeast or values'),
  needs: (p) => needsFor({ topic: p.topic, group: p.group, messages: p.values !== undefined, endOffsets: true }),
  gradual: true,
  evaluate: (p, s, scope) => {
    const g = s.groups[p.group];
    if (p.values) return groupRead(s, p.group, p.topic, p.values, scope);
    // A committed offset is the next record to read: what lies between the lab's start and it was read.
    const ends = s.endOffsets?.[p.topic];
    const total = Object.entries(g?.offsets[p.topic] ?? {}).reduce(
      (a, [part, at]) => a + Math.max(0, at - startOffset(scope, p.topic, Number(part), ends?.[Number(part)])),
      0,
    );
    const since = sinceStart(scope);
    const atLeast = p.atLeast ?? 0;
    return total >= atLeast
      ? pass(`group ${p.group} has committed ${total} messages of ${p.topic}${since}.`)
      : fail(
          `expected group ${p.group} to have committed at least ${atLeast} messages of ${p.topic}; found ${total}${since}.`,
          Math.min(1, total / atLeast),
        );
  },
});

/** The group read each value: one of its records since the start lies below the committed offset. */
function groupRead(s: ClusterSnapshot, groupId: string, topic: string, values: string[], scope: LabScope): CheckResult {
  const committed = s.groups[groupId]?.offsets[topic] ?? {};
  return withMessages(s, scope, topic, (messages) => {
    const unread = values.filter(
      (v) => !messages.some((m) => m.value === v && m.offset < (committed[m.partition] ?? -1)),
    );
    if (unread.length === 0)
      return pass(
        `group ${groupId} has read all ${values.length} messages (its commits on ${topic} are past each of them).`,
      );
    const absent = unread.filter((v) => !messages.some((m) => m.value === v));
    const why = absent.length ? ` (${absent.length} of them are not in ${topic}${sinceStart(scope)})` : '';
    return fail(
      `expected group ${groupId} to have read ${values.length} messages; its commits stop before ${unread.length}: ${unread.slice(0, 5).join(', ')}${unread.length > 5 ? ', ...' : ''}${why}.`,
      partial(values.length - unread.length, values.length),
    );
  });
}
