// Producing with acknowledgements that can be trusted while leaders move.
//
// kafkajs' send() keeps, across its retries, the replies of brokers that already answered. When a
// leader moves mid-send (a paused leader wakes up as a zombie and answers NOT_LEADER), the retry
// skips the new leader if it had answered for other partitions, and send() resolves although the
// moved partition's messages were never written there (tulios/kafkajs#1303, #1798). A send that
// holds one partition has one leader, so its retry is always whole: send per partition.
import kafkajs from 'kafkajs';
import { UserError } from '../core/errors.js';
import { waitFor, WaitTimeout, type Clock, type Probe } from '../core/wait.js';
import { systemClock } from '../runtime/clock.js';
import { withAdmin } from './kafka.js';

export interface Outcome<M> {
  partition: number;
  messages: M[];
  /** offset of the first message, when acknowledged */
  baseOffset?: number;
  error?: Error;
}

export type PartitionedSend = <M extends kafkajs.Message>(
  messages: M[],
  o: { acks: number; timeout?: number },
) => Promise<Outcome<M>[]>;

/**
 * A topic created a moment ago may not yet be in the metadata of the broker that answers, so an
 * unknown topic is asked about again for a few seconds before it counts as missing.
 */
export async function partitionCount(bootstrap: string, topic: string, clock: Clock = systemClock): Promise<number> {
  const probe: Probe<number> = async () => {
    try {
      const md = await withAdmin(bootstrap, (a) => a.fetchTopicMetadata({ topics: [topic] }));
      return { done: true, value: md.topics[0]!.partitions.length };
    } catch (err) {
      if ((err as { type?: string }).type !== 'UNKNOWN_TOPIC_OR_PARTITION') throw err;
      return { done: false, seen: 'unknown topic' };
    }
  };
  try {
    return await waitFor(probe, { what: `topic ${topic}`, timeoutMs: 5000, intervalMs: 250, clock });
  } catch (err) {
    if (!(err instanceof WaitTimeout)) throw err;
    throw new UserError(
      `Topic ${topic} does not exist on this cluster.`,
      `Create it first (kafka-topics --create --topic ${topic} ...), or run the lab step that creates it.`,
    );
  }
}

/** Keyed messages go where kafkajs' default (Java-compatible) partitioner puts them; the others round-robin. */
export function partitionedSender(producer: kafkajs.Producer, topic: string, partitions: number): PartitionedSend {
  const choose = kafkajs.Partitioners.DefaultPartitioner();
  const partitionMetadata = Array.from({ length: partitions }, (_, partitionId) => ({
    partitionId,
    leader: partitionId,
    replicas: [],
    isr: [],
    partitionErrorCode: 0,
  }));
  let next = 0;
  return async (messages, o) => {
    const groups = new Map<number, (typeof messages)[number][]>();
    for (const m of messages) {
      const p = m.partition ?? (m.key != null ? choose({ topic, partitionMetadata, message: m }) : next++ % partitions);
      groups.set(p, [...(groups.get(p) ?? []), m]);
    }
    return Promise.all(
      [...groups].map(async ([partition, group]) => {
        try {
          const [r] = await producer.send({
            topic,
            acks: o.acks,
            timeout: o.timeout,
            messages: group.map((m) => ({ ...m, partition })),
          });
          return { partition, messages: group, baseOffset: Number(r!.baseOffset) };
        } catch (error) {
          return { partition, messages: group, error: error as Error };
        }
      }),
    );
  };
}
