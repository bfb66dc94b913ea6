// Check kinds: a closed set, each with a parameter schema and a pure evaluation over a snapshot.
// A failing check is a result whose message says what was expected and what was found.
import { z } from 'zod';
import { lastReadBefore, membersSince, messagesSince, NO_SCOPE, startOffset, type LabScope } from './scope.js';
import type { ClusterSnapshot, GroupState, Message, Needs, PartitionState, TopicState } from './snapshot.js';

export interface CheckResult {
  pass: boolean;
  /** 0..1: partial credit for checks that count parts (partitions, values). */
  score: number;
  message: string;
}

const topic = z.string().min(1).max(249).regex(/^[A-Za-z0-9._-]+$/, 'a Kafka topic name');
const group = z.string().min(1).max(255);
const broker = z.number().int().min(0);

export const checkSchemas = {
  'topic-exists': z.strictObject({
    topic,
    partitions: z.number().int().min(1).optional(),
    replicationFactor: z.number().int().min(1).optional(),
    configs: z.record(z.string(), z.string()).optional(),
  }),
  'topic-absent': z.strictObject({ topic }),
  'leaders-live': z.strictObject({ topic }),
  'partitions-offline': z.strictObject({ topic }),
  'broker-leads-none': z.strictObject({ topic, broker }),
  isr: z.strictObject({
    topic,
    size: z.number().int().min(0).optional(),
    contains: broker.optional(),
    excludes: broker.optional(),
  }),
  'fully-replicated': z.strictObject({ topic }),
  'preferred-leaders': z.strictObject({ topic }),
  'broker-state': z.strictObject({ broker, state: z.enum(['up', 'stopped']) }),
  'group-exists': z.strictObject({ group }),
  'group-members': z.strictObject({ group, count: z.number().int().min(0) }),
  'group-covers': z.strictObject({ group, topic }),
  /** Without min and max: as even as the partitions allow (13 over 3 members is 4 or 5 each). */
  'group-share': z.strictObject({ group, topic, min: z.number().int().min(0).optional(), max: z.number().int().min(0).optional() }),
  /** The group committed past `atLeast` records since the lab started, or past each of these `values`. */
  'group-offsets': z
    .strictObject({ group, topic, atLeast: z.number().int().min(0).optional(), values: z.array(z.string()).min(1).optional() })
    .refine((p) => (p.atLeast === undefined) !== (p.values === undefined), 'give one of atLeast or values'),
  'topic-contains': z.strictObject({ topic, values: z.array(z.string()).min(1) }),
  'topic-holds-at-least': z.strictObject({ topic, count: z.number().int().min(1) }),
  'acked-survive': z.strictObject({ topic }),
} as const;

export type CheckKind = keyof typeof checkSchemas;
export type CheckParams<K extends CheckKind> = z.infer<(typeof checkSchemas)[K]>;
export interface CheckSpec<K extends CheckKind = CheckKind> {
  kind: K;
  params: CheckParams<K>;
}

export const checkKinds = Object.keys(checkSchemas) as CheckKind[];

export const READS_MESSAGES: readonly CheckKind[] = ['topic-contains', 'topic-holds-at-least', 'acked-survive'];

export function needsOf(c: CheckSpec): Needs {
  const p = c.params as { topic?: string; group?: string; values?: string[] };
  const reads = READS_MESSAGES.includes(c.kind) || (c.kind === 'group-offsets' && p.values !== undefined);
  return {
    topics: p.topic ? [p.topic] : [],
    groups: p.group ? [p.group] : [],
    messagesOf: reads ? [p.topic!] : [],
    ackedOf: c.kind === 'acked-survive' ? [p.topic!] : [],
    // A lab counts from its start: the end offsets tell a topic created again from the old one.
    endOffsetsOf: reads || c.kind === 'group-offsets' ? [p.topic!] : [],
  };
}

/** Checks whose truth arrives with time (leaders move, ISRs shrink, groups rebalance) are polled. */
export function isGradual(c: CheckSpec): boolean {
  return !['topic-exists', 'topic-absent', 'group-exists'].includes(c.kind);
}

