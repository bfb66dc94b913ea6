// N `kafka-lab up` commands for different stacks started side by side, without --port-base, each choosing its
// own block of ports; how many succeed, and which blocks they got:
//   node dist/bench/concurrent-up.js [--n 6] [--runs 1] [--cli PATH/TO/kafka-lab.js] [--prefix race-]
// --cli compares another build (main's, say). Stacks PREFIX1..PREFIXn, removed before and after each run; their
// blocks start at 9192, so run it where no other stack uses the blocks above it. Locks go to a directory of its own.
import { execa } from 'execa';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const { values } = parseArgs({
  options: {
    n: { type: 'string', default: '6' },
    runs: { type: 'string', default: '1' },
    cli: { type: 'string', default: fileURLToPath(new URL('../bin/kafka-lab.js', import.meta.url)) },
    prefix: { type: 'string', default: 'race-' },
  },
});
const n = Number(values.n);
const stacks = Array.from({ length: n }, (_, i) => `${values.prefix}${i + 1}`);
const lockDir = mkdtempSync(join(tmpdir(), 'kafka-lab-bench-concurrent-up-'));
const env = { CI: '1', KAFKA_LAB_IMAGES: 'local', KAFKA_LAB_LOCK_DIR: lockDir };
const run = (args: string[]) => execa('node', [values.cli, ...args], { reject: false, env });
const removeAll = () => Promise.all(stacks.map((s) => run(['down', '--stack', s, '--volumes'])));

try {
  for (let r = 1; r <= Number(values.runs); r++) {
    await removeAll();
    const started = Date.now();
    const results = await Promise.all(stacks.map((s) => run(['up', '--stack', s])));
    const seconds = ((Date.now() - started) / 1000).toFixed(1);
    const ok = results.filter((x) => x.exitCode === 0).length;
    console.log(`run ${r}: ${ok}/${n} succeeded in ${seconds} s (${values.cli})`);
    results.forEach((x, i) => {
      const said = x.exitCode === 0 ? /Bootstrap servers: (\S+?),/.exec(x.stdout)?.[1] : x.stderr.split('\n')[0];
      console.log(`  ${stacks[i]}: exit ${x.exitCode}  ${said ?? ''}`);
    });
  }
} finally {
  await removeAll();
  rmSync(lockDir, { recursive: true, force: true });
}
