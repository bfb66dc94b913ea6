// What the benches share: a topic to watch, a whole cluster before each fault, and the time from a
// fault to the first snapshot that shows new, live leaders for every partition the faulted broker led.
import { execa } from 'execa';
import type { Inspector } from '../src/core/snapshot.js';
import { eventually } from '../test/poll.js';

type Kl = (args: string[]) => Promise<string>;

/** The topic `latency`: 12 partitions on all three brokers. */
export async function createLatencyTopic(stack: string): Promise<void> {
  await execa('docker', [
    'exec',
    `${stack}-kafka-1`,
    'kafka-topics',
    '--bootstrap-server',
    'kafka-1:19092',
    '--create',
    '--topic',
    'latency',
    '--partitions',
    '12',
    '--replication-factor',
    '3',
  ]);
}

const look = (inspector: Inspector) => inspector.snapshot({ topics: ['latency'], groups: [], messagesOf: [] });

/** Heal, wait for three brokers and full ISRs, and give every partition back to its preferred leader. */
export async function settle(kl: Kl, inspector: Inspector, stack: string): Promise<void> {
  await kl(['heal', '--stack', stack]);
  await eventually(
    'three brokers and every partition of latency in sync',
    120_000,
    async () => {
      const s = await look(inspector);
      const t = s.topics.latency;
      return s.brokers.length === 3 && t?.exists && t.partitions.every((p) => p.isr.length === 3) ? true : undefined;
    },
    { intervalMs: 250 },
  );
  await execa(
    'docker',
    [
      'exec',
      `${stack}-kafka-1`,
      'kafka-leader-election',
      '--bootstrap-server',
      'kafka-1:19092',
      '--election-type',
      'PREFERRED',
      '--all-topic-partitions',
    ],
    { reject: false },
  );
}

/** From the fault's logged time to the first snapshot with new, live leaders for broker 2's partitions. */
export async function detectionMs(kl: Kl, inspector: Inspector, stack: string, kind: string): Promise<number> {
  const before = await look(inspector);
  const led = before.topics.latency!.partitions.filter((p) => p.leader === 2).map((p) => p.partition);
  const event = JSON.parse(await kl(['fault', kind, 'broker:2', '--stack', stack, '--json'])) as { atMs: number };
  return eventually(
    `${kind}: new live leaders for the partitions broker 2 led`,
    60_000,
    async () => {
      const s = await look(inspector);
      const live = new Set(s.brokers.map((b) => b.id));
      const moved = led.every((n) => {
        const p = s.topics.latency?.partitions.find((x) => x.partition === n);
        return p && p.leader !== 2 && p.leader >= 0 && live.has(p.leader);
      });
      return moved ? Date.now() - event.atMs : undefined;
    },
    { intervalMs: 50 },
  );
}
