import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseClassroomFile } from '../../src/classroom/file.js';

test('a classroom file names contexts, and optionally stacks and the first port block', () => {
  assert.deepEqual(parseClassroomFile('c.yaml', 'contexts: [lab-a, lab-b]\n'), {
    file: 'c.yaml',
    contexts: ['lab-a', 'lab-b'],
    stacks: undefined,
    portBase: undefined,
  });
  const full = parseClassroomFile('c.yaml', 'contexts:\n  - lab-a\nstacks: team-01..team-03,extra\nport-base: 33092\n');
  assert.deepEqual(full.stacks, ['team-01', 'team-02', 'team-03', 'extra']);
  assert.equal(full.portBase, 33092);
});

test('mistakes in a classroom file are refused with file:line:column', () => {
  const cases: [string, RegExp][] = [
    ['contexts: [ab]\nstack: team-01..team-02\n', /c\.yaml:2:1: unknown key 'stack'/],
    ['contexts: [ab, ab]\n', /c\.yaml:1:16: context 'ab' is listed twice/],
    ['contexts: []\n', /c\.yaml:1:11: /],
    ['contexts: [ab]\nstacks: team-05..team-01\n', /c\.yaml:2:9: 'team-05\.\.team-01' counts down/],
    ['contexts: [ab]\nport-base: 80\n', /c\.yaml:2:12: /],
    ['contexts: ["bad name"]\n', /c\.yaml:1:12: .*Docker context name/],
    ['contexts: [a]\n', /c\.yaml:1:12: .*Docker context name/],
    ['contexts: [ab]\ncontexts: [cd]\n', /c\.yaml:2:1: .*[Uu]nique/],
    ['stacks: t-01..t-02\n', /missing key 'contexts'/],
  ];
  for (const [text, message] of cases) assert.throws(() => parseClassroomFile('c.yaml', text), message, text);
});
