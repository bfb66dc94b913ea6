// Lab files -> Lab, validated against a closed schema with file:line:column for every problem.
// A lab file is untrusted input: it can only name known check kinds, known solution actions, and
// docker commands aimed at the stack's own containers.
import { readdir } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { z } from 'zod';
import { checkKinds, checkSchema, isCheckKind } from '../core/checks/index.js';
import { UserError } from '../core/errors.js';
import {
  TEMPLATE_WORDS,
  templateNames,
  type Lab,
  type LabCheck,
  type SolutionAction,
  type Step,
  type StudentAction,
} from '../core/lab.js';
import { checkRunnable, splitWords } from '../core/words.js';
import { FAULT_ACTIONS, parseTarget, TARGET_SYNTAX } from '../core/faults.js';
import { DEFAULT_PROFILE, PROFILES, type Profile } from '../core/stack.js';
import { forProfile } from '../core/variants.js';
import { isProblem, kindOf, NAME, paramNames, substitute, valueProblem, type Params } from '../core/params.js';
import { readUserFile, readYaml, validate, where, type Path, type YamlSource } from '../stack/yaml-source.js';

const id = z.string().regex(/^[a-z0-9][a-z0-9-]{0,40}$/, 'an id: lower-case letters, digits and -');
const topic = z.string().regex(NAME, 'a Kafka topic name');
const fault = z.strictObject({
  action: z.enum(FAULT_ACTIONS),
  target: z.string().refine((t) => parseTarget(t) !== undefined, TARGET_SYNTAX),
});

const actionSchemas = {
  run: z.string().min(1),
  consumer: z.strictObject({
    id,
    topic,
    group: z.string().min(1).optional(),
    from: z.enum(['beginning', 'end']).optional(),
  }),
  stopConsumer: id,
  produce: z.strictObject({
    topic,
    values: z.array(z.string()).min(1).max(10_000),
    keys: z.array(z.string()).optional(),
  }),
  fault,
  simulate: z.strictObject({ topic, count: z.number().int().min(1).max(100_000) }),
} as const;
const actionKeys = Object.keys(actionSchemas) as (keyof typeof actionSchemas)[];

const quizQuestion = z.strictObject({
  id,
  question: z.string().min(1),
  choices: z.array(z.string().min(1)).min(2).max(8),
  answer: z.number().int().min(0),
  explain: z.string().min(1),
});

const terminal = id;
const lines = z.array(z.string()).min(1).max(1000);
/** Each student action is told apart by its first key, so a bad one is named, not just "invalid". */
const studentActions: Record<string, z.ZodType<unknown>> = {
  open: z.strictObject({ open: terminal, command: z.number().int().min(1), lines: lines.optional() }),
  type: z.strictObject({ type: terminal, lines }),
  ctrlc: z.strictObject({ ctrlc: terminal }),
  run: z.strictObject({
    run: z.number().int().min(1),
    lines: lines.optional(),
    expect: z.string().min(1).optional(),
    fails: z.boolean().optional(),
    again: z.number().int().min(1).max(120).optional(),
  }),
  wait: z.strictObject({
    wait: z.array(terminal).min(1),
    pattern: z.string().min(1),
    times: z.number().int().min(1).optional(),
  }),
  sees: z.union([
    z.strictObject({ sees: z.array(terminal).min(1), values: lines, each: z.enum(['once', 'all', 'any']).optional() }),
    z.strictObject({ sees: z.array(terminal).min(1), topic, since: id, group: z.string().min(1) }),
  ]),
  mark: z.strictObject({ mark: id, topic }),
};

const stepSchema = z.strictObject({
  id,
  title: z.string().min(1).max(80),
  instructions: z.string().min(1),
  notes: z.string().optional(),
  commands: z.array(z.string().min(1)).default([]),
  hint: z.string().optional(),
  solution: z.array(z.record(z.string(), z.unknown())).default([]),
  fault: fault.optional(),
  checks: z.array(z.looseObject({ kind: z.string() })).default([]),
  quiz: z.array(quizQuestion).optional(),
  student: z.array(z.record(z.string(), z.unknown())).default([]),
});

const paramName = z.string().regex(/^[a-z][a-z0-9-]{0,40}$/, 'a parameter name: lower-case letters, digits and -');
const paramsSchema = z.record(paramName, z.union([z.string(), z.number(), z.array(z.string())])).default({});

