// What every check kind is made of, and the helpers the kinds share. A kind is one object in its own
// file (see index.ts for the list): its parameters' schema, what it needs the inspector to gather, and
// a pure evaluation over a snapshot. A failing check is a result whose message says what was expected
// and what was found.
import { z } from 'zod';
import { membersSince, messagesSince, type LabScope } from '../scope.js';
import {
  describeGap,
  liveBrokers,
  type ClusterSnapshot,
  type GroupState,
  type Message,
  type Needs,
  type PartitionState,
  type TopicState,
} from '../snapshot.js';

export interface CheckResult {
  pass: boolean;
  /** 0..1: partial credit for checks that count parts (partitions, values). */
  score: number;
  message: string;
}

export interface CheckKindOf<K extends string, S extends z.ZodType> {
  kind: K;
  /** The parameters a lab or rubric gives the check (beside `kind` and `within`). */
  schema: S;
  /** What the inspector must gather for the check. */
  needs(p: z.infer<S>): Needs;
  /** Truth that arrives with time (leaders move, ISRs shrink, groups rebalance): polled while `within` lasts. */
  gradual: boolean;
  /** The topic's messages are what the check is about: what a passing one read is evidence for later steps. */
  readsMessages?: boolean;
  /** `scope` says where this lab started; with NO_SCOPE everything in the cluster counts. */
  evaluate(p: z.infer<S>, s: ClusterSnapshot, scope: LabScope): CheckResult;
}

/** Keeps the kind's name a literal type, so the registry can name every kind's parameters. */
export function defineCheck<const K extends string, S extends z.ZodType>(def: CheckKindOf<K, S>): CheckKindOf<K, S> {
  return def;
}

/** Parameters the kinds share. */
export const topic = z
  .string()
  .min(1)
  .max(249)
  .regex(/^[A-Za-z0-9._-]+$/, 'a Kafka topic name');
export const group = z.string().min(1).max(255);
export const broker = z.number().int().min(0);

/** What a check asks of the inspector: its topic and group; messages and acknowledged writes when it reads them. */
export function needsFor(o: {
  topic?: string;
  group?: string;
  messages?: boolean;
  acked?: boolean;
  endOffsets?: boolean;
}): Needs {
  const topic = o.topic ? [o.topic] : [];
  return {
    topics: topic,
    groups: o.group ? [o.group] : [],
    messagesOf: o.messages ? topic : [],
    ackedOf: o.acked ? topic : [],
    // A lab counts from its start: the end offsets tell a topic created again from the old one.
    endOffsetsOf: o.messages || o.endOffsets ? topic : [],
  };
}

export const pass = (message: string): CheckResult => ({ pass: true, score: 1, message });
export const fail = (message: string, score = 0): CheckResult => ({ pass: false, score, message });
export const list = (xs: number[]) => (xs.length ? xs.join(',') : 'none');
export const partial = (good: number, all: number) => (all === 0 ? 0 : good / all);
export const noSuchTopic = (name: string) => fail(`expected topic ${name}, found no such topic.`);
export const sinceStart = (scope: LabScope) => (scope.baseline ? ' since this lab started' : '');

const notInspected = (s: ClusterSnapshot, name: string) =>
  fail(`topic ${name} could not be inspected${s.gaps.length ? ` (${describeGap(s.gaps[0]!)})` : ''}.`);

export function withTopic(s: ClusterSnapshot, name: string, fn: (t: TopicState) => CheckResult): CheckResult {
  const t = s.topics[name];
  if (!t) return notInspected(s, name);
  if (!t.exists) return noSuchTopic(name);
  return fn(t);
}

/** A topic with the brokers that are live; when which ones are could not be learnt, the topic is not judged. */
export function withLiveBrokers(
  s: ClusterSnapshot,
  name: string,
  fn: (t: TopicState, live: Set<number>) => CheckResult,
): CheckResult {
  return withTopic(s, name, (t) => {
    const live = liveBrokers(s);
    return live ? fn(t, live) : notInspected(s, name);
  });
}

/** A read that failed is said as such: an unread topic must not look empty (or its messages lost). */
export function withMessages(
  s: ClusterSnapshot,
  scope: LabScope,
  name: string,
  fn: (messages: Message[]) => CheckResult,
): CheckResult {
  if (s.topics[name]?.exists === false) return noSuchTopic(name);
  const all = s.messages[name];
  if (all !== undefined) return fn(messagesSince(scope, name, all, s.endOffsets?.[name]));
  const why = s.gaps.find((g) => g.scope === 'messages' && g.topic === name)?.reason;
  return fail(`the messages of ${name} could not be read${why ? ` (${why})` : ''}, so they were not checked.`);
}

export function perPartition(
  t: TopicState,
  ok: (p: PartitionState) => boolean,
  expected: string,
  found: (p: PartitionState) => string,
): CheckResult {
  const bad = t.partitions.filter((p) => !ok(p));
  if (bad.length === 0) return pass(`${t.name}: ${expected} on all ${t.partitions.length} partitions.`);
  const shown = bad
    .slice(0, 4)
    .map((p) => `partition ${p.partition} ${found(p)}`)
    .join('; ');
  return fail(
    `${t.name}: expected ${expected}; found ${shown}${bad.length > 4 ? ` and ${bad.length - 4} more` : ''}.`,
    partial(t.partitions.length - bad.length, t.partitions.length),
  );
}

/** Members from before the lab started are an earlier lab's consumers, still running. */
export function staleMembers(scope: LabScope, g: GroupState): CheckResult | undefined {
  const { before } = membersSince(scope, g);
  if (before.length === 0) return undefined;
  return fail(
    `group ${g.groupId} still has ${before.length} member${before.length > 1 ? 's' : ''} that joined before this lab started; stop those consumers (Ctrl-C) and start the ones this step asks for.`,
  );
}
