// Pure text layout for the terminal UI: styled spans, lines that fit a width, word wrapping with the
// lab files' light markup (**bold**, `code`). Every formatter returns Line[]; the Ink components
// only turn lines into <Text>. Heights are therefore known before rendering.

export interface Span {
  text: string;
  color?: string;
  bold?: boolean;
  dim?: boolean;
  inverse?: boolean;
}

export type Line = Span[];

export const span = (text: string, style: Omit<Span, 'text'> = {}): Span => ({ text, ...style });
export const plain = (text: string, style: Omit<Span, 'text'> = {}): Line => [span(text, style)];

/** Tabs, escape sequences and control characters would break the layout: spaces or nothing. */
export function clean(text: string): string {
  return text
    .replace(/\t/g, '    ')
    .replace(/\x1b\[[0-9;?]*[ -/]*[@-~]/g, '')
    .replace(/\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)/g, '')
    .replace(/[\x00-\x09\x0b-\x1f\x7f]/g, '');
}

export function lineText(line: Line): string {
  return line.map((s) => s.text).join('');
}

export function lineWidth(line: Line): number {
  return line.reduce((n, s) => n + s.text.length, 0);
}

/** Cuts a line to `width` characters, ending with an ellipsis when something was cut. */
export function fit(line: Line, width: number): Line {
  if (width <= 0) return [];
  line = line.map((s) => ({ ...s, text: clean(s.text) }));
  if (lineWidth(line) <= width) return line;
  const out: Line = [];
  let left = width - 1;
  for (const s of line) {
    if (left <= 0) break;
    out.push({ ...s, text: s.text.slice(0, left) });
    left -= Math.min(left, s.text.length);
  }
  out.push(span('…', { dim: true }));
  return out;
}

export function pad(text: string, width: number): string {
  return text.length >= width ? text : text + ' '.repeat(width - text.length);
}

interface StyledChar {
  ch: string;
  bold: boolean;
  code: boolean;
}

/** Splits `**bold**` and `code` markup into styled characters; the markers themselves vanish. */
function styledChars(text: string): StyledChar[] {
  const out: StyledChar[] = [];
  let bold = false;
  let code = false;
  for (let i = 0; i < text.length; i++) {
    if (!code && text.startsWith('**', i)) {
      bold = !bold;
      i++;
      continue;
    }
    if (text[i] === '`') {
      code = !code;
      continue;
    }
    out.push({ ch: text[i]!, bold, code });
  }
  return out;
}

function toSpans(chars: StyledChar[], base: Omit<Span, 'text'>): Line {
  const out: Line = [];
  for (const c of chars) {
    const style: Omit<Span, 'text'> = {
      ...base,
      ...(c.bold ? { bold: true } : {}),
      ...(c.code ? { color: 'cyan' } : {}),
    };
    const last = out[out.length - 1];
    if (last && last.bold === style.bold && last.color === style.color && last.dim === style.dim) last.text += c.ch;
    else out.push({ text: c.ch, ...style });
  }
  return out;
}

/**
 * Wraps a block of text (several source lines) to `width`. List items ("- ...") keep a hanging
 * indent; blank lines stay. Words longer than a line are cut.
 */
export function wrapMarkup(text: string, width: number, base: Omit<Span, 'text'> = {}, indent = ''): Line[] {
  const lines: Line[] = [];
  const w = Math.max(10, width - indent.length);
  const space: StyledChar = { ch: ' ', bold: false, code: false };
  for (const source of paragraphs(clean(text.replace(/\t/g, '    ')))) {
    if (source.trim() === '') {
      lines.push([]);
      continue;
    }
    const lead = /^(\s*(?:[-*] |\d+[.)] )?)/.exec(source)![1]!;
    const hang = ' '.repeat(lead.length);
    // Markup runs across words, so style the whole line once, then split it at spaces.
    const words: StyledChar[][] = [[]];
    for (const c of styledChars(source.slice(lead.length).trim())) {
      if (c.ch === ' ') words.push([]);
      else words[words.length - 1]!.push(c);
    }
    let current: StyledChar[] = [...lead].map((ch) => ({ ch, bold: false, code: false }));
    let hasWord = false;
    const flush = () => {
      lines.push([...(indent ? [span(indent, base)] : []), ...toSpans(current, base)]);
      current = [...hang].map((ch) => ({ ch, bold: false, code: false }));
      hasWord = false;
    };
    for (let word of words) {
      if (word.length === 0) continue;
      if (hasWord && current.length + 1 + word.length > w) flush();
      if (hasWord) current.push(space);
      while (current.length + word.length > w) {
        const room = Math.max(1, w - current.length);
        current.push(...word.slice(0, room));
        word = word.slice(room);
        flush();
      }
      current.push(...word);
      hasWord = true;
    }
    if (hasWord) flush();
  }
  return lines;
}

/**
 * Lab text is hard-wrapped in the YAML; reflow it like Markdown: lines join into paragraphs, and a
 * blank line or a list item ("- ", "1. ") starts a new one.
 */
export function paragraphs(text: string): string[] {
  const out: string[] = [];
  let joinable = false;
  for (const raw of text.replace(/\s+$/, '').split('\n')) {
    const line = raw.trimEnd();
    if (line.trim() === '') {
      out.push('');
      joinable = false;
    } else if (joinable && !/^\s*(?:[-*] |\d+[.)] )/.test(line)) {
      out[out.length - 1] += ` ${line.trim()}`;
    } else {
      out.push(line);
      joinable = true;
    }
  }
  return out;
}

/** Hard-wraps one long string (a command) with a continuation indent. */
export function wrapHard(text: string, width: number, first: string, rest: string): string[] {
  const out: string[] = [];
  let left = clean(text);
  let prefix = first;
  while (left.length > 0) {
    const room = Math.max(8, width - prefix.length);
    let cut = left.length <= room ? left.length : left.lastIndexOf(' ', room);
    if (cut <= room / 2) cut = Math.min(room, left.length);
    out.push(prefix + left.slice(0, cut));
    left = left.slice(cut).replace(/^ /, '');
    prefix = rest;
  }
  return out.length ? out : [first];
}

/** Partition lists as ranges: 0-6,9,11-12. */
export function ranges(xs: number[]): string {
  const s = [...xs].sort((a, b) => a - b);
  const out: string[] = [];
  for (let i = 0; i < s.length; i++) {
    let j = i;
    while (j + 1 < s.length && s[j + 1] === s[j]! + 1) j++;
    out.push(j > i ? `${s[i]}-${s[j]}` : `${s[i]}`);
    i = j;
  }
  return out.join(',') || 'none';
}

/** Drops colours (NO_COLOR); bold, dim and inverse are kept: they are not colours. */
export function withoutColor(lines: Line[]): Line[] {
  return lines.map((l) => l.map((s) => (s.color ? { ...s, color: undefined } : s)));
}