const labSchema = z.strictObject({
  id,
  title: z.string().min(1).max(80),
  summary: z.string().min(1),
  minutes: z.number().int().min(1).max(600),
  /** A lab for one profile only (the controller quorum is KRaft's); without it, a lab runs on both. */
  needs: z.strictObject({ profile: z.enum(PROFILES) }).optional(),
  params: paramsSchema,
  /** The stack as the lab begins: kafka-lab stops these when the lab starts. */
  start: z.strictObject({ stopped: z.array(z.enum(['kafka-1', 'kafka-2', 'kafka-3'])).min(1) }).optional(),
  topics: z.array(topic).default([]),
  steps: z.array(stepSchema).min(1),
});

const NEXT = "Fix the lab file; 'kafka-lab labs validate FILE' checks it again.";
/** Services a lab may name in {{...}}: those of the built-in stacks. */
export const LAB_SERVICES = [
  'zookeeper',
  'controller-1',
  'controller-2',
  'controller-3',
  'kafka-1',
  'kafka-2',
  'kafka-3',
  'kcat',
];
/** Services only one profile's stack has. */
const ONLY: Record<string, Profile> = {
  zookeeper: 'zookeeper',
  'controller-1': 'kraft',
  'controller-2': 'kraft',
  'controller-3': 'kraft',
};

/** Values for a lab's parameters, and where they came from (for messages). */
export interface GivenParams {
  values: Record<string, unknown>;
  /** '--param', 'roster.yaml:4:7', 'track workshop' */
  origin: string;
  /** A track's shared values: only those this lab declares apply. */
  loose?: boolean;
}

/** The lab's declared parameters with their defaults, checked as the values they stand for. */
function declaredParams(src: YamlSource): Params {
  const value = (src.value ?? {}) as Record<string, unknown>;
  const declared = validate(src, paramsSchema, value.params, NEXT, ['params']);
  for (const [name, v] of Object.entries(declared)) {
    if (LAB_SERVICES.includes(name) || TEMPLATE_WORDS.includes(name))
      throw new UserError(
        `${where(src, ['params', name])}: '${name}' is a template word of its own; name the parameter otherwise.`,
        NEXT,
      );
    const problem = valueProblem(kindOf(v), v);
    if (problem)
      throw new UserError(`${where(src, ['params', name])}: the default of '${name}' must be ${problem}.`, NEXT);
  }
  return declared;
}

/** Defaults overridden by what was given; a value of the wrong kind or for no parameter is refused. */
export function resolveParams(labId: string, declared: Params, given: GivenParams[]): Params {
  const out: Params = { ...declared };
  for (const g of given) {
    for (const [name, v] of Object.entries(g.values)) {
      const d = declared[name];
      if (d === undefined && g.loose) continue;
      if (d === undefined) {
        const known = Object.keys(declared);
        throw new UserError(
          `${g.origin}: lab '${labId}' has no parameter '${name}'.`,
          known.length ? `Its parameters: ${known.join(', ')}.` : 'It takes no parameters.',
        );
      }
      const problem = valueProblem(kindOf(d), v);
      if (problem)
        throw new UserError(
          `${g.origin}: '${name}' must be ${problem}; got ${JSON.stringify(v)}.`,
          `The default is ${JSON.stringify(d)}.`,
        );
      out[name] = v as Params[string];
    }
  }
  return out;
}

