// The fixed start of every command, side by side in one run, medians of N (alternating):
//   node dist/bench/start.js [--runs N] [--stack NAME]
// - `node -e ''`, the floor any Node CLI starts from;
// - the CLI as installed (dist/bin/kafka-lab.js, the bundle) and the same code unbundled
//   (dist/src/cli.js, each module read from dist/ and node_modules), for --version, --help and `labs`;
// - `npm start -- --version` with nothing changed (setup's checks, then the CLI) against the direct call;
// - with --stack, `status` of that (ready) stack both ways, and through `npm start`.
import { execa } from 'execa';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const { values } = parseArgs({ options: { runs: { type: 'string', default: '10' }, stack: { type: 'string' } } });
const runs = Number(values.runs);
const root = fileURLToPath(new URL('../..', import.meta.url));
const bundle = fileURLToPath(new URL('../bin/kafka-lab.js', import.meta.url));
const unbundled = fileURLToPath(new URL('../src/cli.js', import.meta.url));
const env = { CI: '1' };

async function timed(cmd: string, args: string[]): Promise<number> {
  const started = process.hrtime.bigint();
  const r = await execa(cmd, args, { cwd: root, env, reject: false });
  if (r.exitCode !== 0) throw new Error(`${cmd} ${args.join(' ')} exited ${r.exitCode}: ${r.stderr}`);
  return Number(process.hrtime.bigint() - started) / 1e6;
}

const rows: [string, string, string[]][] = [
  ["node -e ''", 'node', ['-e', '']],
  ['kafka-lab --version (bundle)', 'node', [bundle, '--version']],
  ['kafka-lab --version (unbundled)', 'node', [unbundled, '--version']],
  ['kafka-lab --help (bundle)', 'node', [bundle, '--help']],
  ['kafka-lab --help (unbundled)', 'node', [unbundled, '--help']],
  ['kafka-lab labs (bundle)', 'node', [bundle, 'labs']],
  ['kafka-lab labs (unbundled)', 'node', [unbundled, 'labs']],
  ['npm start -- --version (nothing changed)', 'npm', ['start', '--silent', '--', '--version']],
];
if (values.stack) {
  const at = ['--stack', values.stack];
  rows.push(
    ['kafka-lab status (bundle)', 'node', [bundle, 'status', ...at]],
    ['kafka-lab status (unbundled)', 'node', [unbundled, 'status', ...at]],
    ['npm start -- status (nothing changed)', 'npm', ['start', '--silent', '--', 'status', ...at]],
  );
}

// Once each first: npm start builds if anything is stale, and the page cache is warm for all.
for (const [, cmd, args] of rows) await timed(cmd, args);
const times = rows.map((): number[] => []);
for (let i = 0; i < runs; i++) for (const [j, [, cmd, args]] of rows.entries()) times[j]!.push(await timed(cmd, args));

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const floor = median(times[0]!);
console.log(`Command start, ${runs} runs each alternating, median [min-max] wall ms; last column minus node -e ''`);
for (const [j, [label]] of rows.entries()) {
  const xs = times[j]!;
  console.log(
    `  ${label.padEnd(42)} ${median(xs).toFixed(0).padStart(6)}  [${Math.min(...xs).toFixed(0)}-${Math.max(...xs).toFixed(0)}]`.padEnd(
      68,
    ) + `+${(median(xs) - floor).toFixed(0)}`,
  );
}
