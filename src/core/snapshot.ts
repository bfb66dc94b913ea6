// What kafka-lab knows about a cluster at one moment. Filled by the inspector; read by checks and the UI.
import type { QuorumState } from './quorum.js';
import type { Role } from './stack.js';

export interface PartitionState {
  partition: number;
  /** -1 when the partition has no leader (offline). */
  leader: number;
  replicas: number[];
  isr: number[];
  offline: number[];
}

export interface TopicState {
  name: string;
  exists: boolean;
  partitions: PartitionState[];
  configs: Record<string, string>;
}

export interface MemberState {
  memberId: string;
  clientId: string;
  host: string;
  /** topic -> partitions; null while the member is mid-rebalance or uses another protocol. */
  assignment: Record<string, number[]> | null;
}

export interface GroupState {
  groupId: string;
  state: string;
  protocolType: string;
  members: MemberState[];
  /** topic -> partition -> committed offset */
  offsets: Record<string, Record<number, number>>;
}

/** Values the grader writes to prove it reads the real topic; never counted as the student's data. */
export const CANARY_PREFIX = 'kafka-lab-canary-';

/** One record of a topic, where it is in the log. */
export interface Message {
  partition: number;
  offset: number;
  value: string;
  /** the record's timestamp, when the reader saw one */
  ts?: number;
}

export interface ContainerInfo {
  service: string;
  name: string;
  state: string;
  /** A broker's id, or a KRaft controller's node id. */
  brokerId?: number;
  role?: Role;
}

export interface ClusterSnapshot {
  atMs: number;
  /** The cluster's id, as a broker reported it (what a submission names its cluster by). */
  clusterId?: string;
  brokers: { id: number; host: string; port: number }[];
  controller: number | null;
  containers: ContainerInfo[];
  topics: Record<string, TopicState>;
  groups: Record<string, GroupState>;
  /** topic -> records read from the beginning, when a check asked for them */
  messages: Record<string, Message[]>;
  /** topic -> values kafka-lab wrote and the brokers acknowledged (acks=all), with when */
  acked: Record<string, { value: string; atMs: number }[]>;
  /** when the last fault was injected, from the stack's event log */
  lastFaultMs: number | null;
  /** What could not be learnt, and why: shown (see describeGap), never hidden. */
  gaps: Gap[];
  /** topic -> partition -> end offset (high watermark), for topics in needs.endOffsetsOf (consumer lag) */
  endOffsets?: Record<string, Record<number, number>>;
  /** A KRaft stack's controller quorum, when needs.quorum asked for it and a broker could tell. */
  quorum?: QuorumState;
}

/**
 * Something a snapshot could not learn. `scope` says what: the cluster's metadata as a whole, which
 * brokers run, one topic's description, its messages, the topics' configs, a topic's end offsets, the
 * consumer groups, or one group's committed offsets on a topic.
 */
export type GapScope =
  'cluster' | 'brokers' | 'topic' | 'messages' | 'configs' | 'end-offsets' | 'groups' | 'offsets' | 'quorum';

export interface Gap {
  scope: GapScope;
  topic?: string;
  group?: string;
  /** The client that failed (cluster), or the one that read the topic instead (topic). */
  via?: 'kafkajs' | 'kcat';
  /** The underlying error's first line, or what was seen instead. */
  reason: string;
}

/** A gap in words, as the panel, the check output and the grade's evidence show it. */
export function describeGap(g: Gap): string {
  switch (g.scope) {
    case 'cluster':
      return `${g.via === 'kcat' ? 'kcat -L' : 'kafkajs'}: ${g.reason}`;
    case 'brokers':
      return g.reason;
    case 'topic':
      return `topic ${g.topic}${g.via === 'kcat' ? ' read with kcat' : ''}: ${g.reason}`;
    case 'messages':
      return `messages of ${g.topic}: ${g.reason}`;
    case 'configs':
      return `topic configs: ${g.reason}`;
    case 'end-offsets':
      return `end offsets of ${g.topic}: ${g.reason}`;
    case 'groups':
      return `consumer groups: ${g.reason}`;
    case 'offsets':
      return `offsets of ${g.group} on ${g.topic}: ${g.reason}`;
    case 'quorum':
      return `controller quorum: ${g.reason}`;
  }
}

/** The first line of an error's message: what a gap keeps of it. */
export function firstLine(err: unknown): string {
  return (err instanceof Error ? err.message : String(err)).split('\n')[0]!;
}

/**
 * The brokers live in the cluster: the ones its metadata lists. Null when that could not be learnt
 * (no broker listed, something unknown, yet broker containers run), so nobody is called down for it.
 */
export function liveBrokers(s: ClusterSnapshot): Set<number> | null {
  if (
    s.brokers.length === 0 &&
    s.gaps.length > 0 &&
    s.containers.some((c) => c.brokerId !== undefined && c.state === 'running')
  )
    return null;
  return new Set(s.brokers.map((b) => b.id));
}

/** The port the engine, the grader and the UI's watch read the cluster through (cluster/inspector.ts). */
export interface Inspector {
  snapshot(needs: Needs): Promise<ClusterSnapshot>;
}

/** What a set of checks needs the inspector to gather. */
export interface Needs {
  topics: string[];
  groups: string[];
  messagesOf: string[];
  ackedOf?: string[];
  /** Topics whose partitions' end offsets are wanted (the UI's consumer lag). */
  endOffsetsOf?: string[];
  /** topic -> a position the read of its messages must reach (the grader's canary) */
  readThrough?: Record<string, Position>;
  /** The controller quorum (KRaft), described by the Kafka tool in a broker: a JVM, so only when asked. */
  quorum?: boolean;
}

export interface Position {
  partition: number;
  offset: number;
}

export function mergeNeeds(all: Needs[]): Needs {
  const uniq = (xs: string[]) => [...new Set(xs)];
  return {
    topics: uniq(all.flatMap((n) => n.topics)),
    groups: uniq(all.flatMap((n) => n.groups)),
    messagesOf: uniq(all.flatMap((n) => n.messagesOf)),
    ackedOf: uniq(all.flatMap((n) => n.ackedOf ?? [])),
    endOffsetsOf: uniq(all.flatMap((n) => n.endOffsetsOf ?? [])),
    ...(all.some((n) => n.quorum === true) ? { quorum: true } : {}),
  };
}
