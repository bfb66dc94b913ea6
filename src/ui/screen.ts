// The whole lab screen as lines for a terminal of a given size. Stacked (step over cluster) on small
// terminals, readable at 80x24; side by side, with a step list and a fuller cluster table, when
// there is room. Pure: the Ink component renders exactly these lines.
import type { Needs } from '../core/snapshot.js';
import { statusOf } from '../core/progress.js';
import type { SessionState } from '../core/session.js';
import type { PickerRow } from './lab-app.js';
import type { WatchState } from './watch.js';
import { helpLines, scopesOf, statusBar } from './keymap.js';
import { clusterPanel, LEGEND } from './panel.js';
import { noticeLines, resultLines, stepBody, stepList, stepStrip } from './step.js';
import { fit, lineWidth, pad, span, wrapMarkup, type Line } from './text.js';

export interface Size {
  columns: number;
  rows: number;
}

export interface LabScreenInput {
  session: SessionState;
  watch: WatchState | null;
  needs: Pick<Needs, 'topics' | 'groups'>;
  size: Size;
  nowMs: number;
}

export interface LabScreen {
  lines: Line[];
  /** How far the step text can scroll down at this size. */
  maxScroll: number;
}

/** Wide enough for two columns side by side. */
export const WIDE = 130;

function header(s: SessionState, width: number): Line {
  const step = s.progress.current + 1;
  return fit(
    [
      span(' kafka-lab ', { inverse: true, bold: true }),
      span(` step ${step}/${s.lab.steps.length}`, { bold: true }),
      span(`  ${s.lab.title}`, { bold: true }),
      span(`  stack ${s.stack}`, { dim: true }),
    ],
    width,
  );
}

function windowed(body: Line[], scroll: number, height: number, keep?: number): { lines: Line[]; maxScroll: number } {
  const maxScroll = Math.max(0, body.length - height);
  let top = Math.min(scroll, maxScroll);
  // A line that must be seen (the marked quiz question) pulls the window to it.
  if (keep !== undefined && (keep < top + 1 || keep > top + height - 4))
    top = Math.max(0, Math.min(maxScroll, keep - 1));
  const lines = body.slice(top, top + height);
  if (height >= 3) {
    if (top > 0) lines[0] = [span(`↑ ${top} more above (k/↑)`, { dim: true })];
    if (top + height < body.length)
      lines[lines.length - 1] = [span(`↓ ${body.length - top - height + 1} more below (j/↓)`, { dim: true })];
  }
  return { lines, maxScroll };
}

export function labScreen(i: LabScreenInput): LabScreen {
  const { session: s, size } = i;
  const columns = Math.max(40, size.columns);
  const rows = Math.max(12, size.rows);
  // One line short of the terminal: a full-height frame makes Ink clear the screen on every update.
  const total = rows - 1;
  const step = s.lab.steps[s.progress.current]!;
  const scopes = scopesOf('lab', { help: s.view.help, quiz: !!step.quiz?.length });
  const bar = fit(statusBar(scopes, columns), columns);
  // One line is always kept for notices, so the layout does not jump when one appears.
  const notice = noticeLines(s.notice, columns, total >= 30 ? 3 : 1);
  const top = [header(s, columns)];
  const bottom = [...(notice.length ? notice : [[]]), bar];

  if (s.view.help) {
    const room = total - top.length - bottom.length;
    const compact = room < 26;
    const help = [
      ...helpLines(undefined, ['lab', 'quiz', 'any'], compact),
      ...(compact ? [] : [[], [span('Cluster panel', { bold: true })]]),
      [span(`  ${LEGEND}`)],
      [span('  Highlighted: changed in the last seconds.  ?: could not be learnt.')],
    ];
    const { lines } = windowed(
      help.map((l) => fit(l, columns)),
      0,
      room,
    );
    return { lines: [...top, ...lines, ...pad2(room - lines.length), ...bottom], maxScroll: 0 };
  }

  const wide = columns >= WIDE;
  const leftWidth = wide ? Math.floor(columns * 0.48) : columns;
  const rightWidth = wide ? columns - leftWidth - 3 : columns;
  const room = total - top.length - bottom.length;

  const record = s.progress.steps[step.id];
  const result = (max: number) =>
    resultLines({ record, busy: s.busy, log: s.log, nowMs: i.nowMs, width: leftWidth, max });
  const body = stepBody({
    lab: s.lab,
    index: s.progress.current,
    templates: s.templates,
    view: s.view,
    answers: s.progress.answers,
    solution: s.solutions[step.id] ?? [],
    status: statusOf(s.progress, step.id),
    width: leftWidth,
  });
  // On a quiz step the marked question stays in view as the answers move it along.
  const marked = step.quiz?.length ? body.findIndex((l) => l[0]?.text === '› ') : -1;
  const keep = marked >= 0 ? marked : undefined;
  const panel = (height: number) =>
    clusterPanel({
      snapshot: i.watch?.snapshot ?? null,
      topics: i.needs.topics,
      groups: i.needs.groups,
      highlight: i.watch?.highlight,
      error: i.watch?.error,
      quorum: i.watch?.quorum,
      quorumProblem: i.watch?.quorumProblem,
      width: rightWidth,
      height,
      legend: room >= 30,
    });

  if (wide) {
    const list =
      room >= s.lab.steps.length + 16
        ? [...stepList(s.lab, s.progress, leftWidth), []]
        : [stepStrip(s.lab, s.progress, leftWidth), []];
    const res = result(Math.min(8, Math.max(3, Math.floor(room / 4))));
    const bodyRoom = room - list.length - res.length - 1;
    const win = windowed(body, s.view.scroll, bodyRoom, keep);
    const left = [...list, ...win.lines, ...pad2(bodyRoom - win.lines.length), [], ...res];
    const right =
      i.watch === null
        ? [[span('Cluster', { bold: true }), span('  this lab does not use the cluster', { dim: true })]]
        : panel(room);
    const lines: Line[] = [];
    for (let r = 0; r < room; r++) {
      const l = left[r] ?? [];
      lines.push([
        ...l,
        span(' '.repeat(Math.max(0, leftWidth - lineWidth(l)))),
        span(' │ ', { dim: true }),
        ...(right[r] ?? []),
      ]);
    }
    return { lines: [...top, ...lines, ...bottom], maxScroll: win.maxScroll };
  }

  // Stacked: steps, the step (scrolling), its result, then the cluster. The cluster panel keeps
  // its rows; the step text scrolls in what is left.
  const roomy = room >= 30;
  const strip = room >= 34 ? [...stepList(s.lab, s.progress, columns)] : [stepStrip(s.lab, s.progress, columns)];
  const res = result(roomy ? 6 : 3);
  const gap = roomy ? 2 : 0;
  const minBody = roomy ? 10 : 6;
  const rule = (title: string): Line => [
    span(`── ${title} `, { dim: true }),
    span('─'.repeat(Math.max(0, columns - title.length - 4)), { dim: true }),
  ];
  const panelMax = Math.max(3, Math.min(room - strip.length - res.length - minBody - gap, Math.ceil(room * 0.6)));
  const clusterLines =
    i.watch === null
      ? [[span('Cluster', { bold: true }), span('  this lab does not use the cluster', { dim: true })]]
      : panel(panelMax);
  const bodyRoom = Math.max(1, room - strip.length - res.length - clusterLines.length - gap);
  const win = windowed(body, s.view.scroll, bodyRoom, keep);
  const lines = [
    ...strip,
    ...win.lines,
    ...pad2(bodyRoom - win.lines.length),
    ...res,
    ...(gap ? [[], rule('cluster')] : []),
    ...clusterLines,
  ];
  return {
    lines: [...top, ...lines.slice(0, room), ...pad2(room - lines.length), ...bottom],
    maxScroll: win.maxScroll,
  };
}

