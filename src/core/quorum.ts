// The KRaft controller quorum, as `kafka-metadata-quorum describe --status` and `--replication`
// print it. Pure parsing: the adapter (cluster/quorum.ts) runs the tool in a node's container.

export interface QuorumVoter {
  id: number;
  /** -1 while a voter has never fetched (a node that is down) */
  logEndOffset: number;
  lag: number;
  /** Leader, Follower or Observer */
  status: string;
}

export interface QuorumState {
  leaderId: number;
  leaderEpoch: number;
  highWatermark: number;
  voters: number[];
  /** From --replication, when it was asked for. */
  replication?: QuorumVoter[];
  /** Why no leader answered (the tool timed out: no majority of the voters is up). */
  unanswered?: string;
}

/** The quorum when asking it timed out: no leader, as far as anyone can tell. */
export function noLeader(output: string): QuorumState {
  const reason = /TimeoutException: ([^\n]*)/.exec(output)?.[1] ?? 'timed out';
  return { leaderId: -1, leaderEpoch: -1, highWatermark: -1, voters: [], unanswered: reason.slice(0, 200) };
}

/** `--status`: one `Key:<spaces>value` line per field; CurrentVoters is a JSON list. */
export function parseQuorumStatus(text: string): QuorumState | undefined {
  const field = new Map<string, string>();
  for (const line of text.split('\n')) {
    const m = /^(\w+):\s+(.*)$/.exec(line.trim());
    if (m) field.set(m[1]!, m[2]!);
  }
  const leaderId = Number(field.get('LeaderId'));
  if (!Number.isInteger(leaderId)) return undefined;
  let voters: number[] = [];
  try {
    const list = JSON.parse(field.get('CurrentVoters') ?? '[]') as unknown;
    // Kafka 4 lists {"id": N, "endpoints": [...]}; Kafka 3.x listed bare ids.
    if (Array.isArray(list))
      voters = list.map((v) => Number(typeof v === 'object' && v ? (v as { id: unknown }).id : v));
  } catch {
    return undefined;
  }
  return {
    leaderId,
    leaderEpoch: Number(field.get('LeaderEpoch') ?? -1),
    highWatermark: Number(field.get('HighWatermark') ?? -1),
    voters: voters.filter(Number.isInteger).sort((a, b) => a - b),
  };
}

/** `--replication`: a header line, then tab-separated NodeId, DirectoryId, LogEndOffset, Lag, ..., Status. */
export function parseQuorumReplication(text: string): QuorumVoter[] {
  const rows = text.split('\n').map((l) => l.trim().split(/\s+/));
  const header = rows.find((r) => r[0] === 'NodeId');
  if (!header) return [];
  const col = (name: string) => header.indexOf(name);
  return rows
    .filter((r) => r !== header && /^\d+$/.test(r[0] ?? ''))
    .map((r) => ({
      id: Number(r[col('NodeId')]),
      logEndOffset: Number(r[col('LogEndOffset')]),
      lag: Number(r[col('Lag')]),
      status: r[col('Status')] ?? '?',
    }));
}

/** A quorum is whole when it has a leader and every voter has fetched and caught up within `maxLag`. */
export function quorumProblem(q: QuorumState | undefined, maxLag = 100): string | undefined {
  if (!q) return 'the quorum could not be described';
  if (q.leaderId < 0) return 'the quorum has no leader';
  const behind = (q.replication ?? []).filter((v) => q.voters.includes(v.id) && (v.logEndOffset < 0 || v.lag > maxLag));
  if (behind.length) return `voter${behind.length > 1 ? 's' : ''} ${behind.map((v) => v.id).join(', ')} not caught up`;
  return undefined;
}
