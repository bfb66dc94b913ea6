import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Grade, ItemGrade, Rubric } from '../../src/grading/rubric.js';
import {
  csv,
  gradescope,
  gradescopeAll,
  json,
  junit,
  markdown,
  slugs,
  table,
  type Batch,
  type StudentResult,
} from '../../src/grading/formats.js';

const rubric: Rubric = {
  lab: 'broker-failover',
  title: 'Broker failover & "recovery"',
  version: 'abc123def456',
  file: 'graders/broker-failover.yaml',
  items: [
    { id: 'topic', title: 'The topic exists', points: 10, partial: false, hidden: false, checks: [] },
    { id: 'messages', title: 'No message <was> lost', points: 5, partial: true, hidden: false, checks: [] },
    { id: 'preferred', title: 'Preferred leaders are back', points: 5, partial: false, hidden: true, checks: [] },
  ],
};

const MSG_QUOTES = 'expected m1, m2 and "m3"; found m1,\nmissing <m3> & more';
const MSG_CRLF = "partition 0 is led by broker 2, expected 1\r\nit's not balanced\u0007";
const ERROR = 'Docker is not reachable at /var/run/docker.sock, so stack team-03 could not be inspected';

function grade(stack: string, items: [number, { pass: boolean; score: number; message: string }[]][]): Grade {
  const graded: ItemGrade[] = rubric.items.map((item, i) => ({
    id: item.id,
    title: item.title,
    hidden: item.hidden,
    points: item.points,
    earned: items[i][0],
    results: items[i][1].map((r) => ({ kind: 'topic-exists', ...r })),
  }));
  return {
    lab: rubric.lab,
    stack,
    rubricVersion: rubric.version,
    earned: graded.reduce((a, i) => a + i.earned, 0),
    possible: 20,
    items: graded,
    evidence: { brokers: [{ id: 1, host: 'kafka-1', port: 9092 }], controller: 1, topics: {}, unknown: [], groups: {} },
    gradedAt: '2025-03-01T10:00:00.000Z',
  };
}

const ok = (message: string) => ({ pass: true, score: 1, message });
const alice: StudentResult = {
  student: 'alice',
  target: 'stack team-01',
  grade: grade('team-01', [
    [10, [ok('topic exists')]],
    [5, [ok('all 16 values')]],
    [5, [ok('all preferred')]],
  ]),
};
const mallory: StudentResult = {
  student: '=HYPERLINK("http://x","y")',
  target: '127.0.0.1:9092,127.0.0.1:9093',
  grade: grade('team-02', [
    [10, [ok('topic exists')]],
    [2.5, [{ pass: false, score: 0.5, message: MSG_QUOTES }]],
    [0, [ok('broker 1 leads p1'), { pass: false, score: 0, message: MSG_CRLF }]],
  ]),
};
const carol: StudentResult = { student: 'carol', target: 'stack team-03', error: ERROR };
const batch: Batch = { rubric, results: [alice, mallory, carol], gradedAt: '2025-03-01T10:05:00.000Z' };

/** RFC 4180: records end in CRLF, quoted fields may hold anything with quotes doubled. */
function parseCsv(text: string): string[][] {
  const records: string[][] = [];
  let record: string[] = [];
  let i = 0;
  while (i < text.length) {
    let field = '';
    if (text[i] === '"') {
      i++;
      for (;;) {
        assert.ok(i < text.length, 'unterminated quoted field');
        if (text[i] === '"' && text[i + 1] === '"') {
          field += '"';
          i += 2;
        } else if (text[i] === '"') break;
        else field += text[i++];
      }
      i++;
    } else {
      while (i < text.length && !',\r\n"'.includes(text[i])) field += text[i++];
      assert.ok(text[i] !== '"', `bare quote at ${i}`);
    }
    record.push(field);
    if (text[i] === ',') i++;
    else if (text.startsWith('\r\n', i)) {
      records.push(record);
      record = [];
      i += 2;
    } else assert.fail(`expected , or CRLF at ${i}, found ${JSON.stringify(text.slice(i, i + 5))}`);
  }
  assert.equal(record.length, 0, 'the last record ends with CRLF');
  return records;
}

