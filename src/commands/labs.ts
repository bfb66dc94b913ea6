import { EXIT, UsageError, renderError } from '../core/errors.js';
import { labFiles, loadLabFile } from '../lab/load.js';
import { openCourse } from '../lab/tracks.js';
import { labsDir } from '../paths.js';
import { command } from '../cli/command.js';

export const labsCommand = command({
  name: 'labs',
  details: [
    'The course is every lab with its own names. A track follows one tutorial with its names and numbers:',
    'its labs are named TRACK/LAB in every command (kafka-lab lab workshop/consumer-groups).',
  ].join('\n'),
  usage: 'kafka-lab labs [--json] | kafka-lab labs validate [FILE]',
  options: { json: { type: 'boolean', description: 'print the list as JSON' } },
  maxPositionals: 2,
  async run(inv) {
    const [action, file] = inv.positionals;
    if (action === undefined) {
      const opened = await openCourse(labsDir);
      const { course } = opened;
      const labs = new Map(opened.labs.map((l) => [l.ref, l]));
      const groups = [
        { id: 'course', title: 'The course: every lab, in order', about: '', refs: course.labs },
        ...course.tracks.map((t) => ({
          id: t.id,
          title: t.title,
          about: t.about,
          refs: t.labs.map((l) => `${t.id}/${l.lab}`),
        })),
      ];
      if (inv.values.json) {
        // One row per lab ref, in course order: the course's labs (track null), then each track's.
        const rows = groups.flatMap((g) =>
          g.refs.map((ref) => {
            const l = labs.get(ref)!;
            return {
              ref,
              id: l.id,
              track: g.id === 'course' ? null : g.id,
              title: l.title,
              minutes: l.minutes,
              // The one profile a lab runs on, or null for both.
              profile: l.needs?.profile ?? null,
              params: l.params,
              steps: l.steps.map((s) => s.id),
            };
          }),
        );
        inv.out.write(`${JSON.stringify(rows, null, 2)}\n`);
        return EXIT.ok;
      }
      for (const g of groups) {
        inv.out.write(`${g.title}${g.about ? `\n  ${g.about.trim().split('\n').join('\n  ')}` : ''}\n`);
        for (const [i, ref] of g.refs.entries()) {
          const l = labs.get(ref)!;
          inv.out.write(
            `  ${String(i + 1).padStart(2)}. ${ref.padEnd(34)} ${l.title.padEnd(66)} ${String(l.steps.length).padStart(2)} steps  ~${l.minutes} min\n`,
          );
        }
        inv.out.write('\n');
      }
      inv.out.write(`Open one with 'kafka-lab lab LAB'; check a step with 'kafka-lab check LAB STEP'.\n`);
      inv.out.write(
        `Labs take parameters (kafka-lab labs --json lists them); give a student their own with --param NAME=VALUE.\n`,
      );
      return EXIT.ok;
    }
    if (action !== 'validate')
      throw new UsageError(
        `'kafka-lab labs ${action}' is not a command.`,
        "Use 'kafka-lab labs' or 'kafka-lab labs validate [FILE]'.",
      );
    if (file) {
      const lab = await loadLabFile(file);
      inv.out.write(`${file}: valid lab '${lab.id}' with ${lab.steps.length} steps.\n`);
      return EXIT.ok;
    }
    // Validate every file and report each problem, not only the first.
    const files = await labFiles(labsDir);
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
    try {
      const { course } = await openCourse(labsDir);
      inv.out.write(`ok   tracks.yaml (${course.labs.length} labs in the course, ${course.tracks.length} tracks)\n`);
    } catch (err) {
      bad++;
      inv.err.write(`${renderError(err)}\n`);
    }
    return bad ? EXIT.environment : EXIT.ok;
  },
});
