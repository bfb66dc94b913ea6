// Batch grading results rendered for people and for other tools: table, JSON, CSV, JUnit, Markdown, Gradescope.
import type { Grade, Rubric } from './rubric.js';

export interface StudentResult {
  student: string;
  target: string;
  grade?: Grade;
  error?: string;
}

export interface Batch {
  rubric: Rubric;
  results: StudentResult[];
  gradedAt: string;
}

interface Check {
  kind: string;
  pass: boolean;
  message: string;
}

/** One rubric item as a student scored on it: the same shape whether or not the cluster could be graded. */
interface Row {
  id: string;
  title: string;
  hidden: boolean;
  points: number;
  earned: number;
  checks: Check[];
}

const round = (n: number) => Math.round(n * 100) / 100;

/** Why this student has no grade, or undefined when they have one. */
function problem(r: StudentResult): string | undefined {
  return r.error ?? (r.grade ? undefined : 'no grade was recorded');
}

// Rows follow the rubric, not the grade, so every student has the same items in the same order (CSV columns line up).
function rowsOf(r: StudentResult, rubric: Rubric): Row[] {
  const why = problem(r);
  return rubric.items.map((item) => {
    const got = why === undefined ? r.grade?.items.find((i) => i.id === item.id) : undefined;
    if (got)
      return {
        id: item.id,
        title: item.title,
        hidden: item.hidden,
        points: got.points,
        earned: got.earned,
        checks: got.results,
      };
    const message = why ?? `item ${item.id} is missing from the grade (rubric ${r.grade?.rubricVersion})`;
    return {
      id: item.id,
      title: item.title,
      hidden: item.hidden,
      points: item.points,
      earned: 0,
      checks: [{ kind: 'not-graded', pass: false, message }],
    };
  });
}

// A check can fail on a 0-point item; that is still worth reporting as a failure.
const failed = (row: Row) => row.earned < row.points || row.checks.some((c) => !c.pass);

function totals(rows: Row[]) {
  return {
    earned: round(rows.reduce((a, r) => a + r.earned, 0)),
    possible: round(rows.reduce((a, r) => a + r.points, 0)),
  };
}

/** One line of plain text: user-supplied names must not move the cursor or colour the terminal. */
const oneLine = (s: string) => s.replace(/[\u0000-\u001f\u007f-\u009f\s]+/g, ' ').trim();

export function table(batch: Batch): string {
  const { rubric } = batch;
  const lines = batch.results.map((r) => {
    const rows = rowsOf(r, rubric);
    const t = totals(rows);
    const why = problem(r);
    const bad = rows.filter(failed).map((row) => row.id);
    const status =
      why !== undefined ? `not graded: ${why}` : bad.length ? `failing: ${bad.join(', ')}` : 'all items pass';
    return [oneLine(r.student), `${t.earned}/${t.possible}`, oneLine(status)];
  });
  const all = [['student', 'score', 'status'], ...lines];
  const width = [0, 1].map((col) => Math.max(...all.map((cells) => cells[col].length)));
  const header = `${oneLine(rubric.title)} (lab ${rubric.lab}, rubric ${rubric.version}), graded ${batch.gradedAt}`;
  return (
    [
      header,
      ...all.map((cells) => `${cells[0].padEnd(width[0])}  ${cells[1].padEnd(width[1])}  ${cells[2]}`.trimEnd()),
    ].join('\n') + '\n'
  );
}

export function json(batch: Batch): string {
  const { rubric, gradedAt, results } = batch;
  return JSON.stringify({ lab: rubric.lab, rubricVersion: rubric.version, gradedAt, results }, null, 2) + '\n';
}

