// What the fuzz test and bench share: a worker that runs the readers (test/fuzz-worker.ts) with a bound
// per input, the generators of untrusted input, and the one rule every outcome must follow.
import fc from 'fast-check';
import { readdirSync, readFileSync } from 'node:fs';
import { Worker } from 'node:worker_threads';
import { parse, stringify } from 'yaml';
import type { Job, Outcome } from './fuzz-worker.js';

/** One worker; an input that does not finish within `boundMs` ends it (and a new one is started). */
export class Readers {
  private worker?: Worker;
  private next = 0;
  constructor(private readonly boundMs = 10_000) {}

  private start(): Worker {
    return (this.worker ??= new Worker(new URL('./fuzz-worker.js', import.meta.url)));
  }

  run(job: Job): Promise<Outcome> {
    const w = this.start();
    const id = this.next++;
    return new Promise((resolve, reject) => {
      const done = () => {
        clearTimeout(timer);
        w.off('message', onMessage);
        w.off('error', onError);
      };
      const onMessage = (m: { id: number; outcome: Outcome }) => {
        if (m.id !== id) return;
        done();
        resolve(m.outcome);
      };
      const onError = (err: Error) => {
        done();
        this.worker = undefined;
        resolve({ accepted: false, error: { name: 'WorkerCrash', user: false, message: err.message }, violations: [] });
      };
      const timer = setTimeout(() => {
        done();
        this.worker = undefined;
        void w.terminate();
        reject(new Error(`no answer within ${this.boundMs} ms (a hang) for ${JSON.stringify(job).slice(0, 300)}`));
      }, this.boundMs);
      w.on('message', onMessage);
      w.on('error', onError);
      w.postMessage({ id, job });
    });
  }

  async close(): Promise<void> {
    await this.worker?.terminate();
  }
}

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * The rule: accepted, or refused with a UserError (and, for a YAML file, its file:line:column); an
 * accepted input breaks none of its reader's promises.
 */
export function problemOf(o: Outcome, yamlFile?: string): string | undefined {
  if (o.violations.length) return `accepted but: ${o.violations.join('; ')}`;
  if (o.accepted || !o.error) return undefined; // accepted, or refused by a returned reason
  const e = o.error;
  if (!e.user) return `crash: ${e.name}: ${e.message}\n${e.stack ?? ''}`;
  // A refusal speaks to the author, not in the engine's words.
  if (/call stack|\[object Object\]/.test(e.message)) return `refused in internal words: ${e.message}`;
  if (yamlFile && !new RegExp(`${escape(yamlFile)}:\\d+:\\d+`).test(e.message))
    return `refused without ${yamlFile}:line:column: ${e.message}`;
  return undefined;
}

// ---- generators ----

const realFiles = (dir: string) =>
  readdirSync(dir)
    .filter((f) => f.endsWith('.yaml') && f !== 'tracks.yaml')
    .sort()
    .map((f) => ({ name: f, text: readFileSync(`${dir}/${f}`, 'utf8') }));
export const LABS = realFiles('labs');
export const COURSE = [{ name: 'tracks.yaml', text: readFileSync('labs/tracks.yaml', 'utf8') }];
export const COMPOSE = realFiles('compose');
export const RUBRICS = realFiles('graders');

/** Pieces of YAML's less common features, and of kafka-lab's own templates and commands. */
const SNIPPETS = [
  '&a ',
  '*a',
  '<<: *a\n',
  '!!binary aGVsbG8=',
  '!!str ',
  '!!map {}',
  '!custom ',
  '!!set {a, b}',
  '!!omap [a: 1]',
  '? [complex, key]\n: value\n',
  '---\n',
  '...\n',
  '%YAML 1.1\n---\n',
  '%TAG ! tag:x,2000:\n---\n',
  '{{kafka-1}}',
  '{{ kafka-2 }}',
  '{{stack-flag}}',
  '{{bootstrap}}',
  '{{nope}}',
  '{{{{kafka-1}}}}',
  'docker exec -ti {{kafka-1}} sh -c "rm -rf /"',
  'docker run --privileged alpine',
  'docker stop {{kafka-1}} kafka-2',
  '"\\u0000"',
  '\t',
  '\uFEFF',
  '\u2028',
  ': ',
  '- ',
  '|\n  block\n',
  '>-\n  folded\n',
  "'unclosed",
  '"unclosed',
  '[',
  '{',
  '#',
  '.inf',
  '.nan',
  '1e400',
  '0x7FFFFFFFFFFFFFFFFF',
  '__proto__: {polluted: true}\n',
  'constructor: {prototype: {}}\n',
  'null',
  '~',
];

