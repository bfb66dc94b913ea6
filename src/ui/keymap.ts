// The one keymap table: it drives key handling, the `?` help screen and the status bar.
import type { Key } from 'ink';
import type { Intent, IntentType } from '../core/session.js';
import { span, type Line } from './text.js';

/** Where a binding applies. 'quiz' adds to 'lab' on steps with questions; 'any' is everywhere. */
export type Scope = 'picker' | 'lab' | 'quiz' | 'help' | 'any';

export interface Binding {
  keys: string[];
  intent: IntentType;
  scope: Scope;
  help: string;
  /** Shown in the help instead of the key list. */
  label?: string;
  /** Word in the status bar; bindings without one appear only in the help. */
  bar?: string;
  /** Lower comes first and is dropped last when the status bar is narrow. */
  rank?: number;
}

const DIGITS = ['1', '2', '3', '4', '5', '6', '7', '8', '9'];

export const KEYMAP: Binding[] = [
  {
    scope: 'lab',
    keys: ['c'],
    intent: 'check',
    help: 'check this step against the live cluster',
    bar: 'check',
    rank: 1,
  },
  { scope: 'lab', keys: ['h'], intent: 'hint', help: 'show or hide the hint', bar: 'hint', rank: 3 },
  { scope: 'lab', keys: ['s'], intent: 'solution', help: 'show or hide the solution', bar: 'solution', rank: 4 },
  {
    scope: 'lab',
    keys: ['r'],
    intent: 'solve',
    help: 'run the solution for me, then check the step',
    bar: 'run it',
    rank: 5,
  },
  {
    scope: 'lab',
    keys: ['f'],
    intent: 'fault',
    help: "inject this step's fault (stop, kill, pause or disconnect a container)",
    bar: 'fault',
    rank: 6,
  },
  {
    scope: 'lab',
    keys: ['H'],
    intent: 'heal',
    help: 'heal: start, unpause and reconnect every container of the stack',
    bar: 'heal',
    rank: 9,
  },
  { scope: 'lab', keys: ['n', 'right'], intent: 'next', help: 'next step', bar: 'next', rank: 2 },
  { scope: 'lab', keys: ['p', 'left'], intent: 'prev', help: 'previous step', bar: 'prev', rank: 8 },
  {
    scope: 'lab',
    keys: ['y'],
    intent: 'copy',
    help: 'copy the selected command to the clipboard (OSC 52)',
    bar: 'copy',
    rank: 7,
  },
  {
    scope: 'lab',
    keys: ['tab'],
    intent: 'nextCommand',
    help: 'select the next command of the step (the one y copies)',
  },
  { scope: 'lab', keys: ['down', 'j'], intent: 'scrollDown', help: 'scroll the step text down' },
  { scope: 'lab', keys: ['up', 'k'], intent: 'scrollUp', help: 'scroll the step text up' },
  {
    scope: 'quiz',
    keys: DIGITS,
    label: '1-9',
    intent: 'answer',
    help: 'answer the current question with that choice',
    bar: 'answer',
    rank: 0,
  },
  { scope: 'picker', keys: ['up', 'k'], intent: 'up', help: 'previous lab' },
  { scope: 'picker', keys: ['down', 'j'], intent: 'down', help: 'next lab' },
  {
    scope: 'picker',
    keys: ['enter'],
    intent: 'open',
    help: 'open the lab (starts the stack if it is not up)',
    bar: 'open',
    rank: 1,
  },
  { scope: 'help', keys: ['?', 'escape'], intent: 'help', help: 'close this help', bar: 'close help', rank: 1 },
  { scope: 'any', keys: ['?'], intent: 'help', help: 'show or hide this help', bar: 'help', rank: 0 },
  {
    scope: 'any',
    keys: ['q', 'ctrl-c'],
    intent: 'quit',
    help: 'quit; progress is saved and the stack keeps running',
    bar: 'quit',
    rank: 0,
  },
];

/** Ink's (input, key) as one name from the table's vocabulary. */
export function keyName(input: string, key: Partial<Key>): string | undefined {
  if (key.ctrl && input === 'c') return 'ctrl-c';
  if (key.upArrow) return 'up';
  if (key.downArrow) return 'down';
  if (key.leftArrow) return 'left';
  if (key.rightArrow) return 'right';
  if (key.return) return 'enter';
  if (key.escape) return 'escape';
  if (key.tab) return 'tab';
  if (key.ctrl || key.meta) return undefined;
  return input.length === 1 ? input : undefined;
}

