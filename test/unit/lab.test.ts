import { test } from 'node:test';
import assert from 'node:assert/strict';
import kafkajs from 'kafkajs';
import { parseLab } from '../../src/lab/load.js';
import { splitWords, checkRunnable } from '../../src/core/words.js';
import { render } from '../../src/core/lab.js';
import { decodeAssignment } from '../../src/cluster/inspector.js';
import { UserError } from '../../src/core/errors.js';
import { gradeQuiz } from '../../src/core/engine.js';

const good = `id: demo
title: Demo
summary: A demo lab.
minutes: 5
topics: [t]
steps:
  - id: create
    title: Create
    instructions: Create the topic.
    commands:
      - docker exec -ti {{kafka-1}} kafka-topics --bootstrap-server kafka-1:19092 --create --topic t
    solution:
      - run: docker exec {{kafka-1}} kafka-topics --bootstrap-server kafka-1:19092 --create --topic t
      - produce: { topic: t, values: [a, b] }
    checks:
      - { kind: topic-exists, topic: t, partitions: 3, within: 5 }
  - id: quiz
    title: Quiz
    instructions: Answer.
    quiz:
      - { id: q1, question: Why?, choices: [a, b], answer: 1, explain: Because. }
`;

test('a good lab parses into steps, actions and checks', () => {
  const lab = parseLab('labs/demo.yaml', good);
  assert.equal(lab.steps.length, 2);
  assert.deepEqual(lab.steps[0]!.checks[0], { kind: 'topic-exists', params: { topic: 't', partitions: 3 }, within: 5 });
  assert.equal(lab.steps[0]!.solution.length, 2);
});

function rejects(text: string, pattern: RegExp) {
  assert.throws(
    () => parseLab('labs/demo.yaml', text),
    (err: unknown) => {
      assert.ok(err instanceof UserError, String(err));
      assert.match(err.message, pattern);
      return true;
    },
  );
}