function pad2(n: number): Line[] {
  return Array.from({ length: Math.max(0, n) }, () => []);
}

// -- the lab picker --------------------------------------------------------------------------------

export function pickerScreen(rows: PickerRow[], cursor: number, stack: string, help: boolean, size: Size): Line[] {
  const columns = Math.max(40, size.columns);
  const total = Math.max(12, size.rows) - 1;
  const bar = fit(statusBar(scopesOf('picker', { help, quiz: false }), columns), columns);
  const top: Line[] = [
    fit(
      [
        span(' kafka-lab ', { inverse: true, bold: true }),
        span(' Choose a lab', { bold: true }),
        span(`  stack ${stack}`, { dim: true }),
      ],
      columns,
    ),
    [],
  ];
  if (help) {
    const lines = helpLines(undefined, ['picker', 'any']).map((l) => fit(l, columns));
    return [...top, ...lines.slice(0, total - top.length - 1), ...pad2(total - top.length - 1 - lines.length), bar];
  }
  const idWidth = Math.max(...rows.map((r) => r.id.length)) + 2;
  const stateOf = (r: PickerRow) =>
    !r.started
      ? 'not started'
      : r.passed === r.steps
        ? 'all steps passed'
        : `${r.passed}/${r.steps} passed, at step ${r.current + 1}`;
  const stateWidth = Math.max(...rows.map((r) => stateOf(r).length)) + 1;
  const meta = columns >= 120;
  const titleWidth = Math.max(
    10,
    Math.min(Math.max(...rows.map((r) => r.title.length)) + 2, columns - 2 - idWidth - stateWidth - (meta ? 18 : 0)),
  );
  const list: Line[] = rows.map((r, n) => {
    const on = n === cursor;
    const title = r.title.length > titleWidth - 2 ? `${r.title.slice(0, titleWidth - 3)}…` : r.title;
    return fit(
      [
        span(on ? '› ' : '  ', { bold: true, color: 'cyan' }),
        span(pad(r.id, idWidth), { bold: on, color: on ? 'cyan' : undefined }),
        span(pad(title, titleWidth), { bold: on }),
        ...(meta ? [span(pad(`${r.steps} steps ~${r.minutes} min`, 18), { dim: true })] : []),
        span(stateOf(r), {
          color: r.started ? (r.passed === r.steps ? 'green' : 'yellow') : undefined,
          dim: !r.started,
        }),
      ],
      columns,
    );
  });
  const hint: Line[] = [
    [],
    ...wrapMarkup(
      'Enter opens the lab; the stack is started first if it is not up. Progress is saved as you go.',
      columns,
      { dim: true },
    ),
  ];
  const body = [...list, ...hint];
  return [...top, ...body.slice(0, total - top.length - 1), ...pad2(total - top.length - 1 - body.length), bar];
}
