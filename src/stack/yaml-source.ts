// Safe YAML reading shared by compose files, labs and rubrics: duplicate keys, unknown tags and
// alias bombs are errors, and every message carries file:line:column.
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { isMap, isNode, isScalar, LineCounter, parseDocument, Parser, Scalar, visit, type Document } from 'yaml';
import type { ZodType } from 'zod';
import { UserError } from '../core/errors.js';
import { defaultCacheDir } from '../paths.js';

export type Path = (string | number)[];

export interface YamlSource {
  file: string;
  doc: Document;
  lines: LineCounter;
  value: unknown;
}

const MAX_ALIASES = 50;

// One command opens the same lab and course files more than once (to learn a lab's profile, then with
// its parameters); each text is parsed once. Readers never change a source.
const parsed = new Map<string, YamlSource>();
const KEEP = 64;

export function readYaml(file: string, text: string, next: string): YamlSource {
  const key = `${file}\0${text}`;
  const known = parsed.get(key);
  if (known) return known;
  const src = throughCache(file, text, next);
  if (parsed.size >= KEEP) parsed.delete(parsed.keys().next().value!);
  parsed.set(key, src);
  return src;
}

// A text that parsed cleanly before is read back as JSON from the cache directory, keyed by its hash:
// a cold YAML parse of a lab takes some 60 ms, most of a check's own time. The document (for
// file:line:column) is parsed only if a message needs a place in it. A cache that cannot be read or
// written is no cache.
const cacheDir = () => join(process.env.KAFKA_LAB_CACHE || defaultCacheDir, 'yaml');
const cacheFile = (text: string) =>
  join(cacheDir(), `${createHash('sha256').update(text).digest('hex').slice(0, 32)}.json`);

function throughCache(file: string, text: string, next: string): YamlSource {
  const at = cacheFile(text);
  try {
    const value: unknown = JSON.parse(readFileSync(at, 'utf8'));
    let full: YamlSource | undefined;
    const parse = () => (full ??= parseYaml(file, text, next));
    return {
      file,
      value,
      get doc() {
        return parse().doc;
      },
      get lines() {
        return parse().lines;
      },
    };
  } catch {
    const src = parseYaml(file, text, next);
    if (jsonSafe(src.value)) writeCache(at, JSON.stringify(src.value));
    return src;
  }
}

function writeCache(at: string, json: string): void {
  const tmp = `${at}.${process.pid}.tmp`;
  try {
    mkdirSync(dirname(at), { recursive: true });
    writeFileSync(tmp, json);
    renameSync(tmp, at);
  } catch {
    rmSync(tmp, { force: true });
  }
}

/** Plain data that JSON gives back unchanged (YAML's .inf and .nan would come back as null). */
function jsonSafe(v: unknown): boolean {
  if (v === null || typeof v === 'string' || typeof v === 'boolean') return true;
  if (typeof v === 'number') return Number.isFinite(v);
  if (Array.isArray(v)) return v.every(jsonSafe);
  if (typeof v === 'object' && Object.getPrototypeOf(v) === Object.prototype)
    return Object.values(v as object).every(jsonSafe);
  return false;
}

/** Collections nested deeper than any kafka-lab file needs (labs nest some 8 levels). */
const MAX_DEPTH = 100;

/**
 * The deepest nesting of collections, read from yaml's token tree without recursion. The yaml package
 * composes a document recursively: nested some thousands of levels it overflows the stack, and if that
 * happens while V8 compiles a regular expression, the process aborts (out of memory) instead of throwing.
 */
function deepest(text: string): { depth: number; offset: number } {
  type Tok = { type?: string; offset?: number; value?: unknown; items?: { key?: unknown; value?: unknown }[] };
  const stack: [Tok, number][] = [...new Parser().parse(text)].map((t) => [t as Tok, 0]);
  let max = { depth: 0, offset: 0 };
  while (stack.length) {
    const [t, d] = stack.pop()!;
    if (!t || typeof t !== 'object') continue;
    const depth = ['block-map', 'block-seq', 'flow-collection'].includes(t.type ?? '') ? d + 1 : d;
    if (depth > max.depth) max = { depth, offset: t.offset ?? 0 };
    if (depth > MAX_DEPTH) break;
    if (t.value) stack.push([t.value as Tok, depth]);
    for (const it of t.items ?? []) {
      if (it.key) stack.push([it.key as Tok, depth]);
      if (it.value) stack.push([it.value as Tok, depth]);
    }
  }
  return max;
}