/** A tree of plain YAML values, some of them large or deep. */
const leaf = fc.oneof(
  fc.string(),
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.constantFrom(...SNIPPETS),
  fc.integer(),
  fc.double(),
  fc.boolean(),
  fc.constant(null),
  fc.constantFrom('topic-a', 'kafka-2', 'exec', 'topic-exists', 'broker-failover', 'a', '1'),
);
const tree = fc.letrec((tie) => ({
  value: fc.oneof({ depthSize: 'small', withCrossShrink: true }, leaf, tie('list'), tie('map')),
  list: fc.array(tie('value'), { maxLength: 5 }),
  map: fc.dictionary(
    fc.oneof(
      fc.string({ maxLength: 10 }),
      fc.constantFrom('id', 'steps', 'checks', 'kind', 'solution', 'run', 'items', 'students', 'stack', 'params'),
    ),
    tie('value'),
    { maxKeys: 5 },
  ),
})).value;

type Json = unknown;
function replaceAt(v: Json, path: number[], by: Json): Json {
  if (path.length === 0 || v === null || typeof v !== 'object') return by;
  const [i, ...rest] = path;
  if (Array.isArray(v)) {
    if (v.length === 0) return by;
    const j = i! % v.length;
    return v.map((x, k) => (k === j ? replaceAt(x, rest, by) : x));
  }
  const keys = Object.keys(v);
  if (keys.length === 0) return by;
  const key = keys[i! % keys.length]!;
  return { ...(v as object), [key]: replaceAt((v as Record<string, Json>)[key], rest, by) };
}

/** A real file's structure with some subtrees replaced, written back as YAML (possibly in flow style). */
export const structureMutant = (files: { name: string; text: string }[]) =>
  fc
    .record({
      file: fc.constantFrom(...files),
      edits: fc.array(fc.tuple(fc.array(fc.nat(40), { minLength: 1, maxLength: 7 }), tree), {
        minLength: 1,
        maxLength: 4,
      }),
      flow: fc.boolean(),
    })
    .map(({ file, edits, flow }) => {
      let v: Json = parse(file.text, { uniqueKeys: false, logLevel: 'error' });
      for (const [path, by] of edits) v = replaceAt(v, path, by);
      return { name: file.name, text: stringify(v, flow ? { collectionStyle: 'flow' } : {}) };
    });

/** Text edits of a real file: snippets inserted, lines cut, doubled (duplicate keys) or swapped. */
const textEdit = fc.oneof(
  fc.record({ op: fc.constant('insert' as const), at: fc.nat(), piece: fc.constantFrom(...SNIPPETS) }),
  fc.record({ op: fc.constant('insert' as const), at: fc.nat(), piece: fc.string({ unit: 'binary', maxLength: 20 }) }),
  fc.record({ op: fc.constant('cut' as const), at: fc.nat(), n: fc.nat(200) }),
  fc.record({ op: fc.constant('double-line' as const), at: fc.nat() }),
  fc.record({ op: fc.constant('drop-line' as const), at: fc.nat() }),
  fc.record({ op: fc.constant('truncate' as const), at: fc.nat() }),
);
type TextEdit = typeof textEdit extends fc.Arbitrary<infer T> ? T : never;

function applyEdit(text: string, e: TextEdit): string {
  const at = text.length ? e.at % text.length : 0;
  if (e.op === 'insert') return text.slice(0, at) + e.piece + text.slice(at);
  if (e.op === 'cut') return text.slice(0, at) + text.slice(at + e.n);
  if (e.op === 'truncate') return text.slice(0, at);
  const lines = text.split('\n');
  const i = lines.length ? e.at % lines.length : 0;
  if (e.op === 'double-line') lines.splice(i, 0, lines[i] ?? '');
  else lines.splice(i, 1);
  return lines.join('\n');
}

