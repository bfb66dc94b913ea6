import { EXIT, UsageError, renderError } from '../core/errors.js';
import { loadLabFile, loadLabs } from '../lab/load.js';
import { labsDir } from '../paths.js';
import type { Command } from './command.js';

export const labsCommand: Command = {
  name: 'labs',
  summary: 'List the labs, or validate lab files against the lab schema.',
  usage: 'kafka-lab labs [--json] | kafka-lab labs validate [FILE]',
  options: { json: { type: 'boolean', description: 'print the list as JSON' } },
  maxPositionals: 2,
  async run(inv) {
    const [action, file] = inv.positionals;
    if (action === undefined) {
      const labs = await loadLabs(labsDir);
      if (inv.values.json) {
        inv.out.write(`${JSON.stringify(labs.map((l) => ({ id: l.id, title: l.title, minutes: l.minutes, steps: l.steps.map((s) => s.id) })), null, 2)}\n`);
      } else {
        for (const l of labs) inv.out.write(`${l.id.padEnd(20)} ${l.title.padEnd(44)} ${String(l.steps.length).padStart(2)} steps  ~${l.minutes} min\n`);
        inv.out.write(`\nCheck a step with 'kafka-lab check ID STEP'; run its reference solution with 'kafka-lab solve ID STEP'.\n`);
      }
      return EXIT.ok;
    }
    if (action !== 'validate') throw new UsageError(`'kafka-lab labs ${action}' is not a command.`, "Use 'kafka-lab labs' or 'kafka-lab labs validate [FILE]'.");
    if (file) {
      const lab = await loadLabFile(file);
      inv.out.write(`${file}: valid lab '${lab.id}' with ${lab.steps.length} steps.\n`);
      return EXIT.ok;
    }
    // Validate every file and report each problem, not only the first.
    const { readdir } = await import('node:fs/promises');
    const files = (await readdir(labsDir)).filter((f) => /\.ya?ml$/.test(f)).sort();
    let bad = 0;
    for (const f of files) {
      try {
        const lab = await loadLabFile(`${labsDir}/${f}`);
        inv.out.write(`ok   ${f} (${lab.steps.length} steps)\n`);
      } catch (err) {
        bad++;
        inv.err.write(`${renderError(err)}\n`);
      }
    }
    return bad ? EXIT.environment : EXIT.ok;
  },
};