/** A lab, in the words of one profile (its prose may differ per profile), with the given parameters. */
export function parseLab(file: string, text: string, given: GivenParams[] = [], profile = DEFAULT_PROFILE): Lab {
  const src = readYaml(file, text, NEXT);
  const declared = declaredParams(src);
  const id0 = (src.value as { id?: unknown } | null)?.id;
  const params = resolveParams(typeof id0 === 'string' ? id0 : basename(file), declared, given);
  const { params: _declared, ...rest } = (src.value ?? {}) as Record<string, unknown>;
  const worded = forProfile(rest, profile);
  if (isProblem(worded)) throw new UserError(`${where(src, worded.path)}: ${worded.message}.`, NEXT);
  const done = substitute(worded.value, params);
  if (isProblem(done)) throw new UserError(`${where(src, done.path)}: ${done.message}.`, NEXT);
  unknownTemplates(src, done.value, [], declared);
  const raw = validate(src, labSchema, { ...(done.value as object), params: declared }, NEXT);
  serviceProfiles(src, done.value, raw.needs?.profile);
  if (basename(file).replace(/\.ya?ml$/, '') !== raw.id) {
    throw new UserError(
      `${where(src, ['id'])}: the lab id '${raw.id}' must match the file name ${basename(file)}.`,
      NEXT,
    );
  }
  const seen = new Set<string>();
  const steps: Step[] = raw.steps.map((s, i) => {
    const at: Path = ['steps', i];
    if (seen.has(s.id)) throw new UserError(`${where(src, [...at, 'id'])}: step id '${s.id}' is used twice.`, NEXT);
    seen.add(s.id);
    for (const [j, c] of s.commands.entries()) checkTemplates(src, [...at, 'commands', j], c);
    if (s.quiz) {
      for (const [j, q] of s.quiz.entries()) {
        if (q.answer >= q.choices.length)
          throw new UserError(
            `${where(src, [...at, 'quiz', j, 'answer'])}: answer ${q.answer} is not one of the ${q.choices.length} choices (counted from 0).`,
            NEXT,
          );
      }
    }
    const student = s.student.map((a, j) => parseStudentAction(src, [...at, 'student', j], a));
    for (const [j, a] of student.entries()) {
      const n = 'open' in a ? a.command : 'run' in a ? a.run : undefined;
      if (n !== undefined && n > s.commands.length)
        throw new UserError(
          `${where(src, [...at, 'student', j])}: command ${n} is not one of the step's ${s.commands.length} commands (counted from 1).`,
          NEXT,
        );
      for (const pattern of ['expect' in a ? a.expect : undefined, 'pattern' in a ? a.pattern : undefined]) {
        if (pattern === undefined) continue;
        try {
          new RegExp(pattern);
        } catch {
          throw new UserError(`${where(src, [...at, 'student', j])}: '${pattern}' is not a regular expression.`, NEXT);
        }
      }
    }
    return {
      id: s.id,
      title: s.title,
      student,
      instructions: s.instructions,
      notes: s.notes,
      commands: s.commands,
      hint: s.hint,
      fault: s.fault,
      quiz: s.quiz,
      solution: s.solution.map((a, j) => parseAction(src, [...at, 'solution', j], a)),
      checks: s.checks.map((c, j) => parseCheck(src, [...at, 'checks', j], c)),
    };
  });
  return { ...raw, params, declared, ref: raw.id, steps, file };
}

/** Every {{name}} in every string of a parsed YAML value, with where it is. */
function eachTemplate(v: unknown, at: Path, fn: (name: string, at: Path) => void): void {
  if (typeof v === 'string') for (const name of paramNames(v)) fn(name, at);
  else if (Array.isArray(v)) v.forEach((x, i) => eachTemplate(x, [...at, i], fn));
  else if (v && typeof v === 'object') for (const [k, x] of Object.entries(v)) eachTemplate(x, [...at, k], fn);
}

/** A lab for both profiles names only services both stacks have: no {{zookeeper}}, no {{controller-1}}. */
function serviceProfiles(src: YamlSource, v: unknown, needs: Profile | undefined): void {
  eachTemplate(v, [], (name, at) => {
    const only = ONLY[name];
    if (only && only !== needs)
      throw new UserError(
        `${where(src, at)}: {{${name}}} exists only on the ${only} profile's stack; add 'needs: { profile: ${only} }' or name another service.`,
        NEXT,
      );
  });
}

/** A {{word}} left after the parameters is a service or a template word; anything else is a typo. */
export function unknownTemplates(src: YamlSource, v: unknown, at: Path, declared: Params): void {
  eachTemplate(v, at, (name, place) => {
    if (LAB_SERVICES.includes(name) || TEMPLATE_WORDS.includes(name)) return;
    const params = Object.keys(declared);
    throw new UserError(
      `${where(src, place)}: unknown template {{${name}}}; use ${params.length ? `a parameter (${params.join(', ')}), ` : ''}a service (${LAB_SERVICES.join(', ')}) or ${TEMPLATE_WORDS.join(', ')}.`,
      NEXT,
    );
  });
}

