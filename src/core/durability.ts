// Pure accounting for a durability run, in the manner of Kafka's own replication tests:
// every acknowledged write must be read back.

export interface DurabilityCounts {
  sent: number;
  acked: number;
  failed: number;
  read: number;
  lost: string[];
  duplicated: string[];
  unackedButPresent: string[];
}

export function account(
  sent: string[],
  acked: Set<string>,
  failed: Set<string>,
  readValues: string[],
): DurabilityCounts {
  const times = new Map<string, number>();
  for (const v of readValues) times.set(v, (times.get(v) ?? 0) + 1);
  return {
    sent: sent.length,
    acked: acked.size,
    failed: failed.size,
    read: times.size,
    lost: [...acked].filter((v) => !times.has(v)),
    duplicated: [...times].filter(([, n]) => n > 1).map(([v]) => v),
    unackedButPresent: [...failed].filter((v) => times.has(v)),
  };
}

export function verdict(c: DurabilityCounts & { readPastLastAcked?: boolean }): { ok: boolean; lines: string[] } {
  const lines: string[] = [];
  if (c.readPastLastAcked === false) {
    lines.push(
      'The read did not reach the last acknowledged offset of every partition, so what is missing cannot be called lost yet: inconclusive.',
    );
  }
  if (c.acked === 0)
    lines.push(
      `No write was acknowledged (${c.failed} failed): nothing can be said about durability, and writes did not work.`,
    );
  else if (c.lost.length === 0)
    lines.push(`No acknowledged message was lost: all ${c.acked} acknowledged writes were read back.`);
  else
    lines.push(
      `${c.lost.length} acknowledged messages were LOST (acknowledged but never read), e.g. ${c.lost.slice(0, 5).join(', ')}.`,
    );
  if (c.failed > 0)
    lines.push(
      `${c.failed} of ${c.sent} writes failed (not acknowledged); ${c.unackedButPresent.length} of those were stored anyway.`,
    );
  if (c.duplicated.length > 0)
    lines.push(`${c.duplicated.length} messages were stored more than once (a retried write).`);
  return { ok: c.acked > 0 && c.lost.length === 0 && c.failed === 0 && c.readPastLastAcked !== false, lines };
}