export const textMutant = (files: { name: string; text: string }[]) =>
  fc
    .record({ file: fc.constantFrom(...files), edits: fc.array(textEdit, { minLength: 1, maxLength: 5 }) })
    .map(({ file, edits }) => ({ name: file.name, text: edits.reduce(applyEdit, file.text) }));

/** Inputs no author writes: deep nesting, huge scalars, alias bombs, binary. */
export const extremes = fc.oneof(
  fc.oneof(fc.nat(5000), fc.constantFrom(20_000, 60_000)).map((n) => `${'['.repeat(n)}${']'.repeat(n)}`),
  fc.nat(5000).map((n) => `${'{a: '.repeat(n)}1${'}'.repeat(n)}`),
  fc.nat(1000).map((n) => Array.from({ length: n }, (_, i) => `${' '.repeat(i)}- `).join('\n')),
  fc.integer({ min: 1, max: 4 }).map((m) => `id: ${'x'.repeat(m * 300_000)}\n`),
  fc.nat(12).map((n) => {
    const lines = ['a0: &a0 [x, x, x, x, x, x, x, x, x, x]'];
    for (let i = 1; i <= n; i++)
      lines.push(
        `a${i}: &a${i} [${Array(10)
          .fill(`*a${i - 1}`)
          .join(', ')}]`,
      );
    return `${lines.join('\n')}\n`;
  }),
  fc.uint8Array({ maxLength: 2000 }).map((b) => Buffer.from(b).toString('latin1')),
  fc.uint8Array({ maxLength: 2000 }).map((b) => Buffer.from(b).toString('utf8')),
  tree.map((v) => stringify(v)),
);

const WORDS = [
  'docker',
  'exec',
  'stop',
  'start',
  'kill',
  'pause',
  'unpause',
  'restart',
  'run',
  'rm',
  'cp',
  '-i',
  '-t',
  '-ti',
  '--tty',
  '-u',
  '--privileged',
  '--',
  '{{kafka-1}}',
  '{{kafka-2}}',
  '{{kcat}}',
  '{{zookeeper}}',
  '{{controller-2}}',
  '{{ kafka-3 }}',
  '"{{kafka-1}}"',
  "'{{kafka-2}}'",
  '\\{{kafka-1}}',
  '{{kafka-1}}""',
  '"{{ kafka-1 }}"',
  '{{kafka-1}}{{kafka-2}}',
  '{{kafka-1}}{{stack-flag}}',
  '{{stack-flag}}',
  '{{bootstrap}}',
  '{{internal-bootstrap}}',
  '{{network}}',
  'kafka-1',
  'zookeeper',
  'sh',
  '-c',
  '"a b"',
  ';',
  '&&',
  '|',
  '$(id)',
  '`id`',
  '\\\n',
  "'",
  '"',
  '\\',
];
const service = fc.constantFrom(
  '{{kafka-1}}',
  '{{kafka-2}}',
  '{{kafka-3}}',
  '{{kcat}}',
  '{{zookeeper}}',
  '{{controller-1}}',
  '"{{kafka-1}}"',
  '{{ kafka-3 }}',
  '"{{ kafka-2 }}"',
  "'{{kafka-2}}'",
  '\\{{kafka-1}}',
  '{{kafka-1}}""',
);
const word = fc.oneof(
  { weight: 6, arbitrary: service },
  { weight: 6, arbitrary: fc.constantFrom(...WORDS) },
  { weight: 1, arbitrary: fc.string({ maxLength: 6 }) },
);
const sep = fc.constantFrom(' ', ' ', ' ', ' ', ' ', '  ', '\t', '');

/** A solution command line: mostly shaped like `docker VERB [FLAGS] CONTAINER... [ARGS]`, with noise. */
export const commandLine = fc
  .tuple(
    fc.oneof(
      { weight: 8, arbitrary: fc.constant('docker') },
      { weight: 1, arbitrary: fc.constantFrom('"docker"', 'sudo docker', 'dockerx', 'd""ocker') },
    ),
    fc.oneof(
      {
        weight: 8,
        arbitrary: fc.constantFrom('exec', 'exec', 'exec', 'stop', 'start', 'kill', 'pause', 'unpause', 'restart'),
      },
      { weight: 1, arbitrary: fc.constantFrom('run', 'rm', "'exec'", 'cp', 'e"xe"c') },
    ),
    fc.array(fc.constantFrom('-i', '-t', '-ti', '-it', '--tty', '--interactive', '-u', '--privileged', '--'), {
      maxLength: 2,
    }),
    fc.array(service, { minLength: 1, maxLength: 2 }),
    fc.array(word, { maxLength: 4 }),
    fc.array(sep, { minLength: 8, maxLength: 8 }),
  )
  .map(([d, verb, flags, targets, rest, seps]) =>
    [d, verb, ...flags, ...targets, ...rest].map((w, i) => (i ? seps[i % 8]! : '') + w).join(''),
  );

