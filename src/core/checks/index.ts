// The check kinds: a closed set, listed here once. A new kind is its own file, one line in KINDS, and
// its entry in the lab format (labs/README.md, "Check kinds").
import type { z } from 'zod';
import { NO_SCOPE, type LabScope } from '../scope.js';
import type { ClusterSnapshot, Needs } from '../snapshot.js';
import type { CheckKindOf, CheckResult } from './helpers.js';
import { ackedSurvive } from './acked-survive.js';
import { brokerLeadsNone } from './broker-leads-none.js';
import { brokerState } from './broker-state.js';
import { fullyReplicated } from './fully-replicated.js';
import { groupCovers } from './group-covers.js';
import { groupExists } from './group-exists.js';
import { groupMembers } from './group-members.js';
import { groupOffsets } from './group-offsets.js';
import { groupShare } from './group-share.js';
import { isr } from './isr.js';
import { leadersLive } from './leaders-live.js';
import { partitionsOffline } from './partitions-offline.js';
import { preferredLeaders } from './preferred-leaders.js';
import { quorum } from './quorum.js';
import { topicAbsent } from './topic-absent.js';
import { topicContains } from './topic-contains.js';
import { topicExists } from './topic-exists.js';
import { topicHoldsAtLeast } from './topic-holds-at-least.js';

/** In the order error messages list them. */
const KINDS = [
  topicExists,
  topicAbsent,
  leadersLive,
  partitionsOffline,
  brokerLeadsNone,
  isr,
  fullyReplicated,
  preferredLeaders,
  brokerState,
  quorum,
  groupExists,
  groupMembers,
  groupCovers,
  groupShare,
  groupOffsets,
  topicContains,
  topicHoldsAtLeast,
  ackedSurvive,
] as const;

type Kind = (typeof KINDS)[number];
export type CheckKind = Kind['kind'];
export type CheckParams<K extends CheckKind> = z.infer<Extract<Kind, { kind: K }>['schema']>;
export interface CheckSpec<K extends CheckKind = CheckKind> {
  kind: K;
  params: CheckParams<K>;
}
export type { CheckResult };

export const checkKinds: CheckKind[] = KINDS.map((k) => k.kind);

const BY_KIND = new Map<string, CheckKindOf<string, z.ZodType>>(KINDS.map((k) => [k.kind, k]));
const kindOf = (c: CheckSpec) => BY_KIND.get(c.kind)!;

export function isCheckKind(kind: string): kind is CheckKind {
  return BY_KIND.has(kind);
}

/** The schema of a kind's parameters. */
export function checkSchema(kind: CheckKind): z.ZodType<Record<string, unknown>> {
  return BY_KIND.get(kind)!.schema as z.ZodType<Record<string, unknown>>;
}

export function needsOf(c: CheckSpec): Needs {
  return kindOf(c).needs(c.params);
}

/** Checks whose truth arrives with time (leaders move, ISRs shrink, groups rebalance) are polled. */
export function isGradual(c: CheckSpec): boolean {
  return kindOf(c).gradual;
}

/** Checks about a topic's messages: what a passing one read is kept as evidence (see core/lab.ts evidenceTopics). */
export function readsMessages(c: CheckSpec): boolean {
  return kindOf(c).readsMessages === true;
}

/** `scope` says where this lab started; without one, everything in the cluster counts. */
export function evaluate(c: CheckSpec, s: ClusterSnapshot, scope: LabScope = NO_SCOPE): CheckResult {
  return kindOf(c).evaluate(c.params, s, scope);
}
