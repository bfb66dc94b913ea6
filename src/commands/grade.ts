import { EXIT, UsageError } from '../core/errors.js';
import { grade, loadRubric } from '../grading/rubric.js';
import { gradersDir } from '../paths.js';
import { stackOptions, type Command } from './command.js';
import { labContext } from './lab-context.js';

export const gradeCommand: Command = {
  name: 'grade',
  summary: "Grade a lab on one stack with its rubric in graders/ (points, partial credit, hidden checks).",
  usage: 'kafka-lab grade LAB [--stack NAME] [--json]',
  details: 'The grade reads the cluster as it is now. Exit 0 for full marks, 1 otherwise.',
  options: { ...stackOptions, json: { type: 'boolean', description: 'print the grade, with its evidence, as JSON' } },
  maxPositionals: 1,
  async run(inv) {
    const [labId] = inv.positionals;
    if (!labId) throw new UsageError('Which lab? kafka-lab grade LAB.', "Run 'kafka-lab labs' to see them.");
    const rubric = await loadRubric(gradersDir, labId);
    const ctx = await labContext(inv);
    const g = await grade(rubric, ctx.spec.stack, ctx.inspector, () => new Date());
    if (inv.values.json) {
      inv.out.write(`${JSON.stringify(g, null, 2)}\n`);
    } else {
      inv.out.write(`${rubric.title}: ${g.earned} / ${g.possible} points (stack ${g.stack}, rubric ${g.rubricVersion})\n`);
      for (const item of g.items) {
        inv.out.write(`  ${String(item.earned).padStart(6)} / ${String(item.points).padEnd(4)} ${item.title}${item.hidden ? ' (hidden)' : ''}\n`);
        for (const r of item.results) if (!r.pass) inv.out.write(`                 ✘ ${r.message}\n`);
      }
      if (g.evidence.unknown.length) inv.out.write(`  could not learn: ${g.evidence.unknown.join('; ')}\n`);
    }
    return g.earned === g.possible ? EXIT.ok : EXIT.failed;
  },
};