test('bad lab files are refused with file:line:column and what was expected', () => {
  rejects(good.replace('minutes: 5', 'minutes: 5\ncolour: red'), /^labs\/demo\.yaml:5:1: unknown key 'colour'/);
  rejects(
    good.replace('kind: topic-exists', 'kind: topic-exist'),
    /^labs\/demo\.yaml:16:17: unknown check kind 'topic-exist'\. Known kinds: topic-exists/,
  );
  rejects(
    good.replace('partitions: 3, within: 5', 'partitions: three'),
    /^labs\/demo\.yaml:16:53: Invalid input: expected number, received string \(at steps.0.checks.0.partitions\)/,
  );
  rejects(good.replace('partitions: 3, within: 5', 'partitionz: 3'), /unknown key 'partitionz'/);
  rejects(
    good.replace('- run: docker exec {{kafka-1}}', '- run: docker run --privileged -v /:/host {{kafka-1}}'),
    /labs\/demo\.yaml:13:14: 'docker run' is not allowed/,
  );
  rejects(good.replace('- run: docker exec {{kafka-1}} kafka-topics', '- run: rm -rf /'), /only 'docker exec\|stop/);
  rejects(
    good.replace('- run: docker exec {{kafka-1}}', '- run: docker exec some-other-container'),
    /must be one of the stack's services/,
  );
  rejects(
    good.replace('- run: docker exec {{kafka-1}}', '- run: docker exec --privileged {{kafka-1}}'),
    /'docker exec --privileged' is not allowed/,
  );
  rejects(good.replace('-ti {{kafka-1}}', '-ti {{kafka-9}}'), /unknown template \{\{kafka-9\}\}/);
  rejects(good.replace('answer: 1', 'answer: 2'), /answer 2 is not one of the 2 choices/);
  rejects(good.replace('id: quiz', 'id: create'), /step id 'create' is used twice/);
  rejects(good.replace('id: demo', 'id: other'), /must match the file name/);
  rejects(good.replace('title: Demo', 'title: Demo\ntitle: Again'), /Map keys must be unique/);
  rejects(
    good.replace('summary: A demo lab.', 'summary: !!binary aGVsbG8='),
    /labs\/demo\.yaml:3:19: .*expected string, received Buffer/,
  );
  rejects(good.replace('summary: A demo lab.', 'summary: !shell echo'), /labs\/demo\.yaml:3:10: .*tag/i);
  rejects(
    good.replace('      - produce: { topic: t, values: [a, b] }', '      - shell: { cmd: x }'),
    /a solution action is one of run, consumer/,
  );
});

test('command lines split like a shell, without one', () => {
  assert.deepEqual(splitWords(`kcat -b kafka-1:19092 -f 'Part-%p => %k:%s\\n' -G "my group" t`), [
    'kcat',
    '-b',
    'kafka-1:19092',
    '-f',
    'Part-%p => %k:%s\\n',
    '-G',
    'my group',
    't',
  ]);
  assert.deepEqual(splitWords('a \\\n  b'), ['a', 'b']);
  assert.throws(() => splitWords("a 'b"), /unclosed/);
  const isService = (w: string) => w === '{{kafka-2}}';
  assert.equal(checkRunnable(['docker', 'stop', '{{kafka-2}}'], isService), undefined);
  assert.match(checkRunnable(['docker', 'stop', 'kafka-2'], isService)!, /must be one of the stack's services/);
});

test('templates render the stack names', () => {
  const ctx = {
    containers: { 'kafka-1': 'team-01-kafka-1' },
    bootstrap: '127.0.0.1:9192',
    internalBootstrap: 'kafka-1:19092',
    network: 'kafka-lab-team-01',
  };
  assert.equal(
    render('docker exec -ti {{kafka-1}} x --bootstrap-server {{internal-bootstrap}} # {{network}} {{bootstrap}}', ctx),
    'docker exec -ti team-01-kafka-1 x --bootstrap-server kafka-1:19092 # kafka-lab-team-01 127.0.0.1:9192',
  );
});

test('group assignments decode from the standard consumer protocol; other protocols are not decoded', () => {
  const buf = kafkajs.AssignerProtocol.MemberAssignment.encode({
    version: 0,
    assignment: { t: [4, 0, 2] },
    userData: Buffer.alloc(0),
  });
  assert.deepEqual(decodeAssignment('consumer', buf), { t: [0, 2, 4] });
  assert.equal(decodeAssignment('connect', buf), null);
  assert.equal(decodeAssignment('consumer', Buffer.alloc(0)), null);
});

test('quiz answers are judged locally with an explanation', () => {
  const qs = [{ id: 'q1', question: '?', choices: ['a', 'b'], answer: 1, explain: 'B because.' }];
  assert.deepEqual(gradeQuiz(qs, { q1: 1 }), [{ id: 'q1', pass: true, message: 'q1: right. B because.' }]);
  assert.match(gradeQuiz(qs, { q1: 0 })[0]!.message, /'a' is not right\. B because\./);
  assert.match(gradeQuiz(qs, {})[0]!.message, /not answered/);
});

test('a solution keeps -i but drops the terminal flags of docker exec only', async () => {
  const { withoutTty } = await import('../../src/lab/runner.js');
  assert.deepEqual(withoutTty(['docker', 'exec', '-ti', 'kcat', 'kcat', '-L', '-t', 'atu']), [
    'docker',
    'exec',
    '-i',
    'kcat',
    'kcat',
    '-L',
    '-t',
    'atu',
  ]);
  assert.deepEqual(withoutTty(['docker', 'exec', '-t', 'kafka-1', 'kafka-topics', '--list']), [
    'docker',
    'exec',
    'kafka-1',
    'kafka-topics',
    '--list',
  ]);
  assert.deepEqual(withoutTty(['docker', 'stop', 'kafka-2']), ['docker', 'stop', 'kafka-2']);
});

test('student scripts: each action is named by its first key, and its command must exist', () => {
  const withScript = (lines: string) =>
    good.replace(
      '    checks:\n      - { kind: topic-exists',
      `    student:\n${lines}    checks:\n      - { kind: topic-exists`,
    );
  const ok = parseLab(
    'labs/demo.yaml',
    withScript(
      '      - { open: c1, command: 1, lines: [a] }\n      - { sees: [c1], values: [a], each: all }\n      - { mark: m, topic: t }\n      - { sees: [c1], topic: t, since: m, group: g }\n',
    ),
  );
  assert.deepEqual(ok.steps[0]!.student[0], { open: 'c1', command: 1, lines: ['a'] });
  assert.equal(ok.steps[0]!.student.length, 4);
  const problem = (lines: string) => {
    try {
      parseLab('labs/demo.yaml', withScript(lines));
    } catch (err) {
      assert.ok(err instanceof UserError);
      return err.message;
    }
    return 'parsed';
  };
  assert.match(
    problem('      - { opn: c1, command: 1 }\n'),
    /^labs\/demo\.yaml:\d+:\d+: a student action starts with one of open, type, ctrlc, run, wait, sees, mark; found opn\./,
  );
  assert.match(problem('      - { open: c1, command: 2 }\n'), /command 2 is not one of the step's 1 commands/);
  assert.match(problem("      - { run: 1, expect: '(' }\n"), /'\(' is not a regular expression/);
  assert.match(problem('      - { type: c1, lines: [a], extra: 1 }\n'), /unknown key 'extra'/);
});

test("prose written per profile is opened in one profile's words; both must be given", () => {
  const worded = good.replace(
    '    instructions: Answer.\n',
    '    instructions:\n      zookeeper: ZooKeeper tells the controller.\n      kraft: The controller misses the heartbeats.\n',
  );
  const quizStep = (profile: 'zookeeper' | 'kraft') => parseLab('labs/demo.yaml', worded, [], profile).steps[1]!;
  assert.equal(quizStep('zookeeper').instructions, 'ZooKeeper tells the controller.');
  assert.equal(quizStep('kraft').instructions, 'The controller misses the heartbeats.');
  rejects(
    worded.replace('      kraft: The controller misses the heartbeats.\n', ''),
    /^labs\/demo\.yaml:20:7: text written per profile needs zookeeper and kraft, each as text/,
  );
  // Only prose is worded per profile: a command is the same on both stacks.
  rejects(
    good.replace('    commands:\n', '    commands:\n      - { zookeeper: a, kraft: b }\n'),
    /^labs\/demo\.yaml:11:9: .*expected string/,
  );
});

test('a lab for both profiles names only services both stacks have', () => {
  const zk = good.replace('Create the topic.', 'Stop {{zookeeper}}.');
  rejects(
    zk,
    /^labs\/demo\.yaml:9:19: \{\{zookeeper\}\} exists only on the zookeeper profile's stack; add 'needs: \{ profile: zookeeper \}'/,
  );
  const quorum = good.replace('Create the topic.', 'Stop {{controller-2}}.');
  rejects(quorum, /exists only on the kraft profile's stack/);
  const lab = parseLab('labs/demo.yaml', quorum.replace('minutes: 5\n', 'minutes: 5\nneeds: { profile: kraft }\n'));
  assert.deepEqual(lab.needs, { profile: 'kraft' });
});
