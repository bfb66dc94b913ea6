// Pure formatters for the lab side of the screen: the step list, the current step (instructions,
// the exact commands for this stack, quiz, hint, solution, fault) and the pinned check result.
import { render, type Lab, type Step, type TemplateContext } from '../core/lab.js';
import { statusOf, type LabProgress, type StepRecord, type StepStatus } from '../core/progress.js';
import type { SessionState } from '../core/session.js';
import { fit, pad, span, wrapHard, wrapMarkup, type Line, type Span } from './text.js';

export const STATUS_MARK: Record<StepStatus, { mark: string; color?: string; word: string }> = {
  passed: { mark: '✔', color: 'green', word: 'passed' },
  failed: { mark: '✘', color: 'red', word: 'failed' },
  'not-started': { mark: '·', word: 'not started' },
};

/** One line: every step with its state, the current one in brackets. */
export function stepStrip(lab: Lab, p: LabProgress, width: number): Line {
  const out: Line = [span('Steps ', { bold: true })];
  lab.steps.forEach((s, i) => {
    const st = STATUS_MARK[statusOf(p, s.id)];
    const current = i === p.current;
    out.push(
      span(current ? '[' : ' ', { bold: true }),
      span(st.mark, { color: st.color, bold: current }),
      span(String(i + 1), { bold: current, inverse: current }),
      span(current ? ']' : ' ', { bold: true }),
    );
  });
  const counts = lab.steps.reduce(
    (a, s) => ({ ...a, [statusOf(p, s.id)]: (a[statusOf(p, s.id)] ?? 0) + 1 }),
    {} as Record<StepStatus, number>,
  );
  out.push(span(`  ${counts.passed ?? 0}/${lab.steps.length} passed`, { dim: true }));
  return fit(out, width);
}

/** The step list, one step a line, for screens with room. */
export function stepList(lab: Lab, p: LabProgress, width: number): Line[] {
  const idWidth = Math.max(...lab.steps.map((s) => s.id.length)) + 2;
  return lab.steps.map((s, i) => {
    const st = STATUS_MARK[statusOf(p, s.id)];
    const current = i === p.current;
    return fit(
      [
        span(current ? '› ' : '  ', { bold: true, color: 'cyan' }),
        span(st.mark, { color: st.color }),
        span(` ${String(i + 1).padStart(2)} `, { bold: current }),
        span(pad(s.id, idWidth), { bold: current, dim: !current }),
        span(s.title, { bold: current }),
        span(`  ${st.word}`, { dim: true, color: st.color }),
      ],
      width,
    );
  });
}

export interface BodyInput {
  lab: Lab;
  index: number;
  templates: TemplateContext;
  view: SessionState['view'];
  answers: Record<string, number>;
  solution: string[];
  status: StepStatus;
  width: number;
}

/** The current step as lines; the screen shows a window of them (scrolling). */
export function stepBody(i: BodyInput): Line[] {
  const step: Step = i.lab.steps[i.index]!;
  const w = i.width;
  const st = STATUS_MARK[i.status];
  const lines: Line[] = [
    fit(
      [
        span(`Step ${i.index + 1}/${i.lab.steps.length}  `, { bold: true }),
        span(`${step.id}: ${step.title}`, { bold: true, color: 'cyan' }),
        span(`  ${st.mark} ${st.word}`, { color: st.color, dim: i.status === 'not-started' }),
      ],
      w,
    ),
    [],
    ...wrapMarkup(step.instructions, w),
  ];
  if (step.notes) lines.push([], ...wrapMarkup(step.notes, w, { dim: true }, '│ '));
  if (step.commands.length) {
    lines.push(
      [],
      [
        span('Type:', { bold: true }),
        span(step.commands.length > 1 ? '   (Tab selects, y copies)' : '   (y copies)', { dim: true }),
      ],
    );
    step.commands.forEach((c, j) => {
      const selected = j === i.view.command;
      const rendered = render(c, i.templates);
      wrapHard(rendered, w, selected ? '› $ ' : '  $ ', '      ').forEach((text, k) => {
        const lead = k === 0 ? text.slice(0, 4) : '';
        lines.push([
          span(lead, { color: 'cyan', bold: selected }),
          span(text.slice(lead.length), { color: selected ? 'cyan' : undefined, bold: selected }),
        ]);
      });
    });
  }
  const quiz = step.quiz ?? [];
  if (quiz.length) {
    lines.push(
      [],
      [span('Questions', { bold: true }), span('   (press 1-9 to answer the marked question)', { dim: true })],
    );
    quiz.forEach((q, j) => {
      const current = j === Math.min(i.view.question, quiz.length - 1);
      const given = i.answers[q.id];
      wrapMarkup(`${j + 1}. ${q.question}`, w - 2).forEach((l, k) =>
        lines.push([
          span(k === 0 && current ? '› ' : '  ', { bold: true, color: 'cyan' }),
          ...l.map((x) => (current ? { ...x, bold: true } : x)),
        ]),
      );
      q.choices.forEach((c, n) => {
        const chosen = given === n;
        const shown = i.view.solution && n === q.answer;
        wrapMarkup(`${n + 1}) ${c}`, w - 6).forEach((l, k) =>
          lines.push([
            span(k === 0 ? (chosen ? '   ● ' : '     ') : '     ', { color: 'cyan' }),
            ...l.map((x) => (chosen ? { ...x, color: 'cyan' } : shown ? { ...x, color: 'green' } : x)),
          ]),
        );
      });
    });
  }
  if (i.view.hint && step.hint) lines.push([], ...wrapMarkup(`**Hint:** ${step.hint}`, w, { color: 'yellow' }));
  if (i.view.solution) {
    lines.push(
      [],
      [span('Solution', { bold: true, color: 'green' }), span('   (press r to run it for you)', { dim: true })],
    );
    for (const q of quiz)
      lines.push(
        ...wrapMarkup(`${q.id}: ${q.answer + 1}) ${q.choices[q.answer]}. ${q.explain}`, w, { color: 'green' }, '  '),
      );
    for (const text of i.solution)
      for (const l of wrapHard(text, w, '  $ ', '      ')) lines.push([span(l, { color: 'green' })]);
  }
  if (step.fault) {
    lines.push(
      [],
      fit(
        [
          span("This step's fault: ", { bold: true }),
          span(`${step.fault.action} ${step.fault.target}`, { color: 'magenta', bold: true }),
          span('  (press f to inject it, H to heal)', { dim: true }),
        ],
        w,
      ),
    );
  }
  return lines;
}

