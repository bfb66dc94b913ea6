import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { evaluate } from '../../src/core/checks/index.js';
import { isProblem, substitute } from '../../src/core/params.js';
import type { LabScope } from '../../src/core/scope.js';
import type { ClusterSnapshot, Message } from '../../src/core/snapshot.js';
import { parseRubric } from '../../src/grading/rubric.js';
import { parseRoster } from '../../src/grading/roster.js';
import { parseLab } from '../../src/lab/load.js';
import { openLab } from '../../src/lab/tracks.js';
import { emptySnapshot } from './snapshot-fixture.js';

const lab = `id: demo
title: Demo on {{topic}}
summary: A demo lab.
minutes: 5
params:
  topic: t
  partitions: 3
  group: g
  sent: [a, b]
  more: [c]
topics: [{{topic}}]
steps:
  - id: create
    title: Create
    instructions: Create {{topic}} with {{partitions}} partitions, then send {{sent}}.
    commands:
      - docker exec -ti {{kafka-1}} kafka-topics --bootstrap-server kafka-1:19092 --create --topic {{topic}} --partitions {{partitions}}
    solution:
      - produce: { topic: {{topic}}, values: ["{{sent}}", "{{more}}"] }
    checks:
      - { kind: topic-exists, topic: {{topic}}, partitions: {{partitions}} }
      - { kind: group-offsets, group: "{{group}}", topic: "{{topic}}", values: ["{{sent}}", last] }
    student:
      - { open: p, command: 1, lines: ["{{sent}}"] }
`;

test('a lab takes its defaults: a number stays a number, a list is spliced, prose reads a, b', () => {
  const l = parseLab('labs/demo.yaml', lab);
  assert.deepEqual(l.params, { topic: 't', partitions: 3, group: 'g', sent: ['a', 'b'], more: ['c'] });
  assert.equal(l.title, 'Demo on t');
  assert.deepEqual(l.topics, ['t']);
  const s = l.steps[0]!;
  assert.equal(s.instructions, 'Create t with 3 partitions, then send a, b.');
  assert.equal(
    s.commands[0],
    'docker exec -ti {{kafka-1}} kafka-topics --bootstrap-server kafka-1:19092 --create --topic t --partitions 3',
  );
  assert.deepEqual(s.checks[0], { kind: 'topic-exists', params: { topic: 't', partitions: 3 }, within: undefined });
  assert.deepEqual(s.checks[1]!.params, { group: 'g', topic: 't', values: ['a', 'b', 'last'] });
  assert.deepEqual(s.solution[0], { produce: { topic: 't', values: ['a', 'b', 'c'] } });
  assert.deepEqual(s.student[0], { open: 'p', command: 1, lines: ['a', 'b'] });
});

test("given values win over the defaults, and are checked as the parameter's kind", () => {
  const l = parseLab('labs/demo.yaml', lab, [
    { values: { topic: 'alice-t', sent: ['Hello World!'] }, origin: '--param' },
  ]);
  assert.equal(l.steps[0]!.commands[0]!.includes('--topic alice-t '), true);
  assert.deepEqual(l.steps[0]!.student[0], { open: 'p', command: 1, lines: ['Hello World!'] });
  assert.deepEqual(l.declared.topic, 't');
  const refused = (values: Record<string, unknown>, re: RegExp) =>
    assert.throws(
      () => parseLab('labs/demo.yaml', lab, [{ values, origin: 'roster.yaml:3:7: student bob' }]),
      (e: Error) => re.test(e.message),
    );
  // A name goes into commands, so only Kafka's characters: no spaces, quotes or shell words.
  refused({ topic: 'x; rm -rf ~' }, /^roster\.yaml:3:7: student bob: 'topic' must be a name of letters, digits/);
  refused({ topic: '$(id)' }, /'topic' must be a name/);
  refused({ partitions: 0 }, /'partitions' must be a whole number from 1 to 10000/);
  refused({ partitions: '3' }, /'partitions' must be a whole number/);
  refused({ sent: ['a\nb'] }, /'sent' must be a list of 1 to 1000 lines/);
  refused({ topik: 'x' }, /lab 'demo' has no parameter 'topik'/);
  // A track's shared values apply only where a lab declares them.
  assert.equal(
    parseLab('labs/demo.yaml', lab, [{ values: { topik: 'x', topic: 'u' }, origin: 'track', loose: true }]).params
      .topic,
    'u',
  );
});

test('a list inside a command, a typo in a template and a bad default are refused with file:line:column', () => {
  const inCommand = lab.replace('--partitions {{partitions}}', '--partitions {{partitions}} {{sent}}');
  assert.throws(
    () => parseLab('labs/demo.yaml', inCommand),
    /labs\/demo\.yaml:17:9: the list parameter \{\{sent\}\} can stand alone in a list or appear in prose/,
  );
  assert.throws(
    () => parseLab('labs/demo.yaml', lab.replace('Create {{topic}}', 'Create {{topik}}')),
    /labs\/demo\.yaml:15:19: unknown template \{\{topik\}\}; use a parameter \(topic, partitions, group, sent, more\)/,
  );
  assert.throws(
    () => parseLab('labs/demo.yaml', lab.replace('  topic: t\n', '  topic: "t t"\n')),
    /labs\/demo\.yaml:6:10: the default of 'topic' must be a name/,
  );
  assert.throws(
    () => parseLab('labs/demo.yaml', lab.replace('  group: g\n', '  kafka-1: g\n')),
    /'kafka-1' is a template word of its own/,
  );
});

