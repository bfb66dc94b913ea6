import { execa } from 'execa';
import { EXIT, UsageError } from '../core/errors.js';
import { stepText } from '../core/present.js';
import { templatesOf } from '../core/templates.js';
import { fileProgressStore } from '../lab/progress.js';
import { stepsOf } from '../core/present.js';
import { command, stackOptions } from '../cli/command.js';
import { stackContext } from '../context/stack.js';
import { stateDirOf } from '../context/lab.js';
import { labOf, paramOptions } from '../context/lab-ref.js';
import { stackOptionsOf } from '../context/stack.js';

async function hostHasKcat(): Promise<boolean> {
  const r = await execa('kcat', ['-V'], { reject: false, timeout: 3000 }).catch(() => undefined);
  return r?.exitCode === 0;
}

export const showCommand = command({
  name: 'show',
  usage: 'kafka-lab show LAB [STEP] [--stack NAME] [--param NAME=VALUE] [--hint] [--solution]',
  details:
    "LAB is a lab id or TRACK/LAB. The names are this student's: those of --param, or those the lab was started with.",
  options: {
    ...stackOptions,
    ...paramOptions,
    hint: { type: 'boolean', description: 'also show the hint' },
    solution: { type: 'boolean', description: 'also show the solution' },
  },
  maxPositionals: 2,
  async run(inv) {
    const [labId, stepRef] = inv.positionals;
    if (!labId) throw new UsageError('Which lab? kafka-lab show LAB [STEP].', "Run 'kafka-lab labs' to see them.");
    const opts = stackOptionsOf(inv);
    const seen = await stackContext(opts);
    const { lab, profile } = await labOf(inv.values, labId, fileProgressStore(stateDirOf(inv.env), opts.stack), {
      setAside: false,
      profile: seen.knownProfile,
    });
    const steps = stepsOf(lab, stepRef);
    // A lab for one profile, shown before its stack exists, names that profile's containers.
    const { spec } = profile === seen.profile ? seen : await stackContext({ ...opts, profile });
    const t = templatesOf(spec);
    const internal = t.internalBootstrap.split(',');
    const host = t.bootstrap.split(',');
    const hostKcat = (await hostHasKcat()) ? Object.fromEntries(internal.map((x, i) => [x, host[i]!])) : undefined;
    if (!stepRef) {
      inv.out.write(`${lab.title}\n${lab.summary.trim()}\n\n`);
      if (lab.start)
        inv.out.write(
          `This lab begins with ${lab.start.stopped.join(' and ')} stopped; kafka-lab stops them when the lab starts (its first check, or opening it with 'kafka-lab lab').\n\n`,
        );
    }
    for (const step of steps) {
      inv.out.write(
        `${stepText(step, lab.steps.indexOf(step), lab.steps.length, t, { hint: inv.values.hint === true, solution: inv.values.solution === true, hostKcat })}\n\n`,
      );
    }
    return EXIT.ok;
  },
});
