// verify durability: numbered writes with acks=all, a fault mid-stream, healing, then reading every
// partition back past its last acknowledged offset.
import { account, type DurabilityCounts } from '../core/durability.js';
import type { FaultAction } from '../core/faults.js';
import { UserError } from '../core/errors.js';
import type { Clock } from '../core/wait.js';
import { waitFor } from '../core/wait.js';
import { describeCluster, kafkaClient, withAdmin } from './kafka.js';
import { partitionCount, partitionedSender } from './produce.js';
import type { Inspector } from './inspector.js';

export interface DurabilityOptions {
  bootstrap: string;
  topic: string;
  messages: number;
  /** for a new topic */
  replicationFactor: number;
  minInsync: number;
  fault?: { action: FaultAction; target: string };
  inject: (action: FaultAction, target: string) => Promise<{ container: string; note?: string }>;
  heal: () => Promise<unknown>;
  /** Reads partition, offset and value of every message in the topic (kcat in the stack). */
  readAll: (topic: string) => Promise<{ partition: number; offset: number; value: string }[]>;
  inspector: Inspector;
  clock: Clock;
  log: (line: string) => void;
  /** how a suggested command names the stack, e.g. ' --stack team-01' */
  stackFlag: string;
  /** heal at two thirds of the writes, or this long after the fault, whichever comes first */
  faultWindowMs?: number;
}

export interface DurabilityReport extends DurabilityCounts {
  topic: string;
  runId: string;
  fault: string | null;
  faultedContainer: string | null;
  writeSeconds: number;
  messagesPerSecond: number;
  lastAckedOffsets: Record<number, number>;
  readPastLastAcked: boolean;
}

export async function verifyDurability(o: DurabilityOptions): Promise<DurabilityReport> {
  await ensureTopic(o);
  const runId = `dur-${o.clock.now().toString(36)}`;
  const producer = kafkaClient(o.bootstrap, { connectionTimeoutMs: 3000, requestTimeoutMs: 5000 }).producer({
    allowAutoTopicCreation: false,
    retry: { retries: 8, initialRetryTime: 200, maxRetryTime: 2000 },
  });
  await producer.connect();
  const send = partitionedSender(producer, o.topic, await partitionCount(o.bootstrap, o.topic, o.clock));
  const sent: string[] = [];
  const acked = new Set<string>();
  const failed = new Set<string>();
  const lastAcked: Record<number, number> = {};
  const faultAt = Math.floor(o.messages / 3);
  const healAt = Math.floor((2 * o.messages) / 3);
  let faulted: { container: string; note?: string } | null = null;
  let faultedAtMs = 0;
  // A frozen leader makes every write wait for its timeout: bound the fault's window in time too,
  // long enough for the ZooKeeper session (6 s in the lab stack) to expire and leaders to move.
  const windowMs = o.faultWindowMs ?? 20_000;
  const batch = 20;
  const started = o.clock.now();
  let written = 0;
  let healTimer: NodeJS.Timeout | undefined;
  let healing: Promise<void> | undefined;
  const healNow = () =>
    (healing ??= (async () => {
      clearTimeout(healTimer);
      await o.heal();
      o.log(`healed after ${written} writes, ${((o.clock.now() - faultedAtMs) / 1000).toFixed(1)} s into the fault`);
    })());
  try {
    for (let i = 0; i < o.messages; i += batch) {
      if (o.fault && !faulted && i >= faultAt) {
        faulted = await o.inject(o.fault.action, o.fault.target);
        faultedAtMs = o.clock.now();
        o.log(`fault: ${o.fault.action} ${faulted.note ?? faulted.container} after ${i} writes`);
        // On time even while a write waits on a frozen leader: a batch can block for its retries.
        healTimer = setTimeout(() => void healNow(), windowMs);
      }
      if (faulted && i >= healAt) await healNow();
      const values = Array.from(
        { length: Math.min(batch, o.messages - i) },
        (_, j) => `${runId}-${String(i + j).padStart(6, '0')}`,
      );
      sent.push(...values);
      written = i;
      for (const r of await send(
        values.map((value) => ({ key: value, value })),
        { acks: -1, timeout: 5000 },
      )) {
        const vs = r.messages.map((m) => m.value);
        if (r.error) {
          if (failed.size === 0) o.log(`writes failing: ${r.error.message}`);
          for (const v of vs) failed.add(v);
          continue;
        }
        for (const v of vs) acked.add(v);
        // baseOffset is where this group starts on its partition: a lower bound of the last acked offset.
        lastAcked[r.partition] = Math.max(lastAcked[r.partition] ?? -1, r.baseOffset!);
      }
    }
  } finally {
    await producer.disconnect().catch(() => {});
  }
  const writeSeconds = (o.clock.now() - started) / 1000;
  if (faulted) await healNow();
  // Read only once every replica is back in sync: then each partition's high watermark has
  // settled past everything that was acknowledged, and reading to the end means reading it all.
  await waitFor(
    async () => {
      const s = await o.inspector.snapshot({ topics: [o.topic], groups: [], messagesOf: [] });
      const t = s.topics[o.topic];
      const live = new Set(s.brokers.map((b) => b.id));
      const ok =
        !!t?.exists &&
        t.partitions.every((p) => p.leader >= 0 && live.has(p.leader) && p.isr.length === p.replicas.length);
      return ok
        ? { done: true, value: true }
        : {
            done: false,
            seen: `leaders ${t?.partitions.map((p) => p.leader).join(',') ?? '?'}, ISR sizes ${t?.partitions.map((p) => p.isr.length).join(',') ?? '?'}`,
          };
    },
    {
      what: `every partition of ${o.topic} to be led and fully in sync again`,
      timeoutMs: 90_000,
      intervalMs: 500,
      clock: o.clock,
    },
  );
  let records: { partition: number; offset: number; value: string }[] = [];
  let readPastLastAcked = false;
  await waitFor(
    async () => {
      records = await o.readAll(o.topic);
      const maxRead: Record<number, number> = {};
      for (const r of records) maxRead[r.partition] = Math.max(maxRead[r.partition] ?? -1, r.offset);
      readPastLastAcked = Object.entries(lastAcked).every(([p, off]) => (maxRead[Number(p)] ?? -1) >= off);
      return readPastLastAcked
        ? { done: true, value: true }
        : {
            done: false,
            seen: `read up to ${JSON.stringify(maxRead)}, acknowledged up to ${JSON.stringify(lastAcked)}`,
          };
    },
    {
      what: `a read of ${o.topic} that reaches the last acknowledged offset of every partition`,
      timeoutMs: 30_000,
      intervalMs: 1000,
      clock: o.clock,
    },
  ).catch(() =>
    o.log('could not read every partition up to its last acknowledged offset; the result below is inconclusive'),
  );
  const mine = records.filter((r) => r.value.startsWith(`${runId}-`));
  const counts = account(
    sent,
    acked,
    failed,
    mine.map((r) => r.value),
  );
  return {
    ...counts,
    topic: o.topic,
    runId,
    fault: o.fault ? `${o.fault.action}:${o.fault.target}` : null,
    faultedContainer: faulted?.container ?? null,
    writeSeconds,
    messagesPerSecond: Math.round(counts.acked / Math.max(writeSeconds, 0.001)),
    lastAckedOffsets: lastAcked,
    readPastLastAcked,
  };
}

