// The live cluster panel as pure lines: brokers (up or down, the controller), each lab topic's
// partitions (leader, replicas, ISR; out-of-sync, offline and non-preferred leaders marked), and
// consumer groups with members, partitions and lag. Rows keep a stable order (broker id, partition
// number, group id, member host), rows that just changed are highlighted, and what the snapshot
// could not learn is marked '?', never left out silently.
import {
  describeGap,
  liveBrokers,
  type ClusterSnapshot,
  type GroupState,
  type PartitionState,
  type TopicState,
} from '../core/snapshot.js';
import type { QuorumState } from '../core/quorum.js';
import { fit, pad, ranges, span, type Line, type Span } from './text.js';

export interface PanelInput {
  snapshot: ClusterSnapshot | null;
  topics: string[];
  groups: string[];
  /** Row and cell keys to highlight (from the watch). */
  highlight?: string[];
  /** A poll that failed as a whole. */
  error?: string | null;
  width: number;
  /** Lines available; the panel picks the most detailed form that fits. */
  height: number;
  /** Add the legend of the partition matrix when there is room (the help shows it too). */
  legend?: boolean;
  /** A KRaft stack's controller quorum: null while unknown (quorumProblem says why, if known). */
  quorum?: QuorumState | null;
  quorumProblem?: string;
}

export interface BrokerRow {
  id: number;
  service: string;
  container: string;
  /** up, down, paused, missing, lost (running but out of the cluster), up? (running, membership unknown) */
  word: string;
  ok: boolean | null;
  controller: boolean;
}

export function brokerRows(s: ClusterSnapshot): BrokerRow[] {
  const live = liveBrokers(s);
  const ids = new Set<number>([
    ...s.containers.flatMap((c) => (c.brokerId === undefined ? [] : [c.brokerId])),
    ...s.brokers.map((b) => b.id),
  ]);
  // KRaft's controllers have node ids too, but are no brokers: the quorum line shows them.
  for (const c of s.containers) if (c.role === 'controller' && c.brokerId !== undefined) ids.delete(c.brokerId);
  return [...ids]
    .sort((a, b) => a - b)
    .map((id) => {
      const c = s.containers.find((x) => x.brokerId === id);
      const state = c?.state ?? 'unknown';
      const member = live === null ? null : live.has(id);
      let word: string;
      let ok: boolean | null;
      if (state === 'running') [word, ok] = member === null ? ['up?', null] : member ? ['up', true] : ['lost', false];
      else if (state === 'paused') [word, ok] = ['paused', false];
      else if (state === 'missing') [word, ok] = ['missing', false];
      else if (state === 'unknown') [word, ok] = member ? ['up', true] : ['?', null];
      else [word, ok] = ['down', false];
      return {
        id,
        service: c?.service ?? `broker ${id}`,
        container: c?.name ?? '?',
        word,
        ok,
        controller: s.controller === id,
      };
    });
}

/**
 * A replica's role in its partition: leader on the preferred replica, leader elsewhere,
 * in-sync follower, out of sync (live but not in the ISR), offline (its broker is down), or none.
 */
export type Role = 'leader' | 'leader-moved' | 'in-sync' | 'out-of-sync' | 'offline' | 'none';

export function replicaRole(p: PartitionState, broker: number, live: Set<number> | null): Role {
  if (!p.replicas.includes(broker)) return 'none';
  if (p.leader === broker) return p.replicas[0] === broker ? 'leader' : 'leader-moved';
  if (p.offline.includes(broker) || (live !== null && !live.has(broker))) return 'offline';
  return p.isr.includes(broker) ? 'in-sync' : 'out-of-sync';
}

const ROLE_CELL: Record<Role, { text: string; color?: string; bold?: boolean; dim?: boolean }> = {
  leader: { text: 'L', color: 'green', bold: true },
  'leader-moved': { text: 'L*', color: 'yellow', bold: true },
  'in-sync': { text: 'f', color: 'green' },
  'out-of-sync': { text: 'x', color: 'red', bold: true },
  offline: { text: '!', color: 'red', bold: true },
  none: { text: '·', dim: true },
};

