// Starting a lab: the cluster's state at that moment becomes the lab's baseline, so its checks count
// only what the student does from then on (see core/scope.ts).
import type { Lab } from '../core/lab.js';
import { checksNeeds, labNeeds } from '../core/needs.js';
import type { LabProgress } from '../core/progress.js';
import type { Baseline } from '../core/scope.js';
import type { Inspector } from '../core/snapshot.js';

export async function takeBaseline(inspector: Inspector, lab: Lab): Promise<Baseline> {
  const needs = labNeeds(lab);
  // Every topic a check names counts from the start too, not only the lab's own.
  const topics = [...new Set([...needs.topics, ...checksNeeds(lab.steps.flatMap((s) => s.checks)).topics])];
  const snap = await inspector.snapshot({ ...needs, topics, endOffsetsOf: topics });
  return {
    atMs: snap.atMs,
    ends: snap.endOffsets ?? {},
    members: Object.fromEntries(Object.values(snap.groups).map((g) => [g.groupId, g.members.map((m) => m.memberId)])),
    ...(snap.quorum && snap.quorum.leaderEpoch >= 0 ? { quorumEpoch: snap.quorum.leaderEpoch } : {}),
  };
}

/**
 * A lab is started once; `restart` starts it over (new baseline, no step results, answers kept).
 * Without an inspector (a quiz, which reads no cluster) there is no baseline to take.
 */
export async function started(
  inspector: Inspector | undefined,
  lab: Lab,
  p: LabProgress,
  o: { restart?: boolean; stop?: (service: string) => Promise<unknown> } = {},
): Promise<LabProgress> {
  const fresh = o.restart ? { ...p, current: 0, steps: {}, reads: [], baseline: undefined } : p;
  if (fresh.baseline || !inspector) return fresh;
  // A lab that begins with brokers down gets them down before its baseline is taken.
  for (const service of lab.start?.stopped ?? []) {
    if (!o.stop) throw new Error(`lab ${lab.ref} starts with ${service} stopped, and nothing here can stop it`);
    await o.stop(service);
  }
  const baseline = await takeBaseline(inspector, lab);
  return { ...fresh, baseline, reads: [], updatedAtMs: baseline.atMs };
}
