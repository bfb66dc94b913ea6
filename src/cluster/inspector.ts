// One call gathers a ClusterSnapshot. kafkajs admin first; where it cannot answer (a leaderless
// partition anywhere fails whole metadata calls, tulios/kafkajs#1460) kcat -L -J, a real librdkafka
// client in the stack's kcat container, fills in what it can. What stays unknown is said.
import kafkajs from 'kafkajs';
import {
  CANARY_PREFIX,
  firstLine,
  type ClusterSnapshot,
  type ContainerInfo,
  type GroupState,
  type Inspector,
  type Message,
  type Needs,
  type PartitionState,
  type Position,
  type TopicState,
} from '../core/snapshot.js';
import type { QuorumState } from '../core/quorum.js';
import { describeCluster, withAdmin, type ClientOptions } from './kafka.js';

const { AssignerProtocol } = kafkajs;

export interface InspectorDeps {
  bootstrap: string;
  /** Containers of the stack, read from Docker at snapshot time. */
  containers: () => Promise<ContainerInfo[]>;
  /**
   * Runs a command in a stack container (by service); resolves stdout, rejects on failure. The
   * grader leaves it out: it never asks a student's container anything (see grading/batch.ts).
   */
  exec?: (service: string, argv: string[], timeoutMs: number) => Promise<string>;
  internalBootstrap: string;
  /** Reads every value of a topic some other way than kcat in the stack (the grader's own client). */
  readMessages?: (topic: string, through?: Position) => Promise<Message[]>;
  now: () => number;
  /** Values kafka-lab wrote to a topic and had acknowledged, and the time of the last fault. */
  acked?: (topic: string) => Promise<{ value: string; atMs: number }[]>;
  lastFaultMs?: () => Promise<number | null>;
  /** A KRaft stack's controller quorum; undefined when no broker could describe it. */
  quorum?: () => Promise<QuorumState | undefined>;
  client?: ClientOptions;
}

/** The port is core's; this module is its implementation. */
export type { Inspector };

const NOT_DESCRIBED = 'kafkajs could not describe it (a partition without a leader?)';

export function createInspector(deps: InspectorDeps): Inspector {
  return { snapshot: (needs) => takeSnapshot(deps, needs) };
}

async function takeSnapshot(deps: InspectorDeps, needs: Needs): Promise<ClusterSnapshot> {
  const snap: ClusterSnapshot = {
    atMs: deps.now(),
    brokers: [],
    controller: null,
    containers: [],
    topics: {},
    groups: {},
    messages: {},
    acked: {},
    lastFaultMs: null,
    gaps: [],
  };
  // The quorum's tool is a JVM start or two: it runs beside everything else.
  await Promise.all([gather(deps, needs, snap), needs.quorum ? quorumInto(deps, snap) : undefined]);
  // In KRaft the controller Metadata names is a random broker: the active controller is the quorum's leader.
  if (deps.quorum) snap.controller = snap.quorum && snap.quorum.leaderId >= 0 ? snap.quorum.leaderId : null;
  return snap;
}

async function quorumInto(deps: InspectorDeps, snap: ClusterSnapshot): Promise<void> {
  try {
    const q = await deps.quorum?.();
    if (q) snap.quorum = q;
    else
      snap.gaps.push({
        scope: 'quorum',
        reason: deps.quorum ? 'no running broker could describe it' : 'not a KRaft stack',
      });
  } catch (err) {
    snap.gaps.push({ scope: 'quorum', reason: firstLine(err) });
  }
}

