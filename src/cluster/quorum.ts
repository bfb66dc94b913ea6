// Asks a KRaft node's own tool for the controller quorum: kafkajs cannot send DescribeQuorum, and in
// KRaft the controller id that Metadata reports is a random broker, not the quorum's leader.
import { parseQuorumReplication, parseQuorumStatus, type QuorumState } from '../core/quorum.js';
import type { Runtime } from '../core/runtime.js';
import { brokerServices, type StackSpec } from '../core/stack.js';
import { internalAddress } from '../core/listeners.js';

const TIMEOUT_MS = 20_000;

/** The quorum as the first running node that answers sees it; undefined when none does. */
export async function describeQuorum(
  rt: Runtime,
  spec: StackSpec,
  o: { replication?: boolean } = {},
): Promise<QuorumState | undefined> {
  for (const node of brokerServices(spec)) {
    if (!(await rt.inspect(node.containerName))?.running) continue;
    const tool = (what: string) =>
      rt.exec(
        node.containerName,
        ['kafka-metadata-quorum', '--bootstrap-server', internalAddress(node), 'describe', what],
        {
          timeoutMs: TIMEOUT_MS,
        },
      );
    try {
      const status = await tool('--status');
      const q = status.exitCode === 0 ? parseQuorumStatus(status.stdout) : undefined;
      if (!q) continue;
      if (o.replication) {
        const r = await tool('--replication');
        if (r.exitCode === 0) q.replication = parseQuorumReplication(r.stdout);
      }
      return q;
    } catch {
      // a node that stops answering mid-call: ask the next one
    }
  }
  return undefined;
}
