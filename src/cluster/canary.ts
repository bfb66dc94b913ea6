// The grader's own view of a topic's data: it writes a canary with a random value, then reads the
// whole topic from this process. A read that does not return the canary is not the real topic.
import { randomBytes } from 'node:crypto';
import { CANARY_PREFIX, type Message, type Position } from '../core/snapshot.js';
import { systemClock } from '../runtime/clock.js';
import { waitFor } from '../core/wait.js';
import { kafkaClient, withAdmin } from './kafka.js';

export interface Canary {
  topic: string;
  value: string;
  partition?: number;
  offset?: number;
  /** why it could not be written */
  error?: string;
}

export async function writeCanaries(bootstrap: string, topics: string[]): Promise<Canary[]> {
  if (topics.length === 0) return [];
  const producer = kafkaClient(bootstrap, { connectionTimeoutMs: 3000, requestTimeoutMs: 5000 }).producer({
    allowAutoTopicCreation: false,
    retry: { retries: 2 },
  });
  const canaries: Canary[] = topics.map((topic) => ({
    topic,
    value: `${CANARY_PREFIX}${randomBytes(16).toString('hex')}`,
  }));
  // A topic that is not there gets no canary: the producer would retry for a second before saying so.
  const there = await withAdmin(bootstrap, (a) => a.listTopics(), { connectionTimeoutMs: 3000 }).catch(() => undefined);
  for (const c of canaries) if (there && !there.includes(c.topic)) c.error = 'no such topic';
  try {
    await producer.connect();
    for (const c of canaries) {
      if (c.error) continue;
      try {
        // acks=all: the reply comes once the high watermark has passed the canary, so a read up to the
        // end offsets taken afterwards must include it (with acks=1 it may not yet).
        const [r] = await producer.send({ topic: c.topic, acks: -1, messages: [{ value: c.value }] });
        c.partition = r!.partition;
        c.offset = Number(r!.baseOffset);
      } catch (err) {
        c.error = (err as Error).message;
      }
    }
  } catch (err) {
    for (const c of canaries) c.error ??= `could not connect: ${(err as Error).message}`;
  } finally {
    await producer.disconnect().catch(() => {});
  }
  return canaries;
}

/**
 * Every value in a topic, read from this process with kafkajs up to the end offsets it had when the
 * read began (and at least through `through`, the grader's canary). kafkajs consumers always join a
 * group: a throwaway one, deleted afterwards.
 */
export async function readTopicFromHost(
  bootstrap: string,
  topic: string,
  through?: Position,
  timeoutMs = 20_000,
): Promise<Message[]> {
  await coordinatorReady(bootstrap);
  // Right after a broker comes back, leaders move (the preferred-leader check) and a new group
  // coordinator may still be loading: kafkajs gives up on the first NOT_LEADER, so a failed read
  // is tried again until the deadline.
  return waitFor(
    async () => {
      try {
        return { done: true, value: await readOnce(bootstrap, topic, through, timeoutMs) };
      } catch (err) {
        return { done: false, seen: (err as Error).message };
      }
    },
    { what: `a whole read of ${topic}`, timeoutMs: 30_000, intervalMs: 1000, clock: systemClock },
  );
}

async function readOnce(
  bootstrap: string,
  topic: string,
  through: Position | undefined,
  timeoutMs: number,
): Promise<Message[]> {
  const ends = await withAdmin(bootstrap, (a) => a.fetchTopicOffsets(topic));
  const want = new Map(ends.map((e) => [e.partition, Number(e.high)]));
  // A partition whose records were all deleted by retention has low == high > 0: nothing to read there.
  const empty = new Set(ends.filter((e) => Number(e.high) <= Number(e.low)).map((e) => e.partition));
  if (through) {
    // A leader elected a moment ago may report an end offset behind what its predecessor acknowledged.
    want.set(through.partition, Math.max(want.get(through.partition) ?? 0, through.offset + 1));
    empty.delete(through.partition);
  }
  const reached = new Map<number, number>();
  const done = () => [...want].every(([p, high]) => empty.has(p) || (reached.get(p) ?? 0) >= high);
  const values: Message[] = [];
  if (done()) return values;
  const groupId = `kafka-lab-grader-${randomBytes(6).toString('hex')}`;
  const consumer = kafkaClient(bootstrap, { connectionTimeoutMs: 3000, requestTimeoutMs: 10_000 }).consumer({
    groupId,
    allowAutoTopicCreation: false,
    // Leaving waits for the fetch in flight: a short wait keeps a finished read from idling there.
    maxWaitTimeInMs: 50,
  });
  try {
    await consumer.connect();
    await consumer.subscribe({ topic, fromBeginning: true });
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`reading ${topic} did not reach its end offsets within ${timeoutMs / 1000} s`)),
        timeoutMs,
      );
      consumer
        .run({
          autoCommit: false,
          eachBatch: async ({ batch }) => {
            for (const m of batch.messages) {
              if (Number(m.offset) < (want.get(batch.partition) ?? 0)) {
                values.push({
                  partition: batch.partition,
                  offset: Number(m.offset),
                  value: m.value?.toString('utf8') ?? '',
                  ts: Number(m.timestamp),
                });
              }
              reached.set(batch.partition, Math.max(reached.get(batch.partition) ?? 0, Number(m.offset) + 1));
            }
            if (done()) {
              clearTimeout(timer);
              resolve();
            }
          },
        })
        .catch(reject);
    });
  } finally {
    await consumer.disconnect().catch(() => {});
    await withAdmin(bootstrap, (a) => a.deleteGroups([groupId])).catch(() => {});
  }
  return values;
}

/**
 * A cluster where no group was ever used creates __consumer_offsets (50 partitions) on the first
 * group request, which takes tens of seconds on a small host: wait for it rather than time out a read.
 */
async function coordinatorReady(bootstrap: string): Promise<void> {
  await waitFor(
    async () => {
      try {
        // describeCluster first: an admin that has no metadata yet finds no coordinator and backs off.
        await withAdmin(
          bootstrap,
          async (a) => {
            await a.describeCluster();
            return a.describeGroups(['kafka-lab-grader-probe']);
          },
          { retries: 3 },
        );
        return { done: true, value: true };
      } catch (err) {
        return { done: false, seen: (err as Error).message };
      }
    },
    {
      what: 'a group coordinator (the cluster creates __consumer_offsets on first use)',
      timeoutMs: 120_000,
      intervalMs: 500,
      clock: systemClock,
    },
  );
}