export const LEGEND = 'L leader  L* not the preferred leader  f in sync  x out of sync  ! offline';

export interface TopicSummary {
  partitions: number;
  underReplicated: number;
  leaderless: number;
  notPreferred: number;
}

export function topicSummary(t: TopicState): TopicSummary {
  return {
    partitions: t.partitions.length,
    underReplicated: t.partitions.filter((p) => p.isr.length < p.replicas.length).length,
    leaderless: t.partitions.filter((p) => p.leader < 0).length,
    notPreferred: t.partitions.filter((p) => p.leader >= 0 && p.leader !== p.replicas[0]).length,
  };
}

function summaryText(name: string, t: TopicState | undefined, why: string | undefined, width = 80): Line {
  if (!t)
    return [span(name, { bold: true }), span(`  ? could not be read${why ? `: ${why}` : ''}`, { color: 'yellow' })];
  if (!t.exists) return [span(name, { bold: true }), span('  not created yet', { dim: true })];
  const s = topicSummary(t);
  const out: Line = [
    span(name, { bold: true }),
    span(`  ${s.partitions} partition${s.partitions === 1 ? '' : 's'}, RF ${t.partitions[0]?.replicas.length ?? 0}`),
  ];
  const problems: Span[] = [];
  if (s.leaderless) problems.push(span(`${s.leaderless} without a leader`, { color: 'red', bold: true }));
  if (s.underReplicated) problems.push(span(`${s.underReplicated} under-replicated`, { color: 'red' }));
  if (s.notPreferred)
    problems.push(
      span(`${s.notPreferred} ${width < 100 ? 'not preferred' : 'not on the preferred leader'}`, { color: 'yellow' }),
    );
  if (problems.length === 0) problems.push(span('all in sync, preferred leaders', { color: 'green' }));
  for (const p of problems) out.push(span(' · '), p);
  return out;
}

/** Why a topic could not be read: a gap about it, or else the first one. */
function topicWhy(s: ClusterSnapshot, name: string): string | undefined {
  const gap = s.gaps.find((g) => g.topic === name) ?? s.gaps[0];
  return gap && describeGap(gap);
}

/** The groups were not asked, or not answered: the admin client failed, or describing the groups did. */
function groupsUnknown(s: ClusterSnapshot, id: string): boolean {
  return s.gaps.some(
    (g) =>
      g.scope === 'groups' ||
      (g.scope === 'cluster' && g.via === 'kafkajs') ||
      (g.scope === 'offsets' && g.group === id),
  );
}

const hl = (on: boolean, sp: Span): Span => (on ? { ...sp, inverse: true } : sp);

// -- brokers --------------------------------------------------------------------------------------

function brokerLabel(b: BrokerRow, labelWidth: number, highlighted: boolean): Span[] {
  const color = b.ok === true ? 'green' : b.ok === false ? 'red' : 'yellow';
  const name = pad(b.service, labelWidth - 11);
  return [
    hl(highlighted, span(name)),
    hl(highlighted, span(pad(b.word, 6), { color, bold: b.ok === false })),
    span(b.controller ? 'ctrl ' : '     ', { color: 'cyan' }),
  ];
}

function brokersLine(rows: BrokerRow[], highlight: Set<string>): Line {
  const out: Line = [];
  for (const b of rows) {
    if (out.length) out.push(span('  '));
    const color = b.ok === true ? 'green' : b.ok === false ? 'red' : 'yellow';
    out.push(
      hl(highlight.has(`broker:${b.id}`), span(`${b.service} `)),
      hl(highlight.has(`broker:${b.id}`), span(b.word, { color, bold: b.ok === false })),
    );
    if (b.controller) out.push(span(' (controller)', { color: 'cyan' }));
  }
  return out;
}

