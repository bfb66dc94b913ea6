import { z } from 'zod';
import { describeGap } from '../snapshot.js';
import { defineCheck, fail, needsFor, pass } from './helpers.js';

/**
 * The KRaft controller quorum, as the Kafka tool describes it: a leader (or none, when no majority of
 * the voters runs), elected since the lab started (a higher leader epoch than then), and voters that
 * have caught up with the leader's log.
 */
export const quorum = defineCheck({
  kind: 'quorum',
  schema: z.strictObject({
    leader: z.enum(['elected', 'none']),
    newLeader: z.boolean().optional(),
    caughtUp: z.number().int().min(1).max(9).optional(),
  }),
  needs: () => ({ ...needsFor({}), quorum: true }),
  gradual: true,
  evaluate: (p, s, scope) => {
    const q = s.quorum;
    if (!q) {
      const gap = s.gaps.find((g) => g.scope === 'quorum');
      return fail(`the controller quorum could not be described${gap ? ` (${describeGap(gap)})` : ''}.`);
    }
    if (p.leader === 'none')
      return q.leaderId < 0
        ? pass(`no controller leads the quorum: asking it timed out (${q.unanswered ?? 'no answer'}).`)
        : fail(`expected a quorum without a leader; controller ${q.leaderId} leads it in epoch ${q.leaderEpoch}.`);
    if (q.leaderId < 0) return fail(`expected a quorum leader; none answered (${q.unanswered ?? 'no answer'}).`);
    const was = scope.baseline?.quorumEpoch;
    if (p.newLeader) {
      if (was === undefined)
        return fail('the quorum was not recorded when this lab started, so a new election cannot be told.');
      if (q.leaderEpoch <= was)
        return fail(
          `expected a new quorum leader since this lab started; controller ${q.leaderId} still leads in epoch ${q.leaderEpoch}, as then.`,
        );
    }
    const elected = p.newLeader ? `, elected since this lab started (epoch ${was} → ${q.leaderEpoch})` : '';
    if (p.caughtUp !== undefined) {
      const voters = (q.replication ?? []).filter((v) => q.voters.includes(v.id));
      const upToDate = voters.filter((v) => v.logEndOffset >= 0 && v.lag === 0).map((v) => v.id);
      if (upToDate.length < p.caughtUp)
        return fail(
          `expected ${p.caughtUp} voters caught up with leader ${q.leaderId}; ${upToDate.length} are (${
            voters.map((v) => `${v.id}: lag ${v.logEndOffset < 0 ? 'never fetched' : v.lag}`).join(', ') ||
            'no replication view'
          }).`,
          upToDate.length / p.caughtUp,
        );
      return pass(`controller ${q.leaderId} leads the quorum${elected}; voters ${upToDate.join(', ')} are caught up.`);
    }
    return pass(`controller ${q.leaderId} leads the quorum${elected}.`);
  },
});