async function ensureTopic(o: DurabilityOptions): Promise<void> {
  const { seed, brokers } = await describeCluster(o.bootstrap);
  await withAdmin(seed, async (admin) => {
    const existing = await admin.listTopics();
    if (existing.includes(o.topic)) return;
    if (brokers.length < o.replicationFactor) {
      throw new UserError(
        `Topic ${o.topic} needs replication factor ${o.replicationFactor}, but only ${brokers.length} broker(s) are in the cluster (${brokers.map((b) => b.id).join(', ') || 'none'}).`,
        `Bring the others back first: kafka-lab heal${o.stackFlag}, then run this again.`,
      );
    }
    try {
      // Not kafkajs's waitForLeaders: on KRaft a broker may not know a new topic for a moment, and
      // kafkajs gives up on UNKNOWN_TOPIC_OR_PARTITION; leaders are waited for below.
      await admin.createTopics({
        topics: [
          {
            topic: o.topic,
            numPartitions: 6,
            replicationFactor: o.replicationFactor,
            configEntries: [{ name: 'min.insync.replicas', value: String(o.minInsync) }],
          },
        ],
      });
    } catch (err) {
      const why =
        (err as { errors?: { message?: string }[] }).errors?.map((e) => e.message).join('; ') || (err as Error).message;
      throw new UserError(
        `Could not create topic ${o.topic}: ${why}`,
        `Check the cluster with kafka-lab status${o.stackFlag}, then run this again.`,
      );
    }
    await waitFor(
      async () => {
        const md = await admin.fetchTopicMetadata({ topics: [o.topic] }).catch((err: Error) => err);
        if (md instanceof Error) return { done: false, seen: md.message };
        const leaderless = md.topics[0]!.partitions.filter((p) => p.leader < 0).length;
        return leaderless === 0 && md.topics[0]!.partitions.length > 0
          ? { done: true, value: true }
          : { done: false, seen: `${leaderless} partitions without a leader` };
      },
      { what: `every partition of ${o.topic} to have a leader`, timeoutMs: 30_000, intervalMs: 200, clock: o.clock },
    );
    o.log(
      `created topic ${o.topic}: 6 partitions, replication factor ${o.replicationFactor}, min.insync.replicas ${o.minInsync}`,
    );
  });
}