/** A small valid lab whose one step's solution is `lines`, for the rule about solution commands. */
export function labWithSolution(lines: string[]): string {
  return [
    'id: fuzz-lab',
    'title: Fuzz',
    'summary: A lab made by the fuzz test.',
    'minutes: 5',
    'steps:',
    '  - id: one',
    '    title: One',
    '    instructions: Do it.',
    '    solution:',
    ...lines.map((l) => `      - run: ${JSON.stringify(l)}`),
  ].join('\n');
}

/** Roster text: entries mostly of the right shape (a stack or a bootstrap each), some broken. */
const student = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom('ana', 'bo', 'chris', 'ana') },
  { weight: 1, arbitrary: fc.string({ maxLength: 12 }) },
);
const stackName = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom('team-01', 'team-02', 'default', 'a') },
  { weight: 1, arbitrary: fc.constantFrom('Team 1', '-x', 'a'.repeat(40), '') },
  { weight: 1, arbitrary: fc.string({ maxLength: 40 }) },
);
const bootstrap = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom('127.0.0.1:9092', 'h:1,h:2', 'broker.example:9092') },
  { weight: 1, arbitrary: fc.constantFrom('h:99999', ':1', 'h:1,', 'h') },
  { weight: 1, arbitrary: fc.string({ maxLength: 30 }) },
);
const entry = fc.oneof(
  fc.record({ id: student, stack: stackName }),
  fc.record({ id: student, bootstrap }),
  fc.record({
    id: student,
    stack: stackName,
    params: fc.dictionary(fc.string({ maxLength: 8 }), tree, { maxKeys: 3 }),
  }),
  fc.record({ id: student, stack: stackName, bootstrap }, { requiredKeys: [] }),
);
export const rosterText = fc
  .array(entry, { maxLength: 6 })
  .chain((students) =>
    fc.oneof(
      { weight: 3, arbitrary: fc.constant(stringify({ students })) },
      { weight: 1, arbitrary: textMutant([{ name: 'roster.yaml', text: stringify({ students }) }]).map((m) => m.text) },
    ),
  );

/** --stacks text: ranges, lists and the characters between them. */
export const namesText = fc
  .array(
    fc.oneof(
      fc.constantFrom('team-01..team-12', 'team-1..team-3', 'a..b', 'x9..x1', 'team-00..team-199', 'a1..a999999999999'),
      fc.constantFrom('team-01..03', 'z-0001..z-0002', '..', ',', ' ', 'default', 'Team', '-a', 'a'.repeat(32)),
      fc.tuple(fc.string({ maxLength: 5 }), fc.nat(300), fc.nat(300)).map(([p, a, b]) => `${p}${a}..${p}${b}`),
      fc.string({ maxLength: 10 }),
    ),
    { minLength: 0, maxLength: 5 },
  )
  .map((parts) => parts.join(','));

/** The course file with one track's or one track lab's parameter set to something else. */
export const trackParamMutant = fc
  .record({
    track: fc.nat(),
    lab: fc.option(fc.nat()),
    name: fc.oneof(
      fc.constantFrom('topic', 'partitions', 'group', 'copies', 'shared', 'first'),
      fc.string({ maxLength: 8 }),
    ),
    value: fc.oneof(leaf, fc.array(leaf, { maxLength: 3 })),
  })
  .map(({ track, lab, name, value }) => {
    const course = parse(COURSE[0]!.text) as {
      tracks: { params?: Json; labs: (string | { lab: string; params?: Json })[] }[];
    };
    const t = course.tracks[track % course.tracks.length]!;
    if (lab === null) t.params = { ...(t.params as object), [name]: value };
    else {
      const j = lab % t.labs.length;
      const l = t.labs[j]!;
      const entry = typeof l === 'string' ? { lab: l } : l;
      t.labs[j] = { ...entry, params: { ...(entry.params as object), [name]: value } };
    }
    return stringify(course);
  });