/** The quorum's leader and each voter: lag, or down (never fetched). */
function quorumLine(s: ClusterSnapshot, q: QuorumState | null, problem: string | undefined): Line {
  const head = span('Quorum ', { bold: true });
  if (!q) return [head, span(`? ${problem ?? 'asking kafka-metadata-quorum...'}`, { color: 'yellow', dim: !problem })];
  if (q.leaderId < 0)
    return [head, span(`no leader: ${q.unanswered ?? 'none answered'}`, { color: 'red', bold: true })];
  const out: Line = [head, span(`epoch ${q.leaderEpoch}`, { dim: true })];
  for (const id of q.voters) {
    const c = s.containers.find((x) => x.role === 'controller' && x.brokerId === id);
    const v = q.replication?.find((x) => x.id === id);
    const word =
      id === q.leaderId ? 'leader' : !v ? '?' : v.logEndOffset < 0 ? 'down' : v.lag === 0 ? 'in sync' : `lag ${v.lag}`;
    const color = id === q.leaderId ? 'cyan' : word === 'in sync' ? 'green' : word === '?' ? 'yellow' : 'red';
    out.push(span(`  ${c?.service ?? id} `), span(word, { color, bold: word === 'down' }));
  }
  return out;
}

// -- the matrix: one row per broker, one column per partition ------------------------------------

function matrixLines(
  s: ClusterSnapshot,
  topics: string[],
  rows: BrokerRow[],
  highlight: Set<string>,
  width: number,
): Line[] {
  const live = liveBrokers(s);
  const labelWidth = Math.max(...rows.map((b) => b.service.length), 7) + 1 + 11;
  const known = topics.filter((n) => s.topics[n]?.exists && s.topics[n]!.partitions.length > 0);
  // Without a partition to show, the brokers still get their line.
  const lines: Line[] = known.length ? [] : [brokersLine(rows, highlight)];
  for (const n of topics.filter((x) => !known.includes(x)))
    lines.push(summaryText(n, s.topics[n], topicWhy(s, n), width));
  const cellWidth = (t: TopicState) =>
    Math.max(
      2,
      String(t.partitions.length - 1).length,
      t.partitions.some((p) => p.leader >= 0 && p.leader !== p.replicas[0]) ? 2 : 1,
    ) + 1;
  const groupWidth = (n: string) => cellWidth(s.topics[n]!) * s.topics[n]!.partitions.length;
  // Topics side by side while they fit; otherwise one block each.
  const blocks: string[][] = [];
  for (const n of known) {
    const cur = blocks[blocks.length - 1];
    const used = cur ? cur.reduce((a, x) => a + groupWidth(x) + 2, 0) : 0;
    if (cur && labelWidth + used + groupWidth(n) <= width) cur.push(n);
    else blocks.push([n]);
  }
  for (const block of blocks) {
    if (block.length === 1) {
      lines.push(summaryText(block[0]!, s.topics[block[0]!], undefined, width));
    } else {
      const head: Line = [span(' '.repeat(labelWidth))];
      for (const n of block) head.push(span(pad(n.slice(0, groupWidth(n)), groupWidth(n) + 2), { bold: true }));
      lines.push(head);
      for (const n of block) {
        const t = s.topics[n]!;
        const sum = topicSummary(t);
        if (sum.leaderless || sum.underReplicated || sum.notPreferred) lines.push(summaryText(n, t, undefined, width));
      }
    }
    const numbers: Line = [span(pad('partition', labelWidth), { dim: true })];
    for (const n of block) {
      const t = s.topics[n]!;
      const w = cellWidth(t);
      for (const p of t.partitions) {
        const noLeader = p.leader < 0;
        numbers.push(span(pad(String(p.partition), w), noLeader ? { color: 'red', bold: true } : { dim: true }));
      }
      numbers.push(span('  '));
    }
    lines.push(numbers);
    for (const b of rows) {
      const line: Line = brokerLabel(b, labelWidth, highlight.has(`broker:${b.id}`));
      for (const n of block) {
        const t = s.topics[n]!;
        const w = cellWidth(t);
        for (const p of t.partitions) {
          const role = replicaRole(p, b.id, live);
          const cell = ROLE_CELL[role];
          const { text, ...style } = cell;
          line.push(
            hl(highlight.has(`cell:${n}:${p.partition}:${b.id}`), span(text, style)),
            span(' '.repeat(w - text.length)),
          );
        }
        line.push(span('  '));
      }
      lines.push(line);
    }
    const leaderless = block.flatMap((n) =>
      s.topics[n]!.partitions.filter((p) => p.leader < 0).map(
        (p) => `${block.length > 1 ? `${n}/` : ''}${p.partition}`,
      ),
    );
    if (leaderless.length)
      lines.push([
        span(pad('', labelWidth)),
        span(`no leader: partition ${leaderless.join(', ')} (offline: reads and writes fail)`, {
          color: 'red',
          bold: true,
        }),
      ]);
  }
  return lines;
}

