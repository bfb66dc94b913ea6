import { evidenceTopics } from '../core/lab.js';
import { EXIT, UsageError } from '../core/errors.js';
import { checkStep } from '../core/engine.js';
import { scopeOf, withResult } from '../core/progress.js';
import { fileProgressStore } from '../lab/progress.js';
import { runSolution } from '../lab/runner.js';
import { started } from '../lab/start.js';
import { systemClock } from '../runtime/clock.js';
import { formatStepResult, stepsOf } from '../core/present.js';
import { command, stackOptions } from '../cli/command.js';
import { labContext, stopFor } from '../context/lab.js';
import { labOf, paramOptions } from '../context/lab-ref.js';

export const solveCommand = command({
  name: 'solve',
  usage: 'kafka-lab solve LAB [STEP] [--stack NAME] [--param NAME=VALUE] [--quiet]',
  details:
    "Solutions run real clients: the Kafka tools and kcat inside the stack's containers. Exit 0 when every solved step then passes its checks.",
  options: {
    ...stackOptions,
    ...paramOptions,
    quiet: { type: 'boolean', description: 'print only the check results' },
  },
  maxPositionals: 2,
  async run(inv) {
    const [labId, stepRef] = inv.positionals;
    if (!labId) throw new UsageError('Which lab? kafka-lab solve LAB [STEP].', "Run 'kafka-lab labs' to see them.");
    const ctx = await labContext(inv);
    const store = fileProgressStore(ctx.stateDir, ctx.spec.stack);
    // Solving the whole lab starts it over; one step counts from where the lab started.
    const restart = stepRef === undefined;
    const { lab, loaded } = await labOf(inv.values, labId, store, { restart, profile: ctx.knownProfile });
    const steps = stepsOf(lab, stepRef);
    const runner = ctx.runner(
      (line) => inv.values.quiet || inv.out.write(`      ${line.split('\n').join('\n      ')}\n`),
    );
    let progress = await started(ctx.inspector, lab, loaded.progress, { restart, stop: stopFor(ctx, inv) });
    await store.save(progress);
    let ok = true;
    for (const step of steps) {
      if (!inv.values.quiet) inv.out.write(`----  step ${lab.steps.indexOf(step) + 1} ${step.id}: ${step.title}\n`);
      await runSolution(runner, step);
      // Solving a quiz step means being shown the answers; they are kept like any others.
      progress = {
        ...progress,
        answers: { ...progress.answers, ...Object.fromEntries((step.quiz ?? []).map((q) => [q.id, q.answer])) },
      };
      const r = await checkStep(step, ctx.inspector, {
        clock: systemClock,
        signal: inv.signal,
        answers: progress.answers,
        scope: scopeOf(progress),
        keepReadsOf: evidenceTopics(lab),
      });
      progress = withResult(progress, r, systemClock.now());
      await store.save(progress);
      inv.out.write(`${formatStepResult(lab, r)}\n`);
      ok &&= r.pass;
      if (!r.pass) break;
    }
    return ok ? EXIT.ok : EXIT.failed;
  },
});
