// The course and its tracks (labs/tracks.yaml). The course is every lab in teaching order with the
// labs' own defaults. A track follows one tutorial: some labs, in order, with that tutorial's names
// and numbers as parameters. A lab on a track is named TRACK/LAB, and is a lab of its own in progress
// and grading.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { UserError } from '../core/errors.js';
import type { Lab } from '../core/lab.js';
import { DEFAULT_PROFILE, type Profile } from '../core/stack.js';
import { readYaml, validate, where } from '../stack/yaml-source.js';
import { labFiles, loadLabFile, TRACKS_FILE, type GivenParams } from './load.js';

export interface TrackLab {
  lab: string;
  params: Record<string, unknown>;
  /** Where its parameters are: 'labs/tracks.yaml:27:9' (for messages about them). */
  at: string;
}

export interface Track {
  id: string;
  title: string;
  about: string;
  /** Parameters for every lab of the track that declares them. */
  params: Record<string, unknown>;
  /** Where its parameters are (or the track itself, without any). */
  at: string;
  labs: TrackLab[];
}

export interface Course {
  labs: string[];
  tracks: Track[];
}

const id = z.string().regex(/^[a-z0-9][a-z0-9-]{0,40}$/, 'an id: lower-case letters, digits and -');
const values = z.record(z.string(), z.unknown()).default({});
const schema = z.strictObject({
  course: z.array(id).min(1),
  tracks: z
    .array(
      z.strictObject({
        id,
        title: z.string().min(1).max(80),
        about: z.string().min(1),
        params: values,
        labs: z.array(z.union([id, z.strictObject({ lab: id, params: values })])).min(1),
      }),
    )
    .default([]),
});

const NEXT = `Fix labs/${TRACKS_FILE}.`;

export async function loadCourse(dir: string): Promise<Course> {
  const file = join(dir, TRACKS_FILE);
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch {
    // Without a course file, the labs are the course in file order.
    return { labs: (await labFiles(dir)).map((f) => f.replace(/\.ya?ml$/, '')), tracks: [] };
  }
  const src = readYaml(file, text, NEXT);
  const raw = validate(src, schema, src.value, NEXT);
  // Every lab the course or a track names is a lab file here: else opening it later says only "no lab".
  const have = new Set((await labFiles(dir)).map((f) => f.replace(/\.ya?ml$/, '')));
  const missing = (at: (string | number)[], lab: string) => {
    if (!have.has(lab))
      throw new UserError(`${where(src, at)}: there is no lab '${lab}' (no ${lab}.yaml in ${dir}).`, NEXT);
  };
  raw.course.forEach((lab, i) => missing(['course', i], lab));
  raw.tracks.forEach((t, i) =>
    t.labs.forEach((l, j) =>
      missing(
        typeof l === 'string' ? ['tracks', i, 'labs', j] : ['tracks', i, 'labs', j, 'lab'],
        typeof l === 'string' ? l : l.lab,
      ),
    ),
  );
  const seen = new Set<string>();
  const tracks = raw.tracks.map((t, i) => {
    if (seen.has(t.id) || raw.course.includes(t.id))
      throw new UserError(
        `${where(src, ['tracks', i, 'id'])}: track id '${t.id}' is used twice, or is also a lab id.`,
        NEXT,
      );
    seen.add(t.id);
    const at = (...path: (string | number)[]) => where(src, ['tracks', i, ...path]);
    return {
      ...t,
      at: at('params'),
      labs: t.labs.map((l, j) =>
        typeof l === 'string' ? { lab: l, params: {}, at: at('labs', j) } : { ...l, at: at('labs', j, 'params') },
      ),
    };
  });
  return { labs: raw.course, tracks };
}

const REF = /^(?:([a-z0-9][a-z0-9-]{0,40})\/)?([a-z0-9][a-z0-9-]{0,40})$/;

/** Every lab ref in course order: the course's labs, then each track's. */
export function courseRefs(c: Course): string[] {
  return [...c.labs, ...c.tracks.flatMap((t) => t.labs.map((l) => `${t.id}/${l.lab}`))];
}

/** The lab a ref names (LAB or TRACK/LAB), with its track's parameters and then those given. */
export async function openLab(
  dir: string,
  ref: string,
  given: GivenParams[] = [],
  profile: Profile = DEFAULT_PROFILE,
): Promise<Lab> {
  const course = await loadCourse(dir);
  const m = REF.exec(ref);
  const unknown = () =>
    new UserError(
      `There is no lab '${ref}'.`,
      `Labs: ${courseRefs(course).join(', ')}. Run 'kafka-lab labs' to see them.`,
    );
  if (!m) throw unknown();
  const [, trackId, labId] = m;
  let chain = given;
  if (trackId !== undefined) {
    const track = course.tracks.find((t) => t.id === trackId);
    const entry = track?.labs.find((l) => l.lab === labId);
    if (!track || !entry) throw unknown();
    chain = [
      { values: track.params, origin: `${track.at}: track ${track.id}`, loose: true },
      { values: entry.params, origin: `${entry.at}: track ${track.id}, lab ${labId}` },
      ...given,
    ];
  } else if (!(await labFiles(dir)).includes(`${labId}.yaml`)) throw unknown();
  const lab = await loadLabFile(join(dir, `${labId}.yaml`), chain, profile);
  return { ...lab, ref };
}

/** The course and every lab of it and of each track, opened, in course order. */
export async function openCourse(
  dir: string,
  profile: Profile = DEFAULT_PROFILE,
): Promise<{ course: Course; labs: Lab[] }> {
  const course = await loadCourse(dir);
  return { course, labs: await Promise.all(courseRefs(course).map((ref) => openLab(dir, ref, [], profile))) };
}