function parseYaml(file: string, text: string, next: string): YamlSource {
  const lines = new LineCounter();
  const deep = deepest(text);
  if (deep.depth > MAX_DEPTH) {
    lines.addNewLine(0);
    for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) lines.addNewLine(i + 1);
    const { line, col } = lines.linePos(deep.offset);
    throw new UserError(`${file}:${line}:${col}: ${TOO_DEEP}`, next);
  }
  const doc = parseDocument(text, { lineCounter: lines, uniqueKeys: true, merge: true, prettyErrors: false });
  const problem = doc.errors[0] ?? doc.warnings[0];
  if (problem) {
    const { line, col } = lines.linePos(problem.pos[0]);
    throw new UserError(`${file}:${line}:${col}: ${plainMessage(problem.message)}`, next);
  }
  unquotedTemplates(doc);
  collectionKeys(file, doc, lines, next);
  let value: unknown;
  try {
    value = doc.toJS({ maxAliasCount: MAX_ALIASES });
  } catch (err) {
    const m = (err as Error).message;
    throw new UserError(
      `${file}:1:1: ${err instanceof RangeError ? TOO_DEEP : `${m} (at most ${MAX_ALIASES} alias uses are allowed)`}`,
      next,
    );
  }
  return { file, doc, lines, value };
}

/** `partitions: {{partitions}}` is YAML for a map in a map; an author means the text `{{partitions}}`. */
function unquotedTemplates(doc: Document): void {
  visit(doc, {
    Map(_key, node) {
      if (!node.flow || node.items.length !== 1) return undefined;
      const [pair] = node.items;
      const inner = pair!.key;
      if (pair!.value !== null || !isMap(inner) || !inner.flow || inner.items.length !== 1) return undefined;
      const [p] = inner.items;
      if (!isScalar(p!.key) || typeof p!.key.value !== 'string' || p!.value !== null) return undefined;
      const scalar = new Scalar(`{{${p!.key.value}}}`);
      scalar.range = node.range;
      return scalar;
    },
  });
}

/**
 * A key that is a list, a map or a tagged value (`!!binary`) would become its text ('[ a, b ]') in
 * JavaScript, with a warning from yaml: refused.
 */
function collectionKeys(file: string, doc: Document, lines: LineCounter, next: string): void {
  visit(doc, {
    Pair(_key, pair) {
      if (pair.key === null || !isNode(pair.key)) return undefined;
      if (isScalar(pair.key) && (pair.key.value === null || typeof pair.key.value !== 'object')) return undefined;
      const { line, col } = lines.linePos(pair.key.range?.[0] ?? 0);
      throw new UserError(
        `${file}:${line}:${col}: a key must be plain text, not a list, a map or a tagged value`,
        next,
      );
    },
  });
}

/** file:line:column of the node at `path`, or of its nearest ancestor that exists in the text. */
export function where(src: YamlSource, path: Path, key?: string): string {
  for (let i = path.length; i >= 0; i--) {
    const node = i === 0 ? src.doc.contents : src.doc.getIn(path.slice(0, i), true);
    if (!isNode(node) || !node.range) continue;
    let offset = node.range[0];
    if (key !== undefined && i === path.length && isMap(node)) {
      const pair = node.items.find((p) => isScalar(p.key) && p.key.value === key);
      if (pair && isNode(pair.key) && pair.key.range) offset = pair.key.range[0];
    }
    const pos = src.lines.linePos(offset);
    return `${src.file}:${pos.line}:${pos.col}`;
  }
  return `${src.file}:1:1`;
}

/** Validate against a closed schema; the first problems become one message with their places. */
export function validate<T>(src: YamlSource, schema: ZodType<T>, value: unknown, next: string, prefix: Path = []): T {
  // jitless: zod would compile a fast parser for each object schema, which only pays over many parses.
  const result = schema.safeParse(value, { jitless: true });
  if (result.success) return result.data;
  // Unknown keys first: they usually explain the rest (a misspelt key also leaves one missing).
  const issues = [...result.error.issues].sort(
    (a, b) => Number(b.code === 'unrecognized_keys') - Number(a.code === 'unrecognized_keys'),
  );
  const lines = issues.slice(0, 3).map((issue) => {
    const path = [...prefix, ...(issue.path as Path)];
    if (issue.code === 'invalid_type' && /received undefined/.test(issue.message)) {
      return `${where(src, path.slice(0, -1))}: missing key '${String(path.at(-1))}'${describePath(path.slice(0, -1))}`;
    }
    if (issue.code === 'unrecognized_keys') {
      const keys = (issue as { keys: string[] }).keys;
      return `${where(src, path, keys[0])}: unknown key '${keys.join("', '")}'${describePath(path)}`;
    }
    return `${where(src, path)}: ${issue.message}${describePath(path)}`;
  });
  throw new UserError(lines.join('\n'), next);
}

function describePath(path: Path): string {
  return path.length ? ` (at ${path.join('.')})` : '';
}

const TOO_DEEP = `collections are nested more than ${MAX_DEPTH} levels deep`;
const plainMessage = (m: string) => (/call stack/i.test(m) ? TOO_DEEP : firstLine(m));

function firstLine(text: string): string {
  return text.split('\n')[0] ?? text;
}

/** A user's file as text, or a UserError that names it: "Lab file labs/x.yaml cannot be read (ENOENT)." */
export async function readUserFile(file: string, what: string, next: string): Promise<string> {
  try {
    return await readFile(file, 'utf8');
  } catch (err) {
    throw new UserError(
      `${what} ${file} cannot be read (${(err as NodeJS.ErrnoException).code ?? (err as Error).message}).`,
      next,
    );
  }
}
