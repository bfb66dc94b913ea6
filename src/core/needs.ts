// What the inspector must gather: for a set of checks (a step's, a rubric's), from each kind's needs,
// and for a lab on screen, which adds the groups its solutions' consumers join.
import { needsOf, type CheckSpec } from './checks/index.js';
import type { Lab } from './lab.js';
import { mergeNeeds, type Needs } from './snapshot.js';

export function checksNeeds(checks: readonly CheckSpec[]): Needs {
  return mergeNeeds(checks.map(needsOf));
}

/**
 * What a lab works on, as the cluster panel shows it and the lab's start records it: its topics (with
 * end offsets, for lag) and every group its checks or solutions name. No messages: the panel polls.
 */
export function labNeeds(lab: Lab): Needs {
  const { groups, quorum } = checksNeeds(lab.steps.flatMap((s) => s.checks));
  const consumerGroups = lab.steps.flatMap((s) =>
    s.solution.flatMap((a) => ('consumer' in a && a.consumer.group ? [a.consumer.group] : [])),
  );
  return {
    topics: [...lab.topics],
    groups: [...new Set([...groups, ...consumerGroups])].sort(),
    messagesOf: [],
    endOffsetsOf: [...lab.topics],
    ...(quorum ? { quorum } : {}),
  };
}

/** A lab with no checks, faults or solutions that act (a quiz) does not need the cluster. */
export function labNeedsCluster(lab: Lab): boolean {
  return (
    lab.topics.length > 0 ||
    lab.steps.some((s) => s.checks.length > 0 || s.fault !== undefined || s.solution.length > 0)
  );
}
