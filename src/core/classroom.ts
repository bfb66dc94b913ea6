// Many stacks on one host: naming them, and doing work on them a bounded number at a time.
import { UsageError } from './errors.js';
import { checkStackName } from './stack.js';

const RANGE = /^([a-z0-9-]*?)(\d+)\.\.([a-z0-9-]*?)(\d+)$/;

/**
 * 'team-01..team-12' → team-01 … team-12 (the width of the first number is kept);
 * 'a,b,c' → a, b, c; both can be mixed: 'team-01..team-03,extra'.
 */
export function expandStackNames(text: string): string[] {
  const names: string[] = [];
  for (const part of text
    .split(',')
    .map((p) => p.trim())
    .filter(Boolean)) {
    const m = RANGE.exec(part);
    if (!m) {
      names.push(part);
      continue;
    }
    const [, prefix, first, prefix2, last] = m as unknown as [string, string, string, string, string];
    if (prefix2 !== '' && prefix2 !== prefix)
      throw new UsageError(
        `'${part}' is not a range: both ends need the same prefix ('${prefix}').`,
        'For example: team-01..team-12.',
      );
    const from = Number(first);
    const to = Number(last);
    if (to < from)
      throw new UsageError(
        `'${part}' counts down: the range must go up.`,
        `For example: ${prefix}${first}..${prefix}${String(from + 2).padStart(first.length, '0')}.`,
      );
    if (to - from >= 200)
      throw new UsageError(`'${part}' names ${to - from + 1} stacks; kafka-lab handles at most 200 at once.`);
    for (let n = from; n <= to; n++) names.push(`${prefix}${String(n).padStart(first.length, '0')}`);
  }
  return checkNames(names, text);
}

/** A names file: one stack per line; blank lines and '#' comments are skipped. */
export function parseNamesFile(file: string, text: string): string[] {
  const names: string[] = [];
  text.split(/\r?\n/).forEach((line, i) => {
    const name = line.replace(/#.*$/, '').trim();
    if (!name) return;
    const bad = checkStackName(name);
    if (bad) throw new UsageError(`${file}:${i + 1}:1: ${bad}`, 'Fix that line of the names file.');
    names.push(name);
  });
  return checkNames(names, file);
}

function checkNames(names: string[], from: string): string[] {
  if (names.length === 0) throw new UsageError(`'${from}' names no stacks.`, 'For example: --stacks team-01..team-12.');
  const seen = new Set<string>();
  for (const n of names) {
    const bad = checkStackName(n);
    if (bad) throw new UsageError(bad, 'For example: --stacks team-01..team-12.');
    if (seen.has(n)) throw new UsageError(`Stack '${n}' is named twice in '${from}'.`);
    seen.add(n);
  }
  return names;
}

/** Runs `fn` over `items` with at most `limit` at once; results keep the items' order. */
export async function mapLimit<T, R>(
  items: T[],
  limit: number,
  fn: (item: T, index: number) => Promise<R>,
): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      results[i] = await fn(items[i]!, i);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker));
  return results;
}

export function parseParallel(text: string | undefined, fallback: number): number {
  if (text === undefined) return fallback;
  const n = Number(text);
  if (!Number.isInteger(n) || n < 1 || n > 64)
    throw new UsageError(`--parallel ${text} is not a number from 1 to 64.`, 'For example: --parallel 4.');
  return n;
}