const pass = (message: string): CheckResult => ({ pass: true, score: 1, message });
const fail = (message: string, score = 0): CheckResult => ({ pass: false, score, message });
const list = (xs: number[]) => (xs.length ? xs.join(',') : 'none');
const partial = (good: number, all: number) => (all === 0 ? 0 : good / all);
const noSuchTopic = (name: string) => fail(`expected topic ${name}, found no such topic.`);

function withTopic(s: ClusterSnapshot, name: string, fn: (t: TopicState) => CheckResult): CheckResult {
  const t = s.topics[name];
  if (!t) return fail(`topic ${name} could not be inspected${s.unknown.length ? ` (${s.unknown[0]})` : ''}.`);
  if (!t.exists) return noSuchTopic(name);
  return fn(t);
}

/** A read that failed is said as such: an unread topic must not look empty (or its messages lost). */
function withMessages(s: ClusterSnapshot, scope: LabScope, name: string, fn: (messages: Message[]) => CheckResult): CheckResult {
  if (s.topics[name]?.exists === false) return noSuchTopic(name);
  const all = s.messages[name];
  if (all !== undefined) return fn(messagesSince(scope, name, all, s.endOffsets?.[name]));
  const why = s.unknown.find((u) => u.startsWith(`messages of ${name}:`))?.slice(`messages of ${name}: `.length);
  return fail(`the messages of ${name} could not be read${why ? ` (${why})` : ''}, so they were not checked.`);
}

function perPartition(t: TopicState, ok: (p: PartitionState) => boolean, expected: string, found: (p: PartitionState) => string): CheckResult {
  const bad = t.partitions.filter((p) => !ok(p));
  if (bad.length === 0) return pass(`${t.name}: ${expected} on all ${t.partitions.length} partitions.`);
  const shown = bad.slice(0, 4).map((p) => `partition ${p.partition} ${found(p)}`).join('; ');
  return fail(`${t.name}: expected ${expected}; found ${shown}${bad.length > 4 ? ` and ${bad.length - 4} more` : ''}.`, partial(t.partitions.length - bad.length, t.partitions.length));
}

type Evaluator<K extends CheckKind> = (s: ClusterSnapshot, p: CheckParams<K>, scope: LabScope) => CheckResult;

const sinceStart = (scope: LabScope) => (scope.baseline ? ' since this lab started' : '');

/** Members from before the lab started are an earlier lab's consumers, still running. */
function staleMembers(scope: LabScope, g: GroupState): CheckResult | undefined {
  const { before } = membersSince(scope, g);
  if (before.length === 0) return undefined;
  return fail(`group ${g.groupId} still has ${before.length} member${before.length > 1 ? 's' : ''} that joined before this lab started; stop those consumers (Ctrl-C) and start the ones this step asks for.`);
}