test('CSV parses back into the same cells, one column per item, totals right, formulas defused', () => {
  const rows = parseCsv(csv(batch));
  assert.deepEqual(rows[0], ['student', 'target', 'topic', 'messages', 'preferred', 'total', 'possible', 'error']);
  assert.ok(rows.every((r) => r.length === 8));
  assert.deepEqual(rows[1], ['alice', 'stack team-01', '10', '5', '5', '20', '20', '']);
  assert.deepEqual(rows[2], [
    `'=HYPERLINK("http://x","y")`,
    '127.0.0.1:9092,127.0.0.1:9093',
    '10',
    '2.5',
    '0',
    '12.5',
    '20',
    '',
  ]);
  assert.deepEqual(rows[3], ['carol', 'stack team-03', '0', '0', '0', '0', '20', ERROR]);
  assert.equal(rows.length, 4);
  for (const r of rows.slice(1)) assert.ok(!/^[=+\-@]/.test(r[0]), r[0]);
});

test('CSV guards every text cell against formulas, not only the student', () => {
  const rows = parseCsv(
    csv({
      ...batch,
      results: [
        { student: '+1', target: '@t', error: '-oops' },
        { student: 'a\rb', target: 't', error: 'c\r\nd' },
      ],
    }),
  );
  assert.deepEqual([rows[1][0], rows[1][1], rows[1].at(-1)], ["'+1", "'@t", "'-oops"]);
  assert.deepEqual([rows[2][0], rows[2].at(-1)], ['a\rb', 'c\r\nd']);
});

test('an error wins over a grade: every item counts 0 and says why', () => {
  const r = { ...alice, error: 'the snapshot was incomplete' };
  assert.deepEqual(parseCsv(csv({ ...batch, results: [r] }))[1].slice(2), [
    '0',
    '0',
    '0',
    '0',
    '20',
    'the snapshot was incomplete',
  ]);
  const g = gradescope(r, rubric);
  assert.equal(g.score, 0);
  assert.ok(g.tests.every((t) => t.status === 'failed' && t.output.includes('the snapshot was incomplete')));
});

interface El {
  name: string;
  attrs: Record<string, string>;
  children: El[];
  text: string;
}

