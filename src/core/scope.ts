// What "this lab" means to a check: the cluster as it was when the student started the lab, and what
// passing checks read since. Checks count messages, commits and members from that start, so what an
// earlier lab left behind never passes a step.
import type { GroupState, MemberState, Message } from './snapshot.js';

export interface Baseline {
  /** When the lab started. */
  atMs: number;
  /** topic -> partition -> end offset at the start; a topic absent then has none. */
  ends: Record<string, Record<number, number>>;
  /** group -> member ids present at the start. */
  members: Record<string, string[]>;
  /** The controller quorum's leader epoch at the start (KRaft labs that check the quorum). */
  quorumEpoch?: number;
}

/** What a passing check read of a topic: the student's own writes, kept as evidence for later steps. */
export interface Read {
  stepId: string;
  atMs: number;
  topic: string;
  messages: Message[];
}

export interface LabScope {
  baseline?: Baseline;
  reads: Read[];
}

export const NO_SCOPE: LabScope = { reads: [] };

/**
 * Where this lab's part of a partition begins. A partition whose end is now below where it was at the
 * start was emptied by deleting and creating the topic again: all of it is this lab's.
 */
export function startOffset(scope: LabScope, topic: string, partition: number, endNow?: number): number {
  const start = scope.baseline?.ends[topic]?.[partition] ?? 0;
  return endNow !== undefined && endNow < start ? 0 : start;
}

export function messagesSince(
  scope: LabScope,
  topic: string,
  all: Message[],
  ends?: Record<number, number>,
): Message[] {
  if (!scope.baseline) return all;
  return all.filter((m) => m.offset >= startOffset(scope, topic, m.partition, ends?.[m.partition]));
}

export function membersSince(scope: LabScope, g: GroupState): { fresh: MemberState[]; before: MemberState[] } {
  const old = new Set(scope.baseline?.members[g.groupId] ?? []);
  return { fresh: g.members.filter((m) => !old.has(m.memberId)), before: g.members.filter((m) => old.has(m.memberId)) };
}

/** The last read of `topic` by a passing check that ended before `beforeMs`. */
export function lastReadBefore(scope: LabScope, topic: string, beforeMs: number): Read | undefined {
  return scope.reads
    .filter((r) => r.topic === topic && r.atMs < beforeMs && (!scope.baseline || r.atMs >= scope.baseline.atMs))
    .sort((a, b) => b.atMs - a.atMs)[0];
}

/** Keeps the newest reads per topic: evidence for a fault later, not a history. */
export function addReads(reads: Read[], more: Read[], perTopic = 4): Read[] {
  const all = [...reads, ...more].sort((a, b) => a.atMs - b.atMs);
  const out: Read[] = [];
  for (const topic of new Set(all.map((r) => r.topic)))
    out.push(...all.filter((r) => r.topic === topic).slice(-perTopic));
  return out.sort((a, b) => a.atMs - b.atMs);
}