const evaluators: { [K in CheckKind]: Evaluator<K> } = {
  'topic-exists': (s, p) =>
    withTopic(s, p.topic, (t) => {
      const problems: string[] = [];
      const rf = t.partitions[0]?.replicas.length ?? 0;
      if (p.partitions !== undefined && t.partitions.length !== p.partitions) problems.push(`${t.partitions.length} partitions, the lab asks for ${p.partitions}`);
      if (p.replicationFactor !== undefined && rf !== p.replicationFactor) problems.push(`replication factor ${rf}, the lab asks for ${p.replicationFactor}`);
      for (const [k, v] of Object.entries(p.configs ?? {})) {
        if (t.configs[k] !== v) problems.push(`${k}=${t.configs[k] ?? '(default)'}, the lab asks for ${v}`);
      }
      if (problems.length === 0) return pass(`topic ${t.name} exists with ${t.partitions.length} partitions, replication factor ${rf}.`);
      return fail(`topic ${t.name} has ${problems.join('; ')}. Delete it and create it again with the asked settings.`);
    }),
  'topic-absent': (s, p) => (s.topics[p.topic]?.exists ? fail(`expected no topic ${p.topic}, but it exists.`) : pass(`topic ${p.topic} does not exist.`)),
  'leaders-live': (s, p) =>
    withTopic(s, p.topic, (t) => {
      const live = new Set(s.brokers.map((b) => b.id));
      return perPartition(t, (x) => x.leader >= 0 && live.has(x.leader), 'a live leader', (x) => (x.leader < 0 ? 'has no leader' : `is led by broker ${x.leader}, which is down`));
    }),
  'partitions-offline': (s, p) =>
    withTopic(s, p.topic, (t) => {
      const live = new Set(s.brokers.map((b) => b.id));
      const offline = t.partitions.filter((x) => x.leader < 0 || !live.has(x.leader)).map((x) => x.partition);
      return offline.length
        ? pass(`${t.name}: partition${offline.length > 1 ? 's' : ''} ${list(offline)} ha${offline.length > 1 ? 've' : 's'} no live leader, so writes to ${offline.length > 1 ? 'them' : 'it'} fail.`)
        : fail(`expected ${t.name} to have a partition with no live leader; found every partition led (leaders ${list(t.partitions.map((x) => x.leader))}).`);
    }),
  'broker-leads-none': (s, p) => withTopic(s, p.topic, (t) => perPartition(t, (x) => x.leader !== p.broker, `a leader other than broker ${p.broker}`, () => `is still led by broker ${p.broker}`)),
  isr: (s, p) =>
    withTopic(s, p.topic, (t) => {
      const parts: string[] = [];
      if (p.size !== undefined) parts.push(`an ISR of ${p.size}`);
      if (p.contains !== undefined) parts.push(`broker ${p.contains} in the ISR`);
      if (p.excludes !== undefined) parts.push(`broker ${p.excludes} out of the ISR`);
      return perPartition(
        t,
        (x) => (p.size === undefined || x.isr.length === p.size) && (p.contains === undefined || x.isr.includes(p.contains)) && (p.excludes === undefined || !x.isr.includes(p.excludes)),
        parts.join(' and ') || 'an ISR',
        (x) => `has ISR ${list(x.isr)}`,
      );
    }),
  'fully-replicated': (s, p) => withTopic(s, p.topic, (t) => perPartition(t, (x) => x.isr.length === x.replicas.length, 'every replica in sync', (x) => `has ISR ${list(x.isr)} of replicas ${list(x.replicas)}`)),
  'preferred-leaders': (s, p) => withTopic(s, p.topic, (t) => perPartition(t, (x) => x.leader === x.replicas[0], 'the preferred (first) replica as leader', (x) => `is led by ${x.leader < 0 ? 'nobody' : `broker ${x.leader}`}, preferred ${x.replicas[0]}`)),
  'broker-state': (s, p) => {
    const c = s.containers.find((x) => x.brokerId === p.broker);
    const member = s.brokers.some((b) => b.id === p.broker);
    if (s.containers.length === 0) {
      // A remote cluster: no containers to see, only whether the cluster lists the broker.
      const ok = (p.state === 'up') === member;
      return ok ? pass(`broker ${p.broker} is ${member ? 'in' : 'out of'} the cluster.`) : fail(`expected broker ${p.broker} ${p.state}; the cluster ${member ? 'lists' : 'does not list'} it.`);
    }
    const state = c?.state ?? 'missing';
    if (p.state === 'up') {
      return c?.state === 'running' && member ? pass(`broker ${p.broker} is running and in the cluster.`) : fail(`expected broker ${p.broker} up; found its container ${state} and it is ${member ? '' : 'not '}in the cluster.`);
    }
    return c?.state !== 'running' && !member ? pass(`broker ${p.broker} is stopped (container ${state}) and out of the cluster.`) : fail(`expected broker ${p.broker} stopped; found its container ${state} and it is ${member ? 'still' : 'not'} in the cluster.`);
  },
  'group-exists': (s, p) => (s.groups[p.group] ? pass(`consumer group ${p.group} exists (${s.groups[p.group]!.state}).`) : fail(`expected consumer group ${p.group}, found none with that name.`)),
  'group-members': (s, p, scope) => {
    const g = s.groups[p.group];
    if (!g) return p.count === 0 ? pass(`group ${p.group} has no members.`) : fail(`expected ${p.count} members in group ${p.group}; found no such group.`);
    const { fresh, before } = membersSince(scope, g);
    if (fresh.length === p.count && before.length === 0) return pass(`group ${p.group} has ${fresh.length} members.`);
    const old = before.length ? ` and ${before.length} that joined before this lab started (stop those with Ctrl-C)` : '';
    return fail(`expected ${p.count} members in group ${p.group}; found ${fresh.length}${sinceStart(scope) ? ' that joined since this lab started' : ''}${old}.`);
  },
  'group-covers': (s, p, scope) => {
    const g = s.groups[p.group];
    const t = s.topics[p.topic];
    if (!g) return fail(`expected consumer group ${p.group}, found none.`);
    if (!t?.exists) return fail(`expected topic ${p.topic}, found none.`);
    const stale = staleMembers(scope, g);
    if (stale) return stale;
    if (g.members.some((m) => m.assignment === null)) return fail(`group ${p.group} is rebalancing; its assignment is not settled yet.`);
    const counts = new Map<number, number>();
    for (const m of g.members) for (const part of m.assignment?.[p.topic] ?? []) counts.set(part, (counts.get(part) ?? 0) + 1);
    const missing = t.partitions.map((x) => x.partition).filter((x) => !counts.has(x));
    const twice = [...counts].filter(([, n]) => n > 1).map(([x]) => x);
    if (missing.length === 0 && twice.length === 0) return pass(`group ${p.group} reads each of the ${t.partitions.length} partitions of ${p.topic} exactly once.`);
    return fail(`expected every partition of ${p.topic} assigned exactly once in group ${p.group}; found unassigned ${list(missing)}, assigned twice ${list(twice)}.`, partial(t.partitions.length - missing.length - twice.length, t.partitions.length));
  },
  'group-share': (s, p, scope) => {
    const g = s.groups[p.group];
    if (!g || g.members.length === 0) return fail(`expected members in group ${p.group}; found ${g ? 'none' : 'no such group'}.`);
    const stale = staleMembers(scope, g);
    if (stale) return stale;
    const shares = g.members.map((m) => m.assignment?.[p.topic]?.length ?? 0);
    const parts = s.topics[p.topic]?.partitions.length ?? 0;
    const even = p.min === undefined && p.max === undefined;
    const min = even ? Math.floor(parts / g.members.length) : (p.min ?? 0);
    const max = even ? Math.ceil(parts / g.members.length) : p.max;
    const ok = shares.every((n) => n >= min && (max === undefined || n <= max));
    const want = max === undefined ? `at least ${min}` : min === max ? `${min}` : `${min}-${max}`;
    return ok ? pass(`each member of ${p.group} reads ${want} partitions of ${p.topic} (${shares.join(', ')}).`) : fail(`expected each member of ${p.group} to read ${want} partitions of ${p.topic}; found ${shares.join(', ')}.`);
  },
  'group-offsets': (s, p, scope) => {
    const g = s.groups[p.group];
    if (p.values) return groupRead(s, p.group, p.topic, p.values, scope);
    // A committed offset is the next record to read: what lies between the lab's start and it was read.
    const ends = s.endOffsets?.[p.topic];
    const total = Object.entries(g?.offsets[p.topic] ?? {}).reduce((a, [part, at]) => a + Math.max(0, at - startOffset(scope, p.topic, Number(part), ends?.[Number(part)])), 0);
    const since = sinceStart(scope);
    const atLeast = p.atLeast ?? 0;
    return total >= atLeast
      ? pass(`group ${p.group} has committed ${total} messages of ${p.topic}${since}.`)
      : fail(`expected group ${p.group} to have committed at least ${atLeast} messages of ${p.topic}; found ${total}${since}.`, Math.min(1, total / atLeast));
  },
  'topic-contains': (s, p, scope) =>
    withMessages(s, scope, p.topic, (messages) => {
      const seen = new Set(messages.map((m) => m.value));
      const missing = p.values.filter((v) => !seen.has(v));
      if (missing.length === 0) return pass(`topic ${p.topic} holds all ${p.values.length} expected messages${sinceStart(scope)}.`);
      return fail(`expected ${p.topic} to hold ${p.values.length} messages; missing ${missing.length}: ${missing.slice(0, 5).join(', ')}${missing.length > 5 ? ', ...' : ''}${scope.baseline ? ' (counting what was sent since this lab started)' : ''}.`, partial(p.values.length - missing.length, p.values.length));
    }),
  'topic-holds-at-least': (s, p, scope) =>
    withMessages(s, scope, p.topic, (messages) => {
      const n = messages.length;
      const since = sinceStart(scope);
      return n >= p.count ? pass(`topic ${p.topic} holds ${n} messages${since}.`) : fail(`expected at least ${p.count} messages in ${p.topic}; found ${n}${since}.`, Math.min(1, n / p.count));
    }),
  'acked-survive': (s, p, scope) => {
    const fault = s.lastFaultMs;
    if (fault === null || (scope.baseline && fault < scope.baseline.atMs)) {
      return fail(`expected a fault to have been injected${sinceStart(scope)}; kafka-lab's event log records none yet, and no broker container stopped.`);
    }
    const at = clockTime(fault);
    // Evidence, best first: what a passing check read before the fault (the student's own writes,
    // at their partitions and offsets), then what kafka-lab itself wrote and had acknowledged.
    const read = lastReadBefore(scope, p.topic, fault);
    const inRead = new Set(read?.messages.map((m) => m.value));
    const acked = (s.acked[p.topic] ?? []).filter((a) => a.atMs <= fault && (!scope.baseline || a.atMs >= scope.baseline.atMs) && !inRead.has(a.value));
    if (!read && acked.length === 0) {
      return fail(`expected a record of what ${p.topic} held before the fault at ${at}; none was kept. Check the step that sends the messages (kafka-lab check) before you stop the broker.`);
    }
    return withMessages(s, scope, p.topic, (now) => {
      const here = new Set(now.map((m) => `${m.partition}/${m.offset}/${m.value}`));
      const values = new Set(now.map((m) => m.value));
      const lostRead = (read?.messages ?? []).filter((m) => !here.has(`${m.partition}/${m.offset}/${m.value}`));
      const lostAcked = acked.filter((a) => !values.has(a.value));
      const total = (read?.messages.length ?? 0) + acked.length;
      const lost = [...lostRead.map((m) => `${m.value} (partition ${m.partition}, offset ${m.offset})`), ...lostAcked.map((a) => a.value)];
      const from = [
        read ? `the ${read.messages.length} messages step ${read.stepId}'s check read at ${clockTime(read.atMs)}` : '',
        acked.length ? `${acked.length} messages kafka-lab wrote and had acknowledged` : '',
      ].filter(Boolean).join(' and ');
      if (lost.length === 0) return pass(`all ${total} messages ${p.topic} held before the fault at ${at} are still readable (evidence: ${from}).`);
      return fail(`expected every message ${p.topic} held before the fault at ${at} to be readable (evidence: ${from}); ${lost.length} are lost: ${lost.slice(0, 5).join(', ')}${lost.length > 5 ? ', ...' : ''}.`, partial(total - lost.length, total));
    });
  },
};