// -- the table: one row per partition, as kafka-topics --describe shows it -----------------------

function tableLines(s: ClusterSnapshot, topics: string[], highlight: Set<string>, width: number): Line[] {
  const live = liveBrokers(s);
  const lines: Line[] = [];
  for (const n of topics) {
    const t = s.topics[n];
    lines.push(summaryText(n, t, t ? undefined : topicWhy(s, n), width));
    if (!t?.exists || t.partitions.length === 0) continue;
    lines.push([span('  Part  Leader  Replicas    ISR         Notes', { dim: true })]);
    for (const p of t.partitions) lines.push(partitionRow(p, live, highlight.has(`part:${n}:${p.partition}`)));
  }
  return lines;
}

function partitionRow(p: PartitionState, live: Set<number> | null, highlighted: boolean): Line {
  const notes: Span[] = [];
  const offline = p.replicas.filter((r) => replicaRole(p, r, live) === 'offline');
  const outOfSync = p.replicas.filter((r) => replicaRole(p, r, live) === 'out-of-sync');
  if (p.leader < 0) notes.push(span('NO LEADER', { color: 'red', bold: true }));
  if (offline.length) notes.push(span(`offline: ${offline.join(',')}`, { color: 'red' }));
  if (outOfSync.length) notes.push(span(`out of sync: ${outOfSync.join(',')}`, { color: 'red' }));
  if (p.leader >= 0 && p.leader !== p.replicas[0]) notes.push(span(`preferred: ${p.replicas[0]}`, { color: 'yellow' }));
  const leader = p.leader < 0 ? 'none' : `${p.leader}${p.leader !== p.replicas[0] ? '*' : ''}`;
  const replicas = p.replicas
    .map((r) => `${r}${offline.includes(r) ? '!' : outOfSync.includes(r) ? 'x' : ''}`)
    .join(',');
  const line: Line = [
    hl(highlighted, span(`  ${pad(String(p.partition), 6)}`)),
    hl(
      highlighted,
      span(
        pad(leader, 8),
        p.leader < 0 ? { color: 'red', bold: true } : p.leader !== p.replicas[0] ? { color: 'yellow' } : {},
      ),
    ),
    hl(highlighted, span(pad(replicas, 12))),
    hl(
      highlighted,
      span(pad(p.isr.join(',') || '-', 12), p.isr.length < p.replicas.length ? { color: 'red' } : { color: 'green' }),
    ),
  ];
  notes.forEach((x, i) => line.push(...(i ? [span('; ')] : []), x));
  return line;
}

// -- consumer groups ---------------------------------------------------------------------------------

export interface MemberRow {
  memberId: string;
  who: string;
  partitions: Record<string, number[]> | null;
  lag: number | null;
}

/** Lag of a group on the lab's topics: end offset - committed offset, null where either is unknown. */
export function lagOf(s: ClusterSnapshot, g: GroupState, topic: string, partitions: number[]): number | null {
  let sum = 0;
  for (const p of partitions) {
    const end = s.endOffsets?.[topic]?.[p];
    const committed = g.offsets[topic]?.[p];
    if (end === undefined) return null;
    if (committed === undefined || committed < 0) continue; // nothing committed yet: no lag to speak of
    sum += Math.max(0, end - committed);
  }
  return sum;
}

export function memberRows(s: ClusterSnapshot, g: GroupState, topics: string[]): MemberRow[] {
  return [...g.members]
    .sort(
      (a, b) =>
        a.host.localeCompare(b.host) || a.clientId.localeCompare(b.clientId) || a.memberId.localeCompare(b.memberId),
    )
    .map((m) => {
      let lag: number | null = 0;
      for (const t of topics) {
        const parts = m.assignment?.[t];
        if (!parts) continue;
        const l = lagOf(s, g, t, parts);
        lag = l === null || lag === null ? null : lag + l;
      }
      return {
        memberId: m.memberId,
        who: `${m.clientId} ${m.host.replace(/^\//, '')}`,
        partitions: m.assignment,
        lag: m.assignment === null ? null : lag,
      };
    });
}

