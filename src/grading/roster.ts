// A roster: who to grade, each by a stack on this host or by a cluster's bootstrap servers.
import { z } from 'zod';
import { UserError } from '../core/errors.js';
import { checkStackName } from '../core/stack.js';
import { readYaml, validate, where } from '../stack/yaml-source.js';

export interface RosterEntry {
  student: string;
  stack?: string;
  bootstrap?: string;
  /** This student's own lab parameters, and where the roster gave them. */
  params?: { values: Record<string, unknown>; origin: string };
}

const hostPort = /^[A-Za-z0-9.-]+:\d{1,5}$/;

const schema = z.strictObject({
  students: z
    .array(
      z.strictObject({
        id: z.string().min(1).max(100),
        stack: z.string().optional(),
        bootstrap: z
          .string()
          .refine(
            (b) => b.split(',').every((hp) => hostPort.test(hp.trim())),
            'bootstrap servers as host:port,host:port',
          )
          .optional(),
        params: z.record(z.string(), z.unknown()).optional(),
      }),
    )
    .min(1)
    .max(1000),
});

const NEXT = 'Each student needs an id and either stack: NAME or bootstrap: host:port,... (see README, Classrooms).';

export function parseRoster(file: string, text: string): RosterEntry[] {
  const src = readYaml(file, text, NEXT);
  const raw = validate(src, schema, src.value, NEXT);
  const seen = new Set<string>();
  return raw.students.map((s, i) => {
    const at = where(src, ['students', i]);
    if (seen.has(s.id))
      throw new UserError(`${where(src, ['students', i, 'id'])}: student '${s.id}' is listed twice.`, NEXT);
    seen.add(s.id);
    if ((s.stack === undefined) === (s.bootstrap === undefined))
      throw new UserError(`${at}: student '${s.id}' needs exactly one of stack or bootstrap.`, NEXT);
    const bad = s.stack === undefined ? undefined : checkStackName(s.stack);
    if (bad) throw new UserError(`${where(src, ['students', i, 'stack'])}: ${bad}`, NEXT);
    const params = s.params
      ? { params: { values: s.params, origin: `${where(src, ['students', i, 'params'])}: student ${s.id}` } }
      : {};
    return {
      student: s.id,
      ...params,
      ...(s.stack
        ? { stack: s.stack }
        : {
            bootstrap: s
              .bootstrap!.split(',')
              .map((x) => x.trim())
              .join(','),
          }),
    };
  });
}