test('substitute leaves templates that are not parameters for later, and says where a list may not go', () => {
  const r = substitute({ a: '{{kafka-1}} {{x}}', b: ['{{l}}', 'z'], c: '{{n}}' }, { x: 'y', l: ['p', 'q'], n: 4 });
  assert.ok(!isProblem(r));
  assert.deepEqual(r.value, { a: '{{kafka-1}} y', b: ['p', 'q', 'z'], c: 4 });
  const bad = substitute({ steps: [{ commands: ['echo {{l}}'] }] }, { l: ['p'] });
  assert.ok(isProblem(bad));
  assert.deepEqual(bad.path, ['steps', 0, 'commands', 0]);
});

test("a rubric takes the lab's parameters", () => {
  const text = `lab: demo\ntitle: Demo\nitems:\n  - id: topic\n    title: '{{topic}} exists'\n    points: 10\n    checks:\n      - { kind: topic-exists, topic: {{topic}}, partitions: {{partitions}} }\n`;
  const r = parseRubric('graders/demo.yaml', text, { topic: 'alice-t', partitions: 6 });
  assert.equal(r.items[0]!.title, 'alice-t exists');
  assert.deepEqual(r.items[0]!.checks[0]!.params, { topic: 'alice-t', partitions: 6 });
  assert.throws(
    () => parseRubric('graders/demo.yaml', text, {}),
    /graders\/demo\.yaml:5:12: unknown template \{\{topic\}\}/,
  );
});

test('a roster entry gives one student their own parameters, with where they were given', () => {
  const [e] = parseRoster('roster.yaml', 'students:\n  - { id: alice, stack: team-01, params: { topic: alice-t } }\n');
  assert.deepEqual(e!.params, { values: { topic: 'alice-t' }, origin: 'roster.yaml:2:42: student alice' });
});

test('tracks: TRACK/LAB takes the track values, then the lab entry, then what is given; unknown refs are refused', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'kl-tracks-'));
  await writeFile(join(dir, 'demo.yaml'), lab);
  await writeFile(
    join(dir, 'tracks.yaml'),
    'course: [demo]\ntracks:\n  - id: w\n    title: W\n    about: A workshop.\n    params: { topic: wt, other: 1 }\n    labs:\n      - { lab: demo, params: { sent: [x] } }\n',
  );
  const l = await openLab(dir, 'w/demo', [{ values: { group: 'mine' }, origin: '--param' }]);
  assert.equal(l.ref, 'w/demo');
  assert.deepEqual(l.params, { topic: 'wt', partitions: 3, group: 'mine', sent: ['x'], more: ['c'] });
  assert.equal((await openLab(dir, 'demo')).params.topic, 't');
  for (const ref of ['w/other', 'x/demo', '../demo', 'missing'])
    await assert.rejects(openLab(dir, ref), new RegExp(`There is no lab '${ref.replace('.', '\\.')}'`));
});

const msg = (partition: number, offset: number, value: string): Message => ({ partition, offset, value });

function groupAt(offsets: Record<number, number>, members = 2): ClusterSnapshot {
  const partitions = [0, 1, 2, 3, 4].map((partition) => ({
    partition,
    leader: 1,
    replicas: [1, 2, 3],
    isr: [1, 2, 3],
    offline: [],
  }));
  return emptySnapshot({
    topics: { t: { name: 't', exists: true, configs: {}, partitions } },
    messages: { t: [msg(0, 0, 'old'), msg(0, 1, 'a'), msg(1, 0, 'b'), msg(2, 0, 'c')] },
    endOffsets: { t: { 0: 2, 1: 1, 2: 1 } },
    groups: {
      g: {
        groupId: 'g',
        state: 'Stable',
        protocolType: 'consumer',
        members: Array.from({ length: members }, (_, i) => ({
          memberId: `m${i}`,
          clientId: 'rdkafka',
          host: '/10.0.0.1',
          assignment: { t: i === 0 ? [0, 1, 2] : [3, 4] },
        })),
        offsets: { t: offsets },
      },
    },
  });
}

test('group-offsets with values: the group committed past each of them, since the lab started', () => {
  const scope: LabScope = { baseline: { atMs: 0, ends: { t: { 0: 1 } }, members: {} }, reads: [] };
  const all = evaluate(
    { kind: 'group-offsets', params: { group: 'g', topic: 't', values: ['a', 'b', 'c'] } },
    groupAt({ 0: 2, 1: 1, 2: 1 }),
    scope,
  );
  assert.equal(all.pass, true, all.message);
  const short = evaluate(
    { kind: 'group-offsets', params: { group: 'g', topic: 't', values: ['a', 'b', 'c', 'd'] } },
    groupAt({ 0: 2, 1: 0, 2: 1 }),
    scope,
  );
  assert.equal(short.pass, false);
  assert.equal(short.score, 0.5);
  assert.match(short.message, /its commits stop before 2: b, d \(1 of them are not in t since this lab started\)/);
  // 'old' was there before the lab started: reading it does not count.
  assert.equal(
    evaluate(
      { kind: 'group-offsets', params: { group: 'g', topic: 't', values: ['old'] } },
      groupAt({ 0: 2, 1: 1, 2: 1 }),
      scope,
    ).pass,
    false,
  );
});

test('group-share without min and max wants the partitions split as evenly as they go', () => {
  const even = evaluate({ kind: 'group-share', params: { group: 'g', topic: 't' } }, groupAt({}));
  assert.equal(even.pass, true, even.message);
  assert.match(even.message, /reads 2-3 partitions of t \(3, 2\)/);
  const one = evaluate({ kind: 'group-share', params: { group: 'g', topic: 't' } }, groupAt({}, 3));
  assert.equal(one.pass, false);
  assert.match(one.message, /to read 1-2 partitions of t; found 3, 2, 2/);
});
