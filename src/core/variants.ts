// Prose that differs between the profiles. Any text a student reads (PROSE) may be written as
// `{ zookeeper: ..., kraft: ... }`; a lab is opened for one profile and keeps that one's words.
import { PROSE, type Problem } from './params.js';
import { PROFILES, type Profile } from './stack.js';

const isMapping = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && Object.getPrototypeOf(v) === Object.prototype;

/** `value` with every per-profile text replaced by `profile`'s; each must give both, as text. */
export function forProfile(
  value: unknown,
  profile: Profile,
  path: (string | number)[] = [],
): { value: unknown } | Problem {
  let problem: Problem | undefined;
  const walk = (v: unknown, at: (string | number)[]): unknown => {
    if (Array.isArray(v)) return v.map((x, i) => walk(x, [...at, i]));
    if (!isMapping(v)) return v;
    const keys = Object.keys(v);
    const field = [...at].reverse().find((k) => typeof k === 'string');
    if (keys.length > 0 && keys.every((k) => (PROFILES as readonly string[]).includes(k)) && PROSE.has(String(field))) {
      const missing = PROFILES.filter((p) => typeof v[p] !== 'string' || v[p] === '');
      if (missing.length)
        problem ??= { path: at, message: `text written per profile needs ${PROFILES.join(' and ')}, each as text` };
      return v[profile];
    }
    return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, walk(x, [...at, k])]));
  };
  const out = walk(value, path);
  return problem ? problem : { value: out };
}