async function gather(deps: InspectorDeps, needs: Needs, snap: ClusterSnapshot): Promise<ClusterSnapshot> {
  const ackedOf = needs.ackedOf ?? [];
  const [containers, acked, lastFault] = await Promise.all([
    deps.containers(),
    Promise.all(ackedOf.map(async (topic) => (await deps.acked?.(topic)) ?? [])),
    ackedOf.length ? deps.lastFaultMs?.() : undefined,
  ]);
  snap.containers = containers;
  ackedOf.forEach((topic, i) => (snap.acked[topic] = acked[i]!));
  if (ackedOf.length) snap.lastFaultMs = lastFault ?? null;
  // No containers at all: a remote cluster, known only through Kafka.
  const anyBroker =
    snap.containers.length === 0 || snap.containers.some((c) => c.brokerId !== undefined && c.state === 'running');
  if (!anyBroker) {
    snap.gaps.push({ scope: 'brokers', reason: 'no broker container is running' });
    return snap;
  }
  const read = new Set<string>();
  const readMessages = (topics: string[]) =>
    Promise.all(
      topics
        .filter((t) => !read.has(t))
        .map(async (topic) => {
          read.add(topic);
          try {
            snap.messages[topic] = deps.readMessages
              ? await deps.readMessages(topic, needs.readThrough?.[topic])
              : await readAll(deps, topic);
          } catch (err) {
            snap.gaps.push({ scope: 'messages', topic, reason: firstLine(err) });
          }
        }),
    );
  try {
    // Seed kafkajs with a broker that answers now; it finds the others from there.
    const cluster = await describeCluster(deps.bootstrap);
    snap.brokers = cluster.brokers;
    snap.controller = cluster.controller;
    snap.clusterId = cluster.clusterId;
    // The messages of topics known to exist are read while the admin asks the rest.
    await withAdmin(
      cluster.seed,
      (admin) =>
        fromAdmin(admin, snap, needs, () => readMessages(needs.messagesOf.filter((t) => snap.topics[t]?.exists))),
      deps.client ?? { connectionTimeoutMs: 1500, requestTimeoutMs: 4000 },
    );
  } catch (err) {
    snap.gaps.push({ scope: 'cluster', via: 'kafkajs', reason: firstLine(err) });
  }
  const missingTopics = needs.topics.filter((t) => !snap.topics[t]);
  if (deps.exec && (snap.brokers.length === 0 || missingTopics.length > 0)) {
    try {
      await fromKcat(deps, snap, missingTopics);
    } catch (err) {
      snap.gaps.push({ scope: 'cluster', via: 'kcat', reason: firstLine(err) });
    }
  } else if (!deps.exec) {
    for (const t of missingTopics) snap.gaps.push({ scope: 'topic', topic: t, reason: NOT_DESCRIBED });
  }
  if (snap.brokers.length === 0) {
    for (const topic of needs.messagesOf)
      if (snap.topics[topic]?.exists !== false)
        snap.gaps.push({ scope: 'messages', topic, reason: 'no broker answered' });
    return snap;
  }
  // The checks already say a topic is missing; reading it would only wait for it.
  await readMessages(needs.messagesOf.filter((t) => snap.topics[t]?.exists !== false));
  return snap;
}

/** One admin connection, every question that does not depend on another asked at once. */
async function fromAdmin(
  admin: kafkajs.Admin,
  snap: ClusterSnapshot,
  needs: Needs,
  alongside: () => Promise<unknown>,
): Promise<void> {
  // Named topics one request each: one leaderless topic must not hide the others.
  await Promise.all(
    needs.topics.map(async (topic) => {
      try {
        const md = await admin.fetchTopicMetadata({ topics: [topic] });
        const t = md.topics[0]!;
        snap.topics[topic] = {
          name: topic,
          exists: true,
          configs: {},
          partitions: t.partitions
            .map((p): PartitionState => ({
              partition: p.partitionId,
              leader: p.leader,
              replicas: p.replicas,
              isr: p.isr,
              offline: p.offlineReplicas ?? [],
            }))
            .sort((a, b) => a.partition - b.partition),
        };
      } catch (err) {
        const type = (err as { type?: string }).type;
        if (type === 'UNKNOWN_TOPIC_OR_PARTITION')
          snap.topics[topic] = { name: topic, exists: false, partitions: [], configs: {} };
        // LEADER_NOT_AVAILABLE and friends: left for the kcat fallback.
      }
    }),
  );
  const withConfigs = needs.topics.filter((t) => snap.topics[t]?.exists);
  const configs = async () => {
    if (!withConfigs.length) return;
    try {
      const res = await admin.describeConfigs({
        includeSynonyms: false,
        resources: withConfigs.map((name) => ({ type: kafkajs.ConfigResourceTypes.TOPIC, name })),
      });
      for (const r of res.resources) {
        const t = snap.topics[r.resourceName];
        if (t)
          t.configs = Object.fromEntries(
            r.configEntries.filter((e) => !e.isDefault).map((e) => [e.configName, e.configValue]),
          );
      }
    } catch (err) {
      snap.gaps.push({ scope: 'configs', reason: firstLine(err) });
    }
  };
  const ends = (needs.endOffsetsOf ?? [])
    .filter((t) => snap.topics[t]?.exists)
    .map(async (topic) => {
      try {
        const ends = await admin.fetchTopicOffsets(topic);
        (snap.endOffsets ??= {})[topic] = Object.fromEntries(ends.map((o) => [o.partition, Number(o.high)]));
      } catch (err) {
        snap.gaps.push({ scope: 'end-offsets', topic, reason: firstLine(err) });
      }
    });
  await Promise.all([
    configs(),
    ...ends,
    needs.groups.length ? groupsFromAdmin(admin, snap, needs) : undefined,
    alongside(),
  ]);
}

