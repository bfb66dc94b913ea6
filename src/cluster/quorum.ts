// Asks a KRaft node's own tool for the controller quorum: kafkajs cannot send DescribeQuorum, and in
// KRaft the controller id that Metadata reports is a random broker, not the quorum's leader.
import { noLeader, parseQuorumReplication, parseQuorumStatus, type QuorumState } from '../core/quorum.js';
import type { Runtime } from '../core/runtime.js';
import { brokerServices, type StackSpec } from '../core/stack.js';
import { internalAddress } from '../core/listeners.js';

/**
 * The tool's admin client waits 60 s for an answer by default; a quorum without a majority never
 * gives one, so it is asked to give up sooner (its --command-config, read from standard input).
 */
const ADMIN = 'default.api.timeout.ms=6000\nrequest.timeout.ms=5000\n';
const EXEC_TIMEOUT_MS = 20_000;

/**
 * The quorum as the first running broker that answers sees it (both views at once, each one JVM);
 * one with no leader when the tool timed out asking (no majority); undefined when no broker ran it.
 */
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
        [
          'kafka-metadata-quorum',
          '--command-config',
          '/dev/stdin',
          '--bootstrap-server',
          internalAddress(node),
          'describe',
          what,
        ],
        { timeoutMs: EXEC_TIMEOUT_MS, stdin: ADMIN },
      );
    try {
      const [status, replication] = await Promise.all([
        tool('--status'),
        o.replication ? tool('--replication') : undefined,
      ]);
      const q = status.exitCode === 0 ? parseQuorumStatus(status.stdout) : undefined;
      if (!q) {
        if (/TimeoutException/.test(status.all)) return noLeader(status.all);
        continue;
      }
      if (replication?.exitCode === 0) q.replication = parseQuorumReplication(replication.stdout);
      return q;
    } catch {
      // a node that stops answering mid-call: ask the next one
    }
  }
  return undefined;
}
