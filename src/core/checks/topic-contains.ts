import { z } from 'zod';
import { defineCheck, fail, needsFor, partial, pass, sinceStart, topic, withMessages } from './helpers.js';

export const topicContains = defineCheck({
  kind: 'topic-contains',
  schema: z.strictObject({ topic, values: z.array(z.string()).min(1) }),
  needs: (p) => needsFor({ topic: p.topic, messages: true }),
  gradual: true,
  readsMessages: true,
  evaluate: (p, s, scope) =>
    withMessages(s, scope, p.topic, (messages) => {
      const seen = new Set(messages.map((m) => m.value));
      const missing = p.values.filter((v) => !seen.has(v));
      if (missing.length === 0)
        return pass(`topic ${p.topic} holds all ${p.values.length} expected messages${sinceStart(scope)}.`);
      return fail(
        `expected ${p.topic} to hold ${p.values.length} messages; missing ${missing.length}: ${missing.slice(0, 5).join(', ')}${missing.length > 5 ? ', ...' : ''}${scope.baseline ? ' (counting what was sent since this lab started)' : ''}.`,
        partial(p.values.length - missing.length, p.values.length),
      );
    }),
});