/** The group read each value: one of its records since the start lies below the committed offset. */
function groupRead(s: ClusterSnapshot, groupId: string, topic: string, values: string[], scope: LabScope): CheckResult {
  const committed = s.groups[groupId]?.offsets[topic] ?? {};
  return withMessages(s, scope, topic, (messages) => {
    const unread = values.filter((v) => !messages.some((m) => m.value === v && m.offset < (committed[m.partition] ?? -1)));
    if (unread.length === 0) return pass(`group ${groupId} has read all ${values.length} messages (its commits on ${topic} are past each of them).`);
    const absent = unread.filter((v) => !messages.some((m) => m.value === v));
    const why = absent.length ? ` (${absent.length} of them are not in ${topic}${sinceStart(scope)})` : '';
    return fail(`expected group ${groupId} to have read ${values.length} messages; its commits stop before ${unread.length}: ${unread.slice(0, 5).join(', ')}${unread.length > 5 ? ', ...' : ''}${why}.`, partial(values.length - unread.length, values.length));
  });
}

/** `scope` says where this lab started; without one, everything in the cluster counts. */
export function evaluate(c: CheckSpec, s: ClusterSnapshot, scope: LabScope = NO_SCOPE): CheckResult {
  return (evaluators[c.kind] as Evaluator<CheckKind>)(s, c.params, scope);
}

/** 10:31:02, in UTC like the event log. */
function clockTime(ms: number): string {
  return new Date(ms).toISOString().slice(11, 19);
}
