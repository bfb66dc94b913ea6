import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  bindingFor,
  helpLines,
  intentFor,
  KEYMAP,
  keyLabel,
  keyName,
  keyNames,
  scopesOf,
  statusBar,
  type Scope,
} from '../../src/ui/keymap.js';
import { lineText } from '../../src/ui/text.js';
import { colorAllowed, osc52 } from '../../src/ui/terminal.js';

test('one table: no key means two things in the same scope', () => {
  for (const scope of ['picker', 'lab', 'quiz', 'help', 'any'] as Scope[]) {
    const keys = KEYMAP.filter((b) => b.scope === scope).flatMap((b) => b.keys);
    assert.equal(new Set(keys).size, keys.length, `duplicate key in scope ${scope}: ${keys.join(' ')}`);
  }
});

test('every key the issue asks for is bound on the lab screen', () => {
  const lab = scopesOf('lab', { help: false, quiz: false });
  const want = {
    c: 'check',
    h: 'hint',
    s: 'solution',
    r: 'solve',
    f: 'fault',
    H: 'heal',
    n: 'next',
    p: 'prev',
    y: 'copy',
    q: 'quit',
    '?': 'help',
  };
  for (const [key, intent] of Object.entries(want)) assert.equal(intentFor(key, lab)?.type, intent, key);
  assert.equal(intentFor('right', lab)?.type, 'next');
  assert.equal(intentFor('ctrl-c', lab)?.type, 'quit');
  assert.equal(intentFor('3', lab), undefined, 'number keys do nothing on a step without questions');
  assert.deepEqual(intentFor('3', scopesOf('lab', { help: false, quiz: true })), { type: 'answer', choice: 2 });
});

test('while the help is open only closing it and quitting work', () => {
  const help = scopesOf('lab', { help: true, quiz: false });
  assert.equal(intentFor('c', help), undefined);
  assert.equal(intentFor('escape', help)?.type, 'help');
  assert.equal(bindingFor('?', help)?.scope, 'help');
  assert.equal(intentFor('q', help)?.type, 'quit');
});

test("Ink's keys map to the table's names, and a burst of typed keys splits into single keys", () => {
  assert.equal(keyName('c', { ctrl: true }), 'ctrl-c');
  assert.equal(keyName('', { rightArrow: true }), 'right');
  assert.equal(keyName('\r', { return: true }), 'enter');
  assert.equal(keyName('H', { shift: true }), 'H');
  assert.equal(keyName('x', { meta: true }), undefined);
  assert.deepEqual(keyNames('jjj\r', {}), ['j', 'j', 'j', 'enter']);
  assert.deepEqual(keyNames('', { upArrow: true }), ['up']);
});

test('the help screen is generated from the table: every binding with its keys and words', () => {
  const text = helpLines().map(lineText).join('\n');
  for (const b of KEYMAP) {
    assert.ok(text.includes(b.help), `help lacks: ${b.help}`);
    assert.ok(text.includes(keyLabel(b)), `help lacks the keys ${keyLabel(b)}`);
  }
});

test('the status bar fits the width, keeps help and quit, and drops the least important first', () => {
  const lab = scopesOf('lab', { help: false, quiz: false });
  const wide = lineText(statusBar(lab, 200));
  assert.equal(wide, 'c check  h hint  s solution  r run it  f fault  H heal  n next  p prev  y copy  ? help  q quit');
  const narrow = lineText(statusBar(lab, 60));
  assert.ok(narrow.length <= 60, narrow);
  assert.match(narrow, /c check/);
  assert.match(narrow, /\? help {2}q quit$/);
  assert.doesNotMatch(narrow, /H heal/);
});

test('OSC 52 carries the text base64-encoded; NO_COLOR turns colours off when set and not empty', () => {
  assert.equal(osc52('docker stop kafka-2'), `\x1b]52;c;${Buffer.from('docker stop kafka-2').toString('base64')}\x07`);
  assert.equal(colorAllowed({}), true);
  assert.equal(colorAllowed({ NO_COLOR: '' }), true);
  assert.equal(colorAllowed({ NO_COLOR: '1' }), false);
});
