// The purchase simulator: keyed JSON purchases with acks=all, counted as the broker acknowledges them.
import { purchase, randomSource } from '../core/purchases.js';
import { kafkaClient } from './kafka.js';
import { partitionCount, partitionedSender } from './produce.js';

export interface SimulateOptions {
  bootstrap: string;
  topic: string;
  count: number;
  seed: number;
  /** messages per second; 0 = as fast as acknowledgements allow */
  rate?: number;
  signal?: AbortSignal;
  onSent?: (acked: number) => void;
  /** the values of each acknowledged batch, for the durability record */
  onAcked?: (values: string[]) => Promise<void>;
}

export async function simulatePurchases(o: SimulateOptions): Promise<{ acked: number; failed: number }> {
  const producer = kafkaClient(o.bootstrap, { connectionTimeoutMs: 3000, requestTimeoutMs: 10_000 }).producer({
    allowAutoTopicCreation: false,
  });
  await producer.connect();
  const send = partitionedSender(producer, o.topic, await partitionCount(o.bootstrap, o.topic));
  const random = randomSource(o.seed);
  let acked = 0;
  let failed = 0;
  const batch = o.rate ? Math.max(1, Math.round(o.rate / 10)) : 50;
  try {
    const started = Date.now();
    while (acked + failed < o.count && !o.signal?.aborted) {
      const n = Math.min(batch, o.count - acked - failed);
      const messages = Array.from({ length: n }, () => {
        const p = purchase(random, new Date());
        return { key: p.key, value: JSON.stringify(p.value) };
      });
      for (const r of await send(messages, { acks: -1 })) {
        if (r.error) {
          failed += r.messages.length;
          continue;
        }
        acked += r.messages.length;
        await o.onAcked?.(r.messages.map((m) => m.value));
      }
      o.onSent?.(acked);
      if (o.rate) {
        const due = started + ((acked + failed) / o.rate) * 1000;
        const wait = due - Date.now();
        if (wait > 0) await new Promise((r) => setTimeout(r, wait)); // pacing a load, not waiting for readiness
      }
    }
  } finally {
    await producer.disconnect().catch(() => {});
  }
  return { acked, failed };
}