const unescape = (s: string) =>
  s.replace(/&(#\d+|lt|gt|amp|quot|apos);/g, (_, e: string) =>
    e.startsWith('#')
      ? String.fromCodePoint(Number(e.slice(1)))
      : ({ lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" } as Record<string, string>)[e],
  );

/** Just enough XML to prove well-formedness: tags close in order, values hold no raw < or &, characters are legal. */
function parseXml(xml: string): El {
  const decl = '<?xml version="1.0" encoding="UTF-8"?>\n';
  assert.ok(xml.startsWith(decl));
  assert.ok(
    !/[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/u.test(xml),
    'a character XML 1.0 does not allow',
  );
  const loneAmp = /&(?!(#\d+|lt|gt|amp|quot|apos);)/;
  const root: El = { name: '#doc', attrs: {}, children: [], text: '' };
  const stack = [root];
  const tag = /<(\/?)([A-Za-z][\w.-]*)((?:\s+[\w.-]+="[^"]*")*)\s*(\/?)>/y;
  let i = decl.length;
  while (i < xml.length) {
    const lt = xml.indexOf('<', i);
    const text = xml.slice(i, lt < 0 ? xml.length : lt);
    assert.ok(!loneAmp.test(text) && !text.includes('>'), `raw & or > in text: ${text}`);
    stack.at(-1)!.text += unescape(text);
    if (lt < 0) break;
    tag.lastIndex = lt;
    const m = tag.exec(xml);
    assert.ok(m, `not a tag at ${lt}: ${xml.slice(lt, lt + 40)}`);
    const [whole, close, name, attrText, selfClose] = m;
    i = lt + whole.length;
    if (close) {
      assert.equal(stack.pop()!.name, name, `</${name}> closes the wrong element`);
      continue;
    }
    const attrs: Record<string, string> = {};
    for (const [, k, v] of attrText.matchAll(/([\w.-]+)="([^"]*)"/g)) {
      assert.ok(!v.includes('<') && !loneAmp.test(v), `raw < or & in ${k}="${v}"`);
      assert.ok(!(k in attrs), `attribute ${k} twice`);
      attrs[k] = unescape(v.replace(/[\t\n\r]/g, ' ')); // attribute-value normalisation, as any XML parser does
    }
    const el: El = { name, attrs, children: [], text: '' };
    stack.at(-1)!.children.push(el);
    if (!selfClose) stack.push(el);
  }
  assert.equal(stack.length, 1, `unclosed <${stack.at(-1)!.name}>`);
  assert.equal(root.children.length, 1);
  assert.equal(root.text.trim(), '');
  return root.children[0];
}

test('JUnit XML is well formed, counts add up, and failures carry every failing message', () => {
  const xml = junit(batch);
  const doc = parseXml(xml);
  assert.equal(doc.name, 'testsuites');
  const suites = doc.children;
  assert.deepEqual(
    suites.map((s) => s.attrs.name),
    [alice.student, mallory.student, carol.student],
  );
  let tests = 0;
  let failures = 0;
  for (const s of suites) {
    const cases = s.children.filter((c) => c.name === 'testcase');
    const failing = cases.filter((c) => c.children.some((f) => f.name === 'failure'));
    assert.equal(Number(s.attrs.tests), cases.length);
    assert.equal(Number(s.attrs.failures), failing.length);
    assert.equal(s.attrs.errors, '0');
    assert.equal(s.attrs.timestamp, s.attrs.name === 'carol' ? '2025-03-01T10:05:00' : '2025-03-01T10:00:00');
    for (const c of cases) assert.equal(c.attrs.classname, `broker-failover.${s.attrs.name}`);
    tests += cases.length;
    failures += failing.length;
  }
  assert.deepEqual([Number(doc.attrs.tests), Number(doc.attrs.failures)], [9, 5]);
  assert.deepEqual([tests, failures], [9, 5]);

  const bob = suites[1].children.filter((c) => c.name === 'testcase');
  assert.equal(bob[1].attrs.name, 'messages: No message <was> lost');
  assert.ok(bob[1].children[0].text.includes(MSG_QUOTES));
  const preferred = bob[2].children[0].text;
  assert.ok(preferred.includes("partition 0 is led by broker 2, expected 1\r\nit's not balanced"), preferred);
  assert.ok(!preferred.includes('\u0007') && !preferred.includes('broker 1 leads p1'));
  assert.ok(xml.includes('found m1,\nmissing &lt;m3&gt; &amp; more'));
  assert.equal(suites[1].attrs.name, '=HYPERLINK("http://x","y")');
  const multi = parseXml(
    junit({ ...batch, results: [{ student: 'dan\tdoe', target: 't', error: 'line one\nline two' }] }),
  );
  assert.equal(multi.children[0].attrs.name, 'dan\tdoe');
  assert.equal(multi.children[0].children[1].children[0].attrs.message, 'line one\nline two');
  for (const c of suites[2].children.filter((c) => c.name === 'testcase')) {
    assert.equal(c.children[0].attrs.message, ERROR);
    assert.ok(c.children[0].text.includes(ERROR));
  }
});

test('Gradescope: every test scored, scores add up, hidden items wait for publishing', () => {
  for (const r of batch.results) {
    const g = gradescope(r, rubric);
    assert.equal(g.tests.length, 3);
    for (const t of g.tests) {
      assert.equal(typeof t.name, 'string');
      assert.ok(t.name.length > 0);
      assert.ok(Number.isFinite(t.score) && Number.isFinite(t.max_score) && t.score <= t.max_score);
    }
    assert.ok(Math.abs(g.tests.reduce((a, t) => a + t.score, 0) - g.score) < 1e-9);
    assert.equal(
      g.tests.reduce((a, t) => a + t.max_score, 0),
      20,
    );
    assert.deepEqual(
      g.tests.map((t) => t.visibility),
      ['visible', 'visible', 'after_published'],
    );
  }
  assert.equal(gradescope(alice, rubric).score, 20);
  const m = gradescope(mallory, rubric);
  assert.equal(m.score, 12.5);
  assert.deepEqual(
    m.tests.map((t) => t.status),
    ['passed', 'failed', 'failed'],
  );
  assert.ok(m.tests[1].output.includes(MSG_QUOTES));
  const c = gradescope(carol, rubric);
  assert.equal(c.score, 0);
  assert.ok(c.output.includes(ERROR));
  assert.ok(c.tests.every((t) => t.score === 0 && t.status === 'failed' && t.output.includes(ERROR)));
});

test('Gradescope files use the Markdown slugs and hold valid results.json', () => {
  const all = gradescopeAll(batch);
  assert.deepEqual(
    [...all.keys()],
    [...markdown(batch).keys()].map((k) => k.replace(/\.md$/, '')),
  );
  assert.deepEqual(JSON.parse(all.get('alice')!), gradescope(alice, rubric));
});

test('file names are safe, never hidden, and unique even when students collide', () => {
  const names = ['Alice', 'alice', 'alice-2', '.env', '', '../../etc/passwd', 'Zoë Müller'];
  const b: Batch = { ...batch, results: names.map((student) => ({ student, target: 't', error: 'x' })) };
  const got = slugs(b);
  assert.equal(new Set(got).size, names.length);
  for (const s of got) assert.match(s, /^[a-z0-9_-][a-z0-9._-]*$/);
  assert.deepEqual(got.slice(0, 3), ['alice', 'alice-2', 'alice-2-2']);
  assert.deepEqual(
    [...markdown(b).keys()],
    got.map((s) => `${s}.md`),
  );
});

test('Markdown feedback: one file each, error stated first, hidden items marked, checks shown', () => {
  const files = markdown(batch);
  assert.equal(files.size, 3);
  const c = files.get('carol.md')!;
  const top = c.slice(0, c.indexOf('\n## '));
  assert.ok(top.includes('could not be graded') && top.includes('Docker is not reachable'), top);
  assert.match(top, /Total: 0 \/ 20 points/);
  const m = [...files.values()][1];
  assert.match(m, /^# .*feedback for =HYPERLINK/);
  assert.match(m, /Total: 12\.5 \/ 20 points/);
  assert.match(m, /## preferred: Preferred leaders are back \(hidden during the lab\)\n\n0 \/ 5 points/);
  assert.match(m, /- ✔ broker 1 leads p1\n- ✘ partition 0 is led by broker 2/);
  assert.ok(m.includes('missing \\<m3\\> & more'));
  assert.ok(!files.get('alice.md')!.includes('✘'));
  assert.ok(!files.get('alice.md')!.includes('could not be graded'));
});

test('JSON round-trips with the evidence', () => {
  const back = JSON.parse(json(batch));
  assert.deepEqual(back, {
    lab: 'broker-failover',
    rubricVersion: 'abc123def456',
    gradedAt: batch.gradedAt,
    results: batch.results,
  });
  assert.deepEqual(back.results[0].grade?.evidence.brokers, [{ id: 1, host: 'kafka-1', port: 9092 }]);
});

test('table: header names the rubric, columns line up, errors and failing items shown on one line', () => {
  const lines = table({
    ...batch,
    results: [...batch.results, { student: 'eve\u001b[2J', target: 't', error: 'line one\nline two' }],
  })
    .trimEnd()
    .split('\n');
  assert.match(lines[0], /Broker failover & "recovery".*abc123def456/);
  assert.equal(lines.length, 6);
  const scoreAt = lines[1].indexOf('score');
  const statusAt = lines[1].indexOf('status');
  assert.deepEqual(
    lines.slice(2).map((l) => l.slice(scoreAt).split(' ')[0]),
    ['20/20', '12.5/20', '0/20', '0/20'],
  );
  for (const l of lines.slice(2)) assert.match(l.slice(statusAt - 1, statusAt + 1), /^ \S$/, l);
  assert.match(lines[2], /all items pass$/);
  assert.match(lines[3], /failing: messages, preferred$/);
  assert.ok(lines[4].endsWith(`not graded: ${ERROR}`));
  assert.ok(lines[5].endsWith('not graded: line one line two') && !lines[5].includes('\u001b'));
});