// OWASP's list for CSV injection: a spreadsheet treats these leading characters as the start of a formula.
function csvCell(value: string | number): string {
  let s = String(value);
  if (/^[=+\-@\t\r]/.test(s)) s = `'${s}`;
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export function csv(batch: Batch): string {
  const ids = batch.rubric.items.map((i) => i.id);
  const records = [['student', 'target', ...ids, 'total', 'possible', 'error']];
  for (const r of batch.results) {
    const rows = rowsOf(r, batch.rubric);
    const t = totals(rows);
    records.push([
      r.student,
      r.target,
      ...rows.map((row) => String(row.earned)),
      String(t.earned),
      String(t.possible),
      problem(r) ?? '',
    ]);
  }
  return records.map((cells) => cells.map(csvCell).join(',') + '\r\n').join('');
}

// XML 1.0 allows tab, LF, CR and the planes above; lone surrogates, U+FFFE and U+FFFF are not characters at all.
const xmlText = (s: string) => s.replace(/[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu, '');
const xmlEscape = (s: string) =>
  xmlText(s).replace(
    /[&<>"'\r]/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;', '\r': '&#13;' })[c]!,
  );
// Parsers turn raw tabs and newlines in attributes into spaces; character references survive.
const xmlAttr = (s: string) => xmlEscape(s).replace(/\n/g, '&#10;').replace(/\t/g, '&#9;');

/** The JUnit schema's timestamp has no zone and no fraction. */
const junitTime = (iso: string) => /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}/.exec(iso)?.[0];

export function junit(batch: Batch): string {
  const { rubric } = batch;
  const suites = batch.results.map((r) => {
    const rows = rowsOf(r, rubric);
    return { r, rows, failures: rows.filter(failed).length };
  });
  const tests = suites.reduce((a, s) => a + s.rows.length, 0);
  const failures = suites.reduce((a, s) => a + s.failures, 0);
  const out = [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="${xmlAttr(`${rubric.lab}: ${rubric.title}`)}" tests="${tests}" failures="${failures}" errors="0" time="0">`,
  ];
  for (const { r, rows, failures } of suites) {
    const when = junitTime(r.grade?.gradedAt ?? batch.gradedAt);
    out.push(
      `  <testsuite name="${xmlAttr(r.student)}" tests="${rows.length}" failures="${failures}" errors="0" skipped="0"${when ? ` timestamp="${when}"` : ''} time="0">`,
      `    <properties><property name="target" value="${xmlAttr(r.target)}"/><property name="rubricVersion" value="${xmlAttr(rubric.version)}"/></properties>`,
    );
    for (const row of rows) {
      const open = `    <testcase classname="${xmlAttr(`${rubric.lab}.${r.student}`)}" name="${xmlAttr(`${row.id}: ${row.title}`)}" time="0"`;
      if (!failed(row)) {
        out.push(`${open}/>`);
        continue;
      }
      const text = row.checks
        .filter((k) => !k.pass)
        .map((k) => `${k.kind}: ${k.message}`)
        .join('\n');
      const message = problem(r) ?? `earned ${row.earned} of ${row.points} points`;
      out.push(
        `${open}>`,
        `      <failure message="${xmlAttr(message)}" type="check">${xmlEscape(text)}</failure>`,
        '    </testcase>',
      );
    }
    out.push('  </testsuite>');
  }
  out.push('</testsuites>');
  return out.join('\n') + '\n';
}

/** File-system-safe, unique names for each student, in batch order. */
export function slugs(batch: Batch): string[] {
  const used = new Set<string>();
  return batch.results.map((r) => {
    const base =
      r.student
        .toLowerCase()
        .replace(/[^a-z0-9._-]/g, '-')
        .replace(/^\./, '-')
        .slice(0, 80) || 'student';
    let slug = base;
    for (let n = 2; used.has(slug); n++) slug = `${base}-${n}`;
    used.add(slug);
    return slug;
  });
}

// Student names and check messages are text, not Markdown: a topic named *x* must not turn bold.
const md = (s: string) => s.replace(/[\\`*_[\]<>#|]/g, '\\$&');
const mdLine = (s: string) => md(s).replace(/\r?\n/g, '\n  ');

export function markdown(batch: Batch): Map<string, string> {
  const { rubric } = batch;
  const names = slugs(batch);
  const files = new Map<string, string>();
  batch.results.forEach((r, i) => {
    const rows = rowsOf(r, rubric);
    const t = totals(rows);
    const why = problem(r);
    const out = [`# ${md(rubric.title)}: feedback for ${md(oneLine(r.student))}`, ''];
    if (why !== undefined)
      out.push(`**Your cluster could not be graded:** ${mdLine(why)}`, '', 'Every item below counts 0 points.', '');
    out.push(
      `**Total: ${t.earned} / ${t.possible} points**`,
      '',
      `Lab ${md(rubric.lab)}, rubric ${rubric.version}, graded ${batch.gradedAt} on ${md(oneLine(r.target))}.`,
    );
    for (const row of rows) {
      out.push(
        '',
        `## ${row.id}: ${md(row.title)}${row.hidden ? ' (hidden during the lab)' : ''}`,
        '',
        `${row.earned} / ${row.points} points`,
        '',
      );
      if (why !== undefined) out.push('- ✘ not graded (see above)');
      else for (const c of row.checks) out.push(`- ${c.pass ? '✔' : '✘'} ${mdLine(c.message)}`);
    }
    files.set(`${names[i]}.md`, out.join('\n') + '\n');
  });
  return files;
}

export interface GradescopeTest {
  name: string;
  score: number;
  max_score: number;
  status: 'passed' | 'failed';
  output: string;
  visibility: 'visible' | 'after_published';
}

/** Gradescope's results.json for one submission (gradescope-autograders.readthedocs.io, "Autograder Specifications"). */
export interface GradescopeResults {
  score: number;
  output: string;
  tests: GradescopeTest[];
}

export function gradescope(result: StudentResult, rubric: Rubric): GradescopeResults {
  const rows = rowsOf(result, rubric);
  const t = totals(rows);
  const why = problem(result);
  const output =
    why !== undefined
      ? `Your cluster (${result.target}) could not be graded: ${why.replace(/\.$/, '')}. Every item counts 0 points.`
      : `${t.earned} of ${t.possible} points for ${rubric.title} (rubric ${rubric.version}), graded on ${result.target}.`;
  const tests = rows.map((row): GradescopeTest => ({
    name: `${row.id}: ${row.title}`,
    score: row.earned,
    max_score: row.points,
    status: failed(row) ? 'failed' : 'passed',
    output: row.checks.map((c) => `${c.pass ? '✔' : '✘'} ${c.message}`).join('\n'),
    visibility: row.hidden ? 'after_published' : 'visible',
  }));
  return { score: t.earned, output, tests };
}

/** slug -> results.json text; the slugs are the Markdown files' names without '.md'. */
export function gradescopeAll(batch: Batch): Map<string, string> {
  const names = slugs(batch);
  return new Map(batch.results.map((r, i) => [names[i], JSON.stringify(gradescope(r, batch.rubric), null, 2) + '\n']));
}

/**
 * The one results.json of a Gradescope autograder run: the submission's grade. Several submission
 * files in one upload are not graded as one student's: the output asks for exactly one.
 */
export function gradescopeOne(batch: Batch): string {
  if (batch.results.length !== 1) {
    const names = batch.results.map((r) => oneLine(r.target.replace(/^file /, ''))).join(', ');
    return gradescopeNone(
      batch.rubric,
      `The upload holds ${batch.results.length} kafka-lab submission files (${names}); upload exactly one.`,
    );
  }
  return JSON.stringify(gradescope(batch.results[0]!, batch.rubric), null, 2) + '\n';
}

/** results.json when there is nothing to grade: every item at 0 points, and why. */
export function gradescopeNone(rubric: Rubric, why: string): string {
  return (
    JSON.stringify(gradescope({ student: 'submission', target: 'the upload', error: why }, rubric), null, 2) + '\n'
  );
}