// ---- submissions ----

/** A sound submission of a real lab (replicated-topic), sealed as kafka-lab seals it. */
export function soundSubmission(seal: (body: Record<string, unknown>) => unknown): Record<string, unknown> {
  const snapshot = {
    atMs: 1_000,
    brokers: [1, 2, 3].map((id) => ({ id, host: '127.0.0.1', port: 9091 + id })),
    controller: 1,
    containers: [],
    topics: {
      t: {
        name: 't',
        exists: true,
        configs: {},
        partitions: [{ partition: 0, leader: 1, replicas: [1], isr: [1], offline: [] }],
      },
    },
    groups: {},
    messages: { t: [{ partition: 0, offset: 0, value: 'a', ts: 5 }] },
    acked: {},
    lastFaultMs: null,
    gaps: [],
  };
  return seal({
    format: 'kafka-lab-submission',
    version: 1,
    student: 'alice',
    collectedAt: '2026-12-03T10:00:00.000Z',
    stack: 'sub-1',
    lab: { id: 'replicated-topic', ref: 'replicated-topic', version: '0123456789ab' },
    rubric: { version: 'abcdef012345' },
    kafkaLab: { version: '0.1.0' },
    params: {},
    cluster: { id: 'abc', brokers: [1, 2, 3] },
    needs: { topics: ['t'], groups: [], messagesOf: ['t'] },
    snapshot,
    canaries: [{ topic: 't', value: 'kafka-lab-canary-00', partition: 0, offset: 2, readBack: true }],
    progress: {
      version: 1,
      lab: 'replicated-topic',
      stack: 'sub-1',
      current: 0,
      steps: {},
      answers: {},
      updatedAtMs: 900,
    },
  }) as Record<string, unknown>;
}

export const submissionText = (base: Record<string, unknown>, seal: (body: Record<string, unknown>) => unknown) =>
  fc.oneof(
    fc.json(),
    fc.constantFrom('', '{', 'null', '[]', '{"__proto__": {"x": 1}}', '{"format":"kafka-lab-submission","version":1}'),
    fc
      .record({
        edits: fc.array(fc.tuple(fc.array(fc.nat(40), { minLength: 1, maxLength: 6 }), tree), {
          minLength: 1,
          maxLength: 3,
        }),
        params: fc.option(fc.dictionary(fc.string({ maxLength: 12 }), tree, { maxKeys: 3 })),
        reseal: fc.boolean(),
      })
      .map(({ edits, params, reseal }) => {
        let v: Json = structuredClone(base);
        for (const [path, by] of edits) v = replaceAt(v, path, by);
        if (params) v = { ...(v as object), params };
        if (reseal && v && typeof v === 'object' && !Array.isArray(v)) {
          const { digest: _d, ...body } = v as Record<string, unknown>;
          v = seal(body);
        }
        return JSON.stringify(v);
      }),
    textMutant([{ name: 's.json', text: JSON.stringify(base, null, 2) }]).map((m) => m.text),
  );

// ---- the properties ----

export interface FuzzProperty {
  name: string;
  arb: fc.Arbitrary<Job>;
  /** The YAML file a refusal must name with line and column. */
  yamlFile?: (job: Job) => string;
  runs: number;
  /** Inputs that must be accepted, so that what is promised of accepted ones is tested at all. */
  minAccepted?: number;
}

const fileOf = (job: Job) => ('file' in job ? job.file : '');

