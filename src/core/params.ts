// Lab parameters: one lab, many tutorials' (or students') names and numbers. A lab declares each
// parameter with its default; `{{name}}` anywhere in the lab or its rubric takes the value. Values
// may come from a roster or the command line, so each kind admits only what is safe where it goes.

/** A Kafka-legal name, a whole number, or lines a student types (prose and typed input only). */
export type ParamValue = string | number | string[];
export type Params = Record<string, ParamValue>;

export const NAME = /^[A-Za-z0-9._-]{1,249}$/;
const PARAM = /\{\{\s*([a-z][a-z0-9-]*)\s*\}\}/g;
const WHOLE = /^\{\{\s*([a-z][a-z0-9-]*)\s*\}\}$/;
/** Keys whose text is read, never run or matched: a list may be written into them as "a, b, c". */
export const PROSE = new Set(['title', 'summary', 'instructions', 'notes', 'hint', 'question', 'choices', 'explain']);

export type Kind = 'name' | 'number' | 'lines';

export function kindOf(v: ParamValue): Kind {
  return Array.isArray(v) ? 'lines' : typeof v === 'number' ? 'number' : 'name';
}

/** What is wrong with a value for a parameter of this kind, or undefined. */
export function valueProblem(kind: Kind, v: unknown): string | undefined {
  if (kind === 'name')
    return typeof v === 'string' && NAME.test(v)
      ? undefined
      : 'a name of letters, digits, ., _ and - (as Kafka allows)';
  if (kind === 'number')
    return typeof v === 'number' && Number.isInteger(v) && v >= 1 && v <= 10_000
      ? undefined
      : 'a whole number from 1 to 10000';
  const ok =
    Array.isArray(v) &&
    v.length >= 1 &&
    v.length <= 1000 &&
    v.every((x) => typeof x === 'string' && x.length >= 1 && x.length <= 200 && !/[\p{Cc}]/u.test(x));
  return ok ? undefined : 'a list of 1 to 1000 lines, each 1 to 200 printable characters';
}

/** A value given as text (--param name=value): numbers as digits, lines separated by commas. */
export function parseParamText(kind: Kind, text: string): unknown {
  if (kind === 'number') return /^\d+$/.test(text) ? Number(text) : text;
  if (kind === 'lines') return text.split(',').map((s) => s.trim());
  return text;
}

export interface Problem {
  path: (string | number)[];
  message: string;
}

/** Thrown from inside the walk to leave it at once; substitute() turns it back into a Problem. */
class ProblemFound extends Error {
  constructor(readonly problem: Problem) {
    super(problem.message);
  }
}

/**
 * `value` with every {{param}} replaced. A string that is only `{{name}}` takes the value itself (a
 * number stays a number); a list item that is only `{{lines}}` is spliced into its list. Inside other
 * text a list is allowed only in prose. Names that are not parameters are left for later templates.
 */
export function substitute(
  value: unknown,
  params: Params,
  path: (string | number)[] = [],
): { value: unknown } | Problem {
  const walk = (v: unknown, at: (string | number)[]): unknown => {
    if (typeof v === 'string') {
      const whole = WHOLE.exec(v)?.[1];
      if (whole !== undefined && whole in params) return params[whole];
      return v.replace(PARAM, (all, name: string) => {
        if (!(name in params)) return all;
        const p = params[name]!;
        if (Array.isArray(p)) {
          if (!PROSE.has(String([...at].reverse().find((k) => typeof k === 'string'))))
            throw new ProblemFound({
              path: at,
              message: `the list parameter {{${name}}} can stand alone in a list or appear in prose, not inside '${v}'`,
            });
          return p.join(', ');
        }
        return String(p);
      });
    }
    if (Array.isArray(v)) {
      return v.flatMap((x, i) => {
        const name = typeof x === 'string' ? WHOLE.exec(x)?.[1] : undefined;
        const p = name !== undefined ? params[name] : undefined;
        return Array.isArray(p) ? p : [walk(x, [...at, i])];
      });
    }
    // Only what YAML makes of a mapping; anything else (a !!binary Buffer) is left for the schema to refuse.
    if (v && typeof v === 'object' && Object.getPrototypeOf(v) === Object.prototype)
      return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, walk(x, [...at, k])]));
    return v;
  };
  try {
    return { value: walk(value, path) };
  } catch (err) {
    if (err instanceof ProblemFound) return err.problem;
    throw err;
  }
}

export function isProblem(r: { value: unknown } | Problem): r is Problem {
  return 'message' in r;
}

/** The parameters in text, by name. */
export function paramNames(text: string): string[] {
  return [...text.matchAll(PARAM)].map((m) => m[1]!);
}

/** `topic=x group=y`, for people reading a grade or a progress line. */
export function describeParams(p: Params): string {
  return Object.entries(p)
    .map(([k, v]) => `${k}=${Array.isArray(v) ? v.join(',') : v}`)
    .join(' ');
}