export function parseCheck(src: YamlSource, at: Path, c: { kind: string } & Record<string, unknown>): LabCheck {
  if (!isCheckKind(c.kind)) {
    throw new UserError(
      `${where(src, [...at, 'kind'])}: unknown check kind '${c.kind}'. Known kinds: ${checkKinds.join(', ')}.`,
      NEXT,
    );
  }
  const kind = c.kind;
  const { kind: _kind, within, ...params } = c;
  if (within !== undefined && (typeof within !== 'number' || within < 0 || within > 300)) {
    throw new UserError(`${where(src, [...at, 'within'])}: 'within' is the seconds to wait, from 0 to 300.`, NEXT);
  }
  const parsed = validate(src, checkSchema(kind), params, NEXT, at);
  return { kind, params: parsed as LabCheck['params'], within: within as number | undefined };
}

function parseAction(src: YamlSource, at: Path, a: Record<string, unknown>): SolutionAction {
  const keys = Object.keys(a);
  const key = keys[0] as keyof typeof actionSchemas;
  if (keys.length !== 1 || !actionKeys.includes(key)) {
    throw new UserError(
      `${where(src, at)}: a solution action is one of ${actionKeys.join(', ')}; found ${keys.join(', ') || 'nothing'}.`,
      NEXT,
    );
  }
  const value = validate(src, actionSchemas[key] as z.ZodType<unknown>, a[key], NEXT, [...at, key]);
  if (key === 'run') {
    const line = value as string;
    checkTemplates(src, [...at, key], line);
    let words: string[];
    try {
      words = splitWords(line);
    } catch (err) {
      throw new UserError(`${where(src, [...at, key])}: ${(err as Error).message} in '${line}'.`, NEXT);
    }
    const problem = checkRunnable(
      words,
      (w) => /^\{\{\s*[a-z0-9-]+\s*\}\}$/.test(w) && LAB_SERVICES.includes(templateNames(w)[0]!),
    );
    if (problem) throw new UserError(`${where(src, [...at, key])}: ${problem}.`, NEXT);
    // It renders to nothing on the default stack and to two words on another: the words checked above
    // would not be the words run ('docker exec {{kafka-1}} {{stack-flag}}' would run no command).
    if (templateNames(line).includes('stack-flag'))
      throw new UserError(
        `${where(src, [...at, key])}: {{stack-flag}} is for kafka-lab commands shown to the student; a solution runs docker commands only.`,
        NEXT,
      );
  }
  return { [key]: value } as SolutionAction;
}

function parseStudentAction(src: YamlSource, at: Path, a: Record<string, unknown>): StudentAction {
  const key = Object.keys(a)[0] ?? '';
  const schema = studentActions[key];
  if (!schema)
    throw new UserError(
      `${where(src, at)}: a student action starts with one of ${Object.keys(studentActions).join(', ')}; found ${key || 'nothing'}.`,
      NEXT,
    );
  return validate(src, schema, a, NEXT, at) as StudentAction;
}

function checkTemplates(src: YamlSource, at: Path, text: string): void {
  for (const name of templateNames(text)) {
    if (!LAB_SERVICES.includes(name) && !TEMPLATE_WORDS.includes(name)) {
      throw new UserError(
        `${where(src, at)}: unknown template {{${name}}}; use a service (${LAB_SERVICES.join(', ')}) or ${TEMPLATE_WORDS.join(', ')}.`,
        NEXT,
      );
    }
  }
}

export async function loadLabFile(file: string, given: GivenParams[] = [], profile = DEFAULT_PROFILE): Promise<Lab> {
  return parseLab(file, await readUserFile(file, 'Lab file', 'Check the path.'), given, profile);
}

/** The lab files in a folder (tracks.yaml is the course, not a lab). */
export async function labFiles(dir: string): Promise<string[]> {
  return (await readdir(dir)).filter((f) => /\.ya?ml$/.test(f) && f !== TRACKS_FILE).sort();
}

export async function loadLabs(dir: string, profile = DEFAULT_PROFILE): Promise<Lab[]> {
  return Promise.all((await labFiles(dir)).map((f) => loadLabFile(join(dir, f), [], profile)));
}

export const TRACKS_FILE = 'tracks.yaml';
