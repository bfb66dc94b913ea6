// Which lab a command acts on: a ref (LAB or TRACK/LAB), and the student's own parameters, given
// with --param when the lab starts and kept with its progress from then on.
import { UsageError, UserError } from '../core/errors.js';
import type { Lab } from '../core/lab.js';
import { DEFAULT_PROFILE, type Profile } from '../core/stack.js';
import { describeParams, kindOf, parseParamText } from '../core/params.js';
import type { GivenParams } from '../lab/load.js';
import type { LoadedProgress, ProgressStore } from '../core/progress.js';
import { openLab } from '../lab/tracks.js';
import { labsDir } from '../paths.js';
import type { ParamValues } from '../cli/command.js';

export { paramOptions, type ParamValues } from '../cli/command.js';

/** --param NAME=VALUE, typed by the lab's declared parameters. */
function givenOf(v: ParamValues, lab: Lab): GivenParams[] {
  const raw = v.param ?? [];
  if (raw.length === 0) return [];
  const values: Record<string, unknown> = {};
  for (const item of raw) {
    const eq = item.indexOf('=');
    if (eq < 1)
      throw new UsageError(
        `--param '${item}' is not NAME=VALUE.`,
        `Parameters of ${lab.ref}: ${describeParams(lab.declared) || 'none'}.`,
      );
    const name = item.slice(0, eq);
    const d = lab.declared[name];
    values[name] = d === undefined ? item.slice(eq + 1) : parseParamText(kindOf(d), item.slice(eq + 1));
  }
  return [{ values, origin: '--param' }];
}

function same(a: Record<string, unknown>, b: Record<string, unknown>): boolean {
  return JSON.stringify(Object.entries(a).sort()) === JSON.stringify(Object.entries(b).sort());
}

/**
 * The lab with the student's parameters (from --param, else from the progress, else the defaults), in
 * the words of `profile`: the stack's own, or the one asked for. Without one, a lab for one profile is
 * worded for it and any other for the default.
 */
export async function labOf(
  v: ParamValues,
  ref: string,
  store: ProgressStore,
  o: { restart?: boolean; setAside?: boolean; profile?: Profile } = {},
): Promise<{ lab: Lab; loaded: LoadedProgress; profile: Profile }> {
  const first = await openLab(labsDir, ref);
  const needed = first.needs?.profile;
  if (needed && o.profile && needed !== o.profile)
    throw new UserError(
      `Lab ${ref} runs on a ${needed} stack; this stack runs ${o.profile}.`,
      `Create one with 'kafka-lab up --stack NAME --profile ${needed}' and give the lab's commands --stack NAME.`,
    );
  const profile = o.profile ?? needed ?? DEFAULT_PROFILE;
  const plain = profile === DEFAULT_PROFILE ? first : await openLab(labsDir, ref, [], profile);
  const given = givenOf(v, plain);
  const loaded = await store.load(plain, { setAside: o.setAside });
  const kept = loaded.progress.params;
  if (given.length && kept && !o.restart && !same(given[0]!.values, kept) && loaded.progress.baseline) {
    throw new UsageError(
      `Lab ${ref} was started with ${describeParams(kept as never) || 'its defaults'}.`,
      'Leave out --param to carry on, or add --restart to start it over with the new values.',
    );
  }
  const chain = given.length ? given : kept ? [{ values: kept, origin: 'the saved progress' }] : [];
  if (chain.length === 0) return { lab: plain, loaded, profile };
  // A bad --param is a usage error (exit 2), like any other bad flag.
  const lab = await openLab(labsDir, ref, chain, profile).catch((err: unknown) => {
    throw err instanceof UserError && given.length && err.message.startsWith('--param')
      ? new UsageError(err.message, err.next)
      : err;
  });
  return { lab, loaded: { ...loaded, progress: { ...loaded.progress, params: chain[0]!.values } }, profile };
}
