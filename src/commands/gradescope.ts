import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { EXIT, UsageError, UserError } from '../core/errors.js';
import { autograderZip, packKafkaLab } from '../grading/autograder.js';
import { loadRubric } from '../grading/rubric.js';
import { openLab } from '../lab/tracks.js';
import { gradersDir, labsDir, packageRoot } from '../paths.js';
import { command } from '../cli/command.js';
import { writeFileAtomic } from '../files.js';

export const gradescopeCommand = command({
  name: 'gradescope',
  usage: 'kafka-lab gradescope LAB [--out FILE] [--with-node] [--json]',
  details:
    "The zip holds setup.sh, run_autograder and kafka-lab as an npm package (made with 'npm pack' from this\n" +
    "installation, so its labs and rubrics are this one's). Upload it as the assignment's autograder; students\n" +
    "upload the file 'kafka-lab submit LAB' wrote. setup.sh takes Node from the zip (--with-node), else from PATH\n" +
    '(>= 20), else from nodejs.org while Gradescope builds the image; grading itself needs no network.',
  options: {
    out: { type: 'string', value: 'FILE', description: 'where to write the zip (default autograder.zip)' },
    'with-node': {
      type: 'boolean',
      description: "carry this machine's Node in the zip (linux-x64 only, as Gradescope's image; about 35 MB)",
    },
    json: { type: 'boolean', description: 'print what was written as JSON' },
  },
  maxPositionals: 1,
  async run(inv) {
    const [labRef] = inv.positionals;
    if (!labRef) throw new UsageError('Which lab? kafka-lab gradescope LAB.', "Run 'kafka-lab labs' to see them.");
    const lab = await openLab(labsDir, labRef);
    const rubric = await loadRubric(gradersDir, lab.id, lab.params);
    if (inv.values['with-node'] && `${process.platform}-${process.arch}` !== 'linux-x64')
      throw new UsageError(
        `--with-node carries this machine's Node, which is ${process.platform}-${process.arch}; Gradescope runs linux-x64.`,
        'Leave out --with-node: setup.sh then downloads Node while Gradescope builds the image.',
      );
    const file = resolve(inv.values.out ?? 'autograder.zip');
    inv.err.write('Packing kafka-lab (npm pack)...\n');
    const pkg = await packKafkaLab(packageRoot);
    if (inv.values['with-node']) inv.err.write(`Adding Node ${process.version} from ${process.execPath}...\n`);
    const node = inv.values['with-node'] ? await readFile(process.execPath) : undefined;
    const made = await autograderZip({ labRef: lab.ref, pkg, nodeVersion: process.versions.node, node });
    await writeFileAtomic(file, made.zip).catch((err: Error) => {
      throw new UserError(`Could not write ${file}: ${err.message}.`, 'Give another place with --out FILE.');
    });
    const summary = {
      file,
      lab: lab.ref,
      rubricVersion: rubric.version,
      bytes: made.zip.length,
      entries: made.entries,
    };
    if (inv.values.json) inv.out.write(`${JSON.stringify(summary, null, 2)}\n`);
    else
      inv.out.write(
        `Wrote ${file} (${(made.zip.length / 1048576).toFixed(1)} MiB: ${made.entries.join(', ')}): the autograder for ${lab.ref}, rubric ${rubric.version}.\n` +
          "Upload it as the assignment's autograder; each student uploads the one file 'kafka-lab submit' wrote.\n",
      );
    return EXIT.ok;
  },
});