function groupLag(s: ClusterSnapshot, g: GroupState, topics: string[]): number | null {
  let sum = 0;
  for (const t of topics) {
    const parts = Object.keys(g.offsets[t] ?? {}).map(Number);
    if (parts.length === 0) continue;
    const l = lagOf(s, g, t, parts);
    if (l === null) return null;
    sum += l;
  }
  return sum;
}

const lagText = (n: number | null) => (n === null ? 'lag ?' : `lag ${n}`);

function groupLines(
  s: ClusterSnapshot,
  groups: string[],
  topics: string[],
  highlight: Set<string>,
  detailed: boolean,
): Line[] {
  const lines: Line[] = [];
  for (const id of groups) {
    const g = s.groups[id];
    const head: Line = [hl(highlight.has(`group:${id}`), span(`group ${id}`, { bold: true }))];
    if (!g) {
      const unknown = groupsUnknown(s, id);
      head.push(
        span(unknown ? '  ? not learnt' : '  none yet', { dim: !unknown, color: unknown ? 'yellow' : undefined }),
      );
      lines.push(head);
      continue;
    }
    const members = memberRows(s, g, topics);
    head.push(
      span(`  ${g.state} · ${g.members.length} member${g.members.length === 1 ? '' : 's'} · `),
      span(lagText(groupLag(s, g, topics)), groupLag(s, g, topics) ? { color: 'yellow' } : {}),
    );
    if (!detailed) {
      const parts = members.map(
        (m) =>
          `${m.who.split(' ').pop()} ${m.partitions === null ? 'rebalancing' : topics.map((t) => ranges(m.partitions?.[t] ?? [])).join('/')}`,
      );
      if (parts.length) head.push(span(`: ${parts.join(', ')}`, { dim: true }));
      lines.push(head);
      continue;
    }
    lines.push(head);
    const whoWidth = Math.max(12, ...members.map((m) => m.who.length)) + 2;
    for (const m of members) {
      const assigned =
        m.partitions === null
          ? 'rebalancing'
          : topics
              .filter((t) => m.partitions?.[t])
              .map((t) => `${topics.length > 1 ? `${t} ` : ''}p${ranges(m.partitions![t]!)}`)
              .join('  ') || 'no partitions';
      lines.push([
        hl(highlight.has(`member:${id}:${m.memberId}`), span(`  ${pad(m.who, whoWidth)}`)),
        span(pad(assigned, 16)),
        span(` ${lagText(m.lag)}`, m.lag ? { color: 'yellow' } : { dim: true }),
      ]);
    }
  }
  return lines;
}

// -- the panel ---------------------------------------------------------------------------------------

