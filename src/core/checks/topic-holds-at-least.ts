import { z } from 'zod';
import { defineCheck, fail, needsFor, pass, sinceStart, topic, withMessages } from './helpers.js';

export const topicHoldsAtLeast = defineCheck({
  kind: 'topic-holds-at-least',
  schema: z.strictObject({ topic, count: z.number().int().min(1) }),
  needs: (p) => needsFor({ topic: p.topic, messages: true }),
  gradual: true,
  readsMessages: true,
  evaluate: (p, s, scope) =>
    withMessages(s, scope, p.topic, (messages) => {
      const n = messages.length;
      const since = sinceStart(scope);
      return n >= p.count
        ? pass(`topic ${p.topic} holds ${n} messages${since}.`)
        : fail(`expected at least ${p.count} messages in ${p.topic}; found ${n}${since}.`, Math.min(1, n / p.count));
    }),
});