export function properties(seal: (body: Record<string, unknown>) => unknown): FuzzProperty[] {
  const base = soundSubmission(seal);
  const profile = fc.constantFrom('zookeeper' as const, 'kraft' as const);
  const lab = (m: { name: string; text: string }, p: 'zookeeper' | 'kraft'): Job => ({
    kind: 'lab',
    file: `labs/${m.name}`,
    text: m.text,
    profile: p,
  });
  const rubric = (m: { name: string; text: string }): Job => ({
    kind: 'rubric',
    file: `graders/${m.name}`,
    text: m.text,
    params: { topic: 'orders', partitions: 3 },
  });
  return [
    {
      name: 'lab files: the real labs with parts of their structure replaced',
      arb: fc.tuple(structureMutant(LABS), profile).map(([m, p]) => lab(m, p)),
      yamlFile: fileOf,
      runs: 150,
    },
    {
      name: 'lab files: the real labs edited as text (anchors, tags, duplicate keys, cuts, binary)',
      arb: fc.tuple(textMutant(LABS), profile).map(([m, p]) => lab(m, p)),
      yamlFile: fileOf,
      runs: 300,
    },
    {
      name: 'lab files: deep nesting, huge scalars, alias bombs, binary, arbitrary YAML',
      arb: fc.tuple(extremes, profile).map(([text, p]) => lab({ name: 'x.yaml', text }, p)),
      yamlFile: fileOf,
      runs: 60,
    },
    {
      name: "lab files: an accepted lab's solution runs only allowed docker verbs on the stack's own containers",
      arb: fc
        .tuple(fc.array(commandLine, { minLength: 1, maxLength: 2 }), profile)
        .map(([lines, p]) => lab({ name: 'fuzz-lab.yaml', text: labWithSolution(lines) }, p)),
      yamlFile: fileOf,
      runs: 1000,
      minAccepted: 15,
    },
    {
      name: 'rubrics: the real rubrics with parts replaced or edited as text',
      arb: fc.oneof(structureMutant(RUBRICS), textMutant(RUBRICS)).map(rubric),
      yamlFile: fileOf,
      runs: 300,
    },
    {
      name: 'rubrics: deep nesting, huge scalars, alias bombs, binary',
      arb: extremes.map((text) => rubric({ name: 'x.yaml', text })),
      yamlFile: fileOf,
      runs: 40,
    },
    {
      name: 'rosters',
      arb: fc
        .oneof({ weight: 6, arbitrary: rosterText }, { weight: 1, arbitrary: extremes })
        .map((text): Job => ({ kind: 'roster', file: 'roster.yaml', text })),
      yamlFile: fileOf,
      runs: 600,
    },
    {
      name: 'the course file (labs/tracks.yaml), and its tracks opened with their parameters',
      arb: fc.oneof(structureMutant(COURSE), textMutant(COURSE)).map((m): Job => ({ kind: 'course', text: m.text })),
      yamlFile: () => 'tracks.yaml',
      runs: 300,
    },
    {
      name: 'compose files (--compose)',
      arb: fc
        .oneof(structureMutant(COMPOSE), textMutant(COMPOSE))
        .map((m): Job => ({ kind: 'compose', file: `compose/${m.name}`, text: m.text })),
      yamlFile: fileOf,
      runs: 300,
    },
    {
      name: 'stack-name lists (--stacks)',
      arb: namesText.map((text): Job => ({ kind: 'names', text })),
      runs: 1000,
    },
    {
      name: 'names files',
      arb: fc
        .oneof(
          namesText.map((t) => t.replace(/,/g, '\n')),
          fc.string({ unit: 'binary', maxLength: 200 }),
        )
        .map((text): Job => ({ kind: 'names-file', file: 'names.txt', text })),
      runs: 600,
    },
    {
      name: 'submission files (core/submission parseSubmission, grading/submission readSubmission)',
      arb: fc
        .tuple(submissionText(base, seal), fc.boolean())
        .map(([text, params]): Job => ({ kind: 'submission', text, lab: 'replicated-topic', params })),
      runs: 800,
    },
  ];
}

/** Runs one property with fast-check; resolves with its counts, rejects with fast-check's report. */
export async function checkProperty(
  readers: Readers,
  p: FuzzProperty,
  o: { runs?: number; seed?: number } = {},
): Promise<{ runs: number; accepted: number; ms: number }> {
  let accepted = 0;
  let runs = 0;
  const started = Date.now();
  await fc.assert(
    fc.asyncProperty(p.arb, async (job) => {
      const outcome = await readers.run(job);
      runs++;
      if (outcome.accepted) accepted++;
      const problem = problemOf(outcome, p.yamlFile?.(job));
      if (problem) throw new Error(problem);
    }),
    { numRuns: o.runs ?? p.runs, seed: o.seed, endOnFailure: false },
  );
  if (accepted < (p.minAccepted ?? 0) * ((o.runs ?? p.runs) / p.runs))
    throw new Error(`only ${accepted} of ${runs} inputs were accepted: the generator tests too little`);
  return { runs, accepted, ms: Date.now() - started };
}
