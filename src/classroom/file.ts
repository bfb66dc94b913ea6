// The classroom file: which Docker contexts a class runs on (and, if the facilitator likes, its stack
// names and first port block), so that `stacks`, `down --all`, `grade --all`... need no list repeated.
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { z } from 'zod';
import { expandStackNames } from '../core/classroom.js';
import { UserError } from '../core/errors.js';
import { readUserFile, readYaml, validate, where } from '../stack/yaml-source.js';

/** Found in the working directory when no --classroom is given. */
export const CLASSROOM_FILE = 'kafka-lab-classroom.yaml';

export interface ClassroomFile {
  file: string;
  contexts: string[];
  stacks?: string[];
  portBase?: number;
}

const CONTEXT_NAME = /^[A-Za-z0-9][A-Za-z0-9_.+-]+$/; // the Docker CLI's own rule for context names

const schema = z.strictObject({
  contexts: z.array(z.string().regex(CONTEXT_NAME, 'a Docker context name')).min(1).max(64),
  stacks: z.string().min(1).optional(),
  'port-base': z.number().int().min(1024).max(65000).optional(),
});

const NEXT = `A classroom file is YAML: contexts: [lab-a, lab-b], and optionally stacks: team-01..team-60 and port-base: 19192 (see README, Classrooms).`;

export function parseClassroomFile(file: string, text: string): ClassroomFile {
  const src = readYaml(file, text, NEXT);
  const raw = validate(src, schema, src.value, NEXT);
  const seen = new Set<string>();
  raw.contexts.forEach((c, i) => {
    if (seen.has(c)) throw new UserError(`${where(src, ['contexts', i])}: context '${c}' is listed twice.`, NEXT);
    seen.add(c);
  });
  let stacks: string[] | undefined;
  if (raw.stacks !== undefined) {
    try {
      stacks = expandStackNames(raw.stacks);
    } catch (err) {
      throw new UserError(`${where(src, ['stacks'])}: ${(err as Error).message}`, NEXT);
    }
  }
  return { file, contexts: raw.contexts, stacks, portBase: raw['port-base'] };
}

/** --classroom FILE, else ./kafka-lab-classroom.yaml when there is one, else undefined. */
export function classroomFileOf(given: string | undefined, cwd: string): string | undefined {
  if (given !== undefined) return given;
  const here = resolve(cwd, CLASSROOM_FILE);
  return existsSync(here) ? CLASSROOM_FILE : undefined;
}

export async function readClassroomFile(file: string): Promise<ClassroomFile> {
  return parseClassroomFile(
    file,
    await readUserFile(file, 'The classroom file', `Give a YAML file with a contexts: list, or use --contexts a,b.`),
  );
}
