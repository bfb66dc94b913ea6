// Check kinds: a closed set, each with a parameter schema and a pure evaluation over a snapshot.
// A failing check is a result whose message says what was expected and what was found.
import { z } from 'zod';
import type { ClusterSnapshot, Needs, PartitionState, TopicState } from './snapshot.js';

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
  'group-share': z.strictObject({ group, topic, min: z.number().int().min(0), max: z.number().int().min(0).optional() }),
  'group-offsets': z.strictObject({ group, topic, atLeast: z.number().int().min(0) }),
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

export function needsOf(c: CheckSpec): Needs {
  const p = c.params as { topic?: string; group?: string };
  return {
    topics: p.topic ? [p.topic] : [],
    groups: p.group ? [p.group] : [],
    messagesOf: ['topic-contains', 'topic-holds-at-least', 'acked-survive'].includes(c.kind) ? [p.topic!] : [],
    ackedOf: c.kind === 'acked-survive' ? [p.topic!] : [],
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
function withMessages(s: ClusterSnapshot, name: string, fn: (values: string[]) => CheckResult): CheckResult {
  if (s.topics[name]?.exists === false) return noSuchTopic(name);
  const values = s.messages[name];
  if (values !== undefined) return fn(values);
  const why = s.unknown.find((u) => u.startsWith(`messages of ${name}:`))?.slice(`messages of ${name}: `.length);
  return fail(`the messages of ${name} could not be read${why ? ` (${why})` : ''}, so they were not checked.`);
}

function perPartition(t: TopicState, ok: (p: PartitionState) => boolean, expected: string, found: (p: PartitionState) => string): CheckResult {
  const bad = t.partitions.filter((p) => !ok(p));
  if (bad.length === 0) return pass(`${t.name}: ${expected} on all ${t.partitions.length} partitions.`);
  const shown = bad.slice(0, 4).map((p) => `partition ${p.partition} ${found(p)}`).join('; ');
  return fail(`${t.name}: expected ${expected}; found ${shown}${bad.length > 4 ? ` and ${bad.length - 4} more` : ''}.`, partial(t.partitions.length - bad.length, t.partitions.length));
}

type Evaluator<K extends CheckKind> = (s: ClusterSnapshot, p: CheckParams<K>) => CheckResult;

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
  'group-members': (s, p) => {
    const g = s.groups[p.group];
    const n = g ? g.members.length : 0;
    return n === p.count ? pass(`group ${p.group} has ${n} members.`) : fail(`expected ${p.count} members in group ${p.group}; found ${g ? n : 'no such group'}.`);
  },
  'group-covers': (s, p) => {
    const g = s.groups[p.group];
    const t = s.topics[p.topic];
    if (!g) return fail(`expected consumer group ${p.group}, found none.`);
    if (!t?.exists) return fail(`expected topic ${p.topic}, found none.`);
    if (g.members.some((m) => m.assignment === null)) return fail(`group ${p.group} is rebalancing; its assignment is not settled yet.`);
    const counts = new Map<number, number>();
    for (const m of g.members) for (const part of m.assignment?.[p.topic] ?? []) counts.set(part, (counts.get(part) ?? 0) + 1);
    const missing = t.partitions.map((x) => x.partition).filter((x) => !counts.has(x));
    const twice = [...counts].filter(([, n]) => n > 1).map(([x]) => x);
    if (missing.length === 0 && twice.length === 0) return pass(`group ${p.group} reads each of the ${t.partitions.length} partitions of ${p.topic} exactly once.`);
    return fail(`expected every partition of ${p.topic} assigned exactly once in group ${p.group}; found unassigned ${list(missing)}, assigned twice ${list(twice)}.`, partial(t.partitions.length - missing.length - twice.length, t.partitions.length));
  },
  'group-share': (s, p) => {
    const g = s.groups[p.group];
    if (!g || g.members.length === 0) return fail(`expected members in group ${p.group}; found ${g ? 'none' : 'no such group'}.`);
    const shares = g.members.map((m) => m.assignment?.[p.topic]?.length ?? 0);
    const ok = shares.every((n) => n >= p.min && (p.max === undefined || n <= p.max));
    const want = p.max === undefined ? `at least ${p.min}` : p.min === p.max ? `${p.min}` : `${p.min}-${p.max}`;
    return ok ? pass(`each member of ${p.group} reads ${want} partitions of ${p.topic} (${shares.join(', ')}).`) : fail(`expected each member of ${p.group} to read ${want} partitions of ${p.topic}; found ${shares.join(', ')}.`);
  },
  'group-offsets': (s, p) => {
    const g = s.groups[p.group];
    const total = Object.values(g?.offsets[p.topic] ?? {}).reduce((a, b) => a + Math.max(0, b), 0);
    return total >= p.atLeast ? pass(`group ${p.group} has committed ${total} messages of ${p.topic}.`) : fail(`expected group ${p.group} to have committed at least ${p.atLeast} messages of ${p.topic}; found ${total}.`, Math.min(1, total / p.atLeast));
  },
  'topic-contains': (s, p) =>
    withMessages(s, p.topic, (values) => {
      const seen = new Set(values);
      const missing = p.values.filter((v) => !seen.has(v));
      if (missing.length === 0) return pass(`topic ${p.topic} holds all ${p.values.length} expected messages.`);
      return fail(`expected ${p.topic} to hold ${p.values.length} messages; missing ${missing.length}: ${missing.slice(0, 5).join(', ')}${missing.length > 5 ? ', ...' : ''}.`, partial(p.values.length - missing.length, p.values.length));
    }),
  'topic-holds-at-least': (s, p) =>
    withMessages(s, p.topic, (values) => {
      const n = values.length;
      return n >= p.count ? pass(`topic ${p.topic} holds ${n} messages.`) : fail(`expected at least ${p.count} messages in ${p.topic}; found ${n}.`, Math.min(1, n / p.count));
    }),
  'acked-survive': (s, p) => {
    if (s.lastFaultMs === null) return fail(`expected a fault to have been injected; kafka-lab's event log records none yet.`);
    const before = (s.acked[p.topic] ?? []).filter((a) => a.atMs <= s.lastFaultMs!);
    if (before.length === 0) return fail(`expected messages acknowledged before the fault; kafka-lab recorded none on ${p.topic} (write them with 'kafka-lab solve' or 'kafka-lab simulate').`);
    return withMessages(s, p.topic, (values) => {
      const seen = new Set(values);
      const lost = before.filter((a) => !seen.has(a.value));
      if (lost.length === 0) return pass(`all ${before.length} messages acknowledged on ${p.topic} before the fault are still readable.`);
      return fail(`expected all ${before.length} messages acknowledged before the fault to be readable; ${lost.length} are lost: ${lost.slice(0, 5).map((a) => a.value).join(', ')}.`, partial(before.length - lost.length, before.length));
    });
  },
};

export function evaluate(c: CheckSpec, s: ClusterSnapshot): CheckResult {
  return (evaluators[c.kind] as Evaluator<CheckKind>)(s, c.params);
}
