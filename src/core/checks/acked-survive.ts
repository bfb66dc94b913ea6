import { z } from 'zod';
import { lastReadBefore } from '../scope.js';
import { defineCheck, fail, needsFor, partial, pass, sinceStart, topic, withMessages } from './helpers.js';

export const ackedSurvive = defineCheck({
  kind: 'acked-survive',
  schema: z.strictObject({ topic }),
  needs: (p) => needsFor({ topic: p.topic, messages: true, acked: true }),
  gradual: true,
  readsMessages: true,
  evaluate: (p, s, scope) => {
    const fault = s.lastFaultMs;
    if (fault === null || (scope.baseline && fault < scope.baseline.atMs)) {
      return fail(
        `expected a fault to have been injected${sinceStart(scope)}; kafka-lab's event log records none yet, and no broker container stopped.`,
      );
    }
    const at = clockTime(fault);
    // Evidence, best first: what a passing check read before the fault (the student's own writes,
    // at their partitions and offsets), then what kafka-lab itself wrote and had acknowledged.
    const read = lastReadBefore(scope, p.topic, fault);
    const inRead = new Set(read?.messages.map((m) => m.value));
    const acked = (s.acked[p.topic] ?? []).filter(
      (a) => a.atMs <= fault && (!scope.baseline || a.atMs >= scope.baseline.atMs) && !inRead.has(a.value),
    );
    if (!read && acked.length === 0) {
      return fail(
        `expected a record of what ${p.topic} held before the fault at ${at}; none was kept. Check the step that sends the messages (kafka-lab check) before you stop the broker.`,
      );
    }
    return withMessages(s, scope, p.topic, (now) => {
      const here = new Set(now.map((m) => `${m.partition}/${m.offset}/${m.value}`));
      const values = new Set(now.map((m) => m.value));
      const lostRead = (read?.messages ?? []).filter((m) => !here.has(`${m.partition}/${m.offset}/${m.value}`));
      const lostAcked = acked.filter((a) => !values.has(a.value));
      const total = (read?.messages.length ?? 0) + acked.length;
      const lost = [
        ...lostRead.map((m) => `${m.value} (partition ${m.partition}, offset ${m.offset})`),
        ...lostAcked.map((a) => a.value),
      ];
      const from = [
        read ? `the ${read.messages.length} messages step ${read.stepId}'s check read at ${clockTime(read.atMs)}` : '',
        acked.length ? `${acked.length} messages kafka-lab wrote and had acknowledged` : '',
      ]
        .filter(Boolean)
        .join(' and ');
      if (lost.length === 0)
        return pass(
          `all ${total} messages ${p.topic} held before the fault at ${at} are still readable (evidence: ${from}).`,
        );
      return fail(
        `expected every message ${p.topic} held before the fault at ${at} to be readable (evidence: ${from}); ${lost.length} are lost: ${lost.slice(0, 5).join(', ')}${lost.length > 5 ? ', ...' : ''}.`,
        partial(total - lost.length, total),
      );
    });
  },
});

/** 10:31:02, in UTC like the event log. */
function clockTime(ms: number): string {
  return new Date(ms).toISOString().slice(11, 19);
}