async function groupsFromAdmin(admin: kafkajs.Admin, snap: ClusterSnapshot, needs: Needs): Promise<void> {
  let described: kafkajs.GroupDescriptions;
  try {
    described = await admin.describeGroups(needs.groups);
  } catch (err) {
    snap.gaps.push({ scope: 'groups', reason: firstLine(err) });
    return;
  }
  for (const g of described.groups) {
    // 'Dead' is how Kafka describes a group it does not know.
    if (g.state === 'Dead') continue;
    const group: GroupState = {
      groupId: g.groupId,
      state: g.state,
      protocolType: g.protocolType,
      members: g.members.map((m) => ({
        memberId: m.memberId,
        clientId: m.clientId,
        host: m.clientHost,
        assignment: decodeAssignment(g.protocolType, m.memberAssignment),
      })),
      offsets: {},
    };
    snap.groups[g.groupId] = group;
  }
  // Asked of the group coordinator, so this works even where topic metadata did not.
  const topics = needs.topics.filter((t) => snap.topics[t]?.exists !== false);
  await Promise.all(
    Object.values(snap.groups).flatMap((group) =>
      topics.map(async (topic) => {
        try {
          for (const t of await admin.fetchOffsets({ groupId: group.groupId, topics: [topic] })) {
            group.offsets[t.topic] = Object.fromEntries(t.partitions.map((p) => [p.partition, Number(p.offset)]));
          }
        } catch (err) {
          snap.gaps.push({ scope: 'offsets', group: group.groupId, topic, reason: firstLine(err) });
        }
      }),
    ),
  );
}

/** Java console consumers and kcat/librdkafka both use the standard consumer protocol encoding. */
export function decodeAssignment(protocolType: string, buffer: Buffer): Record<string, number[]> | null {
  if (protocolType !== 'consumer' || !buffer || buffer.length === 0) return null;
  const decoded = AssignerProtocol.MemberAssignment.decode(buffer);
  if (!decoded) return null;
  return Object.fromEntries(
    Object.entries(decoded.assignment).map(([t, ps]) => [t, [...(ps as number[])].sort((a, b) => a - b)]),
  );
}

interface KcatMetadata {
  controllerid?: number;
  brokers: { id: number; name: string }[];
  topics: {
    topic: string;
    error?: string;
    partitions: { partition: number; leader: number; replicas: { id: number }[]; isrs: { id: number }[] }[];
  }[];
}

async function fromKcat(deps: InspectorDeps, snap: ClusterSnapshot, topics: string[]): Promise<void> {
  const argv = ['kcat', '-L', '-J', '-m', '5', '-b', deps.internalBootstrap, ...topics.flatMap((t) => ['-t', t])];
  const md = JSON.parse(await deps.exec!('kcat', argv, 15_000)) as KcatMetadata;
  if (snap.brokers.length === 0) {
    snap.brokers = md.brokers
      .map((b) => {
        const [host, port] = b.name.split(':');
        return { id: b.id, host: host!, port: Number(port) };
      })
      .sort((a, b) => a.id - b.id);
    if (md.controllerid !== undefined && md.controllerid >= 0) snap.controller = md.controllerid;
  }
  const live = new Set(snap.brokers.map((b) => b.id));
  for (const topic of topics) {
    const t = md.topics.find((x) => x.topic === topic);
    if (!t || (t.error && /unknown/i.test(t.error))) {
      snap.topics[topic] = { name: topic, exists: false, partitions: [], configs: {} };
      continue;
    }
    const state: TopicState = {
      name: topic,
      exists: true,
      configs: {},
      partitions: t.partitions
        .map((p) => {
          const replicas = p.replicas.map((r) => r.id);
          return {
            partition: p.partition,
            leader: p.leader,
            replicas,
            isr: p.isrs.map((r) => r.id),
            offline: replicas.filter((r) => !live.has(r)),
          };
        })
        .sort((a, b) => a.partition - b.partition),
    };
    snap.topics[topic] = state;
    snap.gaps.push({ scope: 'topic', topic, via: 'kcat', reason: NOT_DESCRIBED });
  }
}

/** Every record in a topic, from the beginning to the current end, read by kcat (one JSON line each). */
async function readAll(deps: InspectorDeps, topic: string): Promise<Message[]> {
  // -e ends at an empty fetch of every partition; librdkafka's default 500 ms fetch wait made each read last a second.
  const argv = [
    'kcat',
    '-C',
    '-b',
    deps.internalBootstrap,
    '-t',
    topic,
    '-o',
    'beginning',
    '-e',
    '-q',
    '-J',
    '-m',
    '10',
    '-X',
    'fetch.wait.max.ms=10',
  ];
  const out = await deps.exec!('kcat', argv, 30_000);
  return out.split('\n').flatMap((line) => {
    if (!line.startsWith('{')) return [];
    const r = JSON.parse(line) as { partition: number; offset: number; ts?: number; payload?: string | null };
    const value = r.payload ?? '';
    return value.startsWith(CANARY_PREFIX) ? [] : [{ partition: r.partition, offset: r.offset, value, ts: r.ts }];
  });
}