export function clusterPanel(i: PanelInput): Line[] {
  const width = Math.max(20, i.width);
  const s = i.snapshot;
  if (!s) {
    return [
      [
        span('Cluster', { bold: true }),
        span(i.error ? `  ? the first look at the cluster failed: ${i.error}` : '  looking at the cluster...', {
          color: i.error ? 'yellow' : undefined,
          dim: !i.error,
        }),
      ],
    ].map((l) => fit(l, width));
  }
  const highlight = new Set(i.highlight ?? []);
  const rows = brokerRows(s);
  const live = liveBrokers(s);
  const at = new Date(s.atMs).toTimeString().slice(0, 8);
  const up = rows.filter((b) => b.ok).length;
  // KRaft: the active controller is the quorum's leader, which the watch asks for apart.
  const kraft = i.quorum !== undefined;
  const controller = kraft ? (i.quorum && i.quorum.leaderId >= 0 ? i.quorum.leaderId : null) : s.controller;
  const header: Line = [
    span('Cluster', { bold: true }),
    span(`  controller ${controller ?? '?'}`, { color: controller === null ? 'yellow' : 'cyan' }),
    span(` · ${live === null ? '?' : up} of ${rows.length} brokers up`),
    span(` · as of ${at}`, { dim: true }),
  ];
  if (i.error) header.push(span(`  ? last poll failed: ${i.error}`, { color: 'yellow' }));
  const gapWords = s.gaps.map(describeGap);
  const unknownLines: Line[] = gapWords.map((u) => [span(`? ${u}`, { color: 'yellow', dim: true })]);
  const candidates: Line[][] = [];
  const top = kraft ? [header, quorumLine(s, i.quorum ?? null, i.quorumProblem)] : [header];
  const table = [
    ...top,
    brokersLine(rows, highlight),
    ...tableLines(s, i.topics, highlight, width),
    ...groupLines(s, i.groups, i.topics, highlight, true),
  ];
  const matrix = [
    ...top,
    ...matrixLines(s, i.topics, rows, highlight, width),
    ...groupLines(s, i.groups, i.topics, highlight, true),
  ];
  const compact = [
    ...top,
    ...matrixLines(s, i.topics, rows, highlight, width),
    ...groupLines(s, i.groups, i.topics, highlight, false),
  ];
  if (i.topics.length === 0)
    candidates.push([...top, brokersLine(rows, highlight), ...groupLines(s, i.groups, i.topics, highlight, true)]);
  // The table reads like `kafka-topics --describe`; it needs room for every partition and its notes.
  if (width >= 70) candidates.push(table);
  candidates.push(matrix, compact);
  const chosen = candidates.find((c) => c.length <= i.height) ?? compact;
  let out = [...chosen];
  // What could not be learnt comes before the legend; when there is no room to list it, the
  // header says how many things are unknown.
  const room = i.height - out.length;
  if (unknownLines.length && room > 0) {
    const shown = unknownLines.slice(0, room);
    if (unknownLines.length > room)
      shown[room - 1] = [
        span(
          `? ${unknownLines.length - room + 1} more things could not be learnt: ${gapWords.slice(room - 1).join('; ')}`,
          { color: 'yellow', dim: true },
        ),
      ];
    out.push(...shown);
  } else if (unknownLines.length) {
    header.splice(1, 0, span(`  ? ${s.gaps.length} unknown`, { color: 'yellow', bold: true }));
  }
  if (i.legend !== false && chosen !== table && i.topics.length > 0 && out.length < i.height)
    out.push([span(LEGEND, { dim: true })]);
  if (out.length > i.height) {
    const cut = out.length - i.height + 1;
    out = [
      ...out.slice(0, i.height - 1),
      [span(`… ${cut} more lines: make the terminal taller to see them`, { dim: true })],
    ];
  }
  return out.map((l) => fit(l, width));
}

// -- what the watch compares between polls -------------------------------------------------------

/** What the cluster panel shows, row by row, as comparable strings; rows whose string changes are highlighted. */
export function signatures(s: ClusterSnapshot, topics: string[], groups: string[]): Record<string, string> {
  const out: Record<string, string> = {};
  const live = liveBrokers(s);
  for (const c of s.containers) {
    if (c.brokerId === undefined) continue;
    out[`broker:${c.brokerId}`] =
      `${c.state}|${live === null ? '?' : live.has(c.brokerId)}|${s.controller === c.brokerId}`;
  }
  for (const name of topics) {
    const t = s.topics[name];
    out[`topic:${name}`] = t ? `${t.exists}|${t.partitions.length}` : '?';
    for (const p of t?.partitions ?? []) {
      out[`part:${name}:${p.partition}`] =
        `${p.leader}|${p.replicas.join(',')}|${p.isr.join(',')}|${p.offline.join(',')}`;
      for (const b of p.replicas) out[`cell:${name}:${p.partition}:${b}`] = replicaRole(p, b, live);
    }
  }
  for (const id of groups) {
    const g = s.groups[id];
    out[`group:${id}`] = g ? `${g.state}|${g.members.length}` : '-';
    for (const m of g?.members ?? []) out[`member:${id}:${m.memberId}`] = JSON.stringify(m.assignment);
  }
  return out;
}