export interface ResultInput {
  record: StepRecord | undefined;
  busy: SessionState['busy'];
  log: string[];
  nowMs: number;
  width: number;
  /** Most lines to use. */
  max: number;
}

const SPIN = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'];

/** The result area under the step: what runs now, or the step's last check with its messages. */
export function resultLines(i: ResultInput): Line[] {
  const w = i.width;
  const out: Line[] = [];
  if (i.busy) {
    const secs = Math.max(0, (i.nowMs - i.busy.sinceMs) / 1000);
    out.push(
      fit(
        [
          span(`${SPIN[Math.floor(secs * 4) % SPIN.length]} `, { color: 'cyan' }),
          span(i.busy.text, { bold: true }),
          span(`  ${secs.toFixed(0)}s`, { dim: true }),
        ],
        w,
      ),
    );
    if (i.busy.kind === 'solve')
      for (const l of i.log.filter((x) => x.trim()).slice(-(i.max - 1)))
        out.push(fit([span(`  ${l}`, { dim: true })], w));
    return out.slice(0, i.max);
  }
  const r = i.record;
  if (!r) {
    out.push(
      fit(
        [span('· not checked yet', { dim: true }), span('  press c to check, r to run the solution', { dim: true })],
        w,
      ),
    );
    if (i.log.length)
      out.push(
        ...i.log
          .filter((x) => x.trim())
          .slice(-(i.max - 1))
          .map((l) => fit([span(`  ${l}`, { dim: true })], w)),
      );
    return out.slice(0, i.max);
  }
  const at = new Date(r.atMs).toTimeString().slice(0, 8);
  out.push(
    fit(
      r.status === 'passed'
        ? [
            span('✔ PASSED', { color: 'green', bold: true }),
            span(`  checked at ${at} (${(r.tookMs / 1000).toFixed(1)} s)`, { dim: true }),
          ]
        : [
            span('✘ NOT YET', { color: 'red', bold: true }),
            span(`  checked at ${at}; fix it and press c again`, { dim: true }),
          ],
      w,
    ),
  );
  // Failing checks first: they say what to do.
  const ordered = [...r.lines.filter((l) => !l.pass), ...r.lines.filter((l) => l.pass)];
  const body: Line[] = ordered.map((l): Line => [
    span(l.pass ? '  ✔ ' : '  ✘ ', { color: l.pass ? 'green' : 'red' }),
    span(l.text),
  ]);
  if (r.unknown.length) body.push([span(`  ? could not learn: ${r.unknown.join('; ')}`, { color: 'yellow' })]);
  const room = i.max - 1;
  if (body.length > room && room > 0) {
    const shown = body.slice(0, room - 1);
    shown.push([span(`  … ${body.length - room + 1} more (a taller terminal shows them)`, { dim: true })]);
    out.push(...shown.map((l) => fit(l, w)));
  } else out.push(...body.slice(0, Math.max(0, room)).map((l) => fit(l, w)));
  return out;
}

/** A notice (what the last key did) as at most `max` wrapped lines. */
export function noticeLines(n: SessionState['notice'], width: number, max: number): Line[] {
  if (!n) return [];
  const color = { info: 'cyan', ok: 'green', warn: 'yellow', error: 'red' }[n.kind];
  const lines = n.text.split('\n').flatMap((t) =>
    wrapMarkup(
      t.replace(/[`*]/g, (c) => (c === '`' ? "'" : c)),
      width,
      { color },
    ),
  );
  if (lines.length <= max) return lines;
  return [...lines.slice(0, max - 1), fit([...lines[max - 1]!, span(' …', { dim: true })] as Span[], width)];
}