/**
 * Keys typed faster than the screen reads them (or sent by tmux in one go) reach Ink as one string:
 * split it into single keys. Escape sequences (arrows) come alone and go through keyName.
 */
export function keyNames(input: string, key: Partial<Key>): string[] {
  if (input.length <= 1 || key.ctrl || key.meta || input.includes('\x1b')) {
    const one = keyName(input, key);
    return one === undefined ? [] : [one];
  }
  return [...input].flatMap((ch) => {
    if (ch === '\r' || ch === '\n') return ['enter'];
    if (ch === '\t') return ['tab'];
    if (ch === '\x03') return ['ctrl-c'];
    return ch >= ' ' && ch !== '\x7f' ? [ch] : [];
  });
}

/** The scopes in force, most specific first. While the help is open only it (and 'any') applies. */
export function scopesOf(screen: 'picker' | 'lab' | 'other', o: { help: boolean; quiz: boolean }): Scope[] {
  if (o.help) return ['help', 'any'];
  if (screen === 'picker') return ['picker', 'any'];
  if (screen === 'lab') return o.quiz ? ['quiz', 'lab', 'any'] : ['lab', 'any'];
  return ['any'];
}

export function bindingFor(name: string, scopes: Scope[], table: Binding[] = KEYMAP): Binding | undefined {
  for (const scope of scopes) {
    const b = table.find((x) => x.scope === scope && x.keys.includes(name));
    if (b) return b;
  }
  return undefined;
}

/** The intent a key stands for in these scopes, or undefined (the key does nothing). */
export function intentFor(name: string | undefined, scopes: Scope[], table: Binding[] = KEYMAP): Intent | undefined {
  if (name === undefined) return undefined;
  const b = bindingFor(name, scopes, table);
  if (!b) return undefined;
  if (b.intent === 'answer') return { type: 'answer', choice: Number(name) - 1 };
  return { type: b.intent } as Intent;
}

const SHOWN: Record<string, string> = {
  up: '↑',
  down: '↓',
  left: '←',
  right: '→',
  enter: 'Enter',
  escape: 'Esc',
  tab: 'Tab',
  'ctrl-c': 'Ctrl-C',
};

export function keyLabel(b: Binding): string {
  return b.label ?? b.keys.map((k) => SHOWN[k] ?? k).join(' ');
}

const SECTION: Record<Scope, string> = {
  lab: 'Lab screen',
  quiz: 'Quiz steps',
  picker: 'Lab picker',
  help: 'This help',
  any: 'Everywhere',
};

/** The help screen, generated from the table. */
export function helpLines(
  table: Binding[] = KEYMAP,
  scopes: Scope[] = ['lab', 'quiz', 'picker', 'help', 'any'],
  compact = false,
): Line[] {
  const width = Math.max(...table.map((b) => keyLabel(b).length)) + 2;
  const lines: Line[] = [];
  for (const scope of scopes) {
    const rows = table.filter((b) => b.scope === scope);
    if (rows.length === 0) continue;
    if (lines.length && !compact) lines.push([]);
    lines.push([span(SECTION[scope], { bold: true })]);
    for (const b of rows)
      lines.push([span(`  ${keyLabel(b).padEnd(width)}`, { color: 'cyan', bold: true }), span(b.help)]);
  }
  return lines;
}

/** The status bar: the scopes' bindings that have a bar word, as many as fit, by rank. */
export function statusBar(scopes: Scope[], width: number, table: Binding[] = KEYMAP): Line {
  const seen = new Set<string>();
  const items = scopes
    .flatMap((scope) => table.filter((b) => b.scope === scope && b.bar))
    .filter((b) => {
      // A key bound in a more specific scope hides the same key further out.
      const k = b.keys[0]!;
      if (seen.has(k)) return false;
      seen.add(k);
      return true;
    });
  const text = (b: Binding) => `${b.label ?? SHOWN[b.keys[0]!] ?? b.keys[0]} ${b.bar}`;
  const byRank = [...items].sort((a, b) => (a.rank ?? 10) - (b.rank ?? 10));
  const chosen: Binding[] = [];
  let used = 0;
  for (const b of byRank) {
    const w = text(b).length + 2;
    if (used + w > width) continue;
    chosen.push(b);
    used += w;
  }
  const ordered = items.filter((b) => chosen.includes(b));
  const line: Line = [];
  for (const b of ordered) {
    if (line.length) line.push(span('  '));
    line.push(
      span(b.label ?? SHOWN[b.keys[0]!] ?? b.keys[0]!, { bold: true, color: 'cyan' }),
      span(` ${b.bar}`, { dim: true }),
    );
  }
  return line;
}
