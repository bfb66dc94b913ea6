// The fuzz properties of test/unit/fuzz.test.ts at a bigger size: each property with --runs N inputs
// (default 10x the suite's), every input in a worker ended past --bound-ms. Prints runs, accepted inputs
// and time per property; exits 1 on the first property that fails, with fast-check's seed and input.
//   node dist/bench/fuzz.js [--runs N] [--seed S] [--bound-ms 10000] [--only TEXT]
import { parseArgs } from 'node:util';
import type { SubmissionBody } from '../src/core/submission.js';
import { sealSubmission } from '../src/grading/submission.js';
import { checkProperty, properties, Readers } from '../test/fuzz.js';

const { values } = parseArgs({
  options: {
    runs: { type: 'string' },
    seed: { type: 'string' },
    'bound-ms': { type: 'string', default: '10000' },
    only: { type: 'string' },
  },
});
const readers = new Readers(Number(values['bound-ms']));
const seal = (body: Record<string, unknown>) => sealSubmission(body as unknown as SubmissionBody);
const rows: { property: string; runs: number; accepted: number; seconds: number }[] = [];
const started = Date.now();
let status = 0;
for (const p of properties(seal)) {
  if (values.only && !p.name.includes(values.only)) continue;
  const runs = values.runs ? Number(values.runs) : p.runs * 10;
  try {
    const r = await checkProperty(readers, p, { runs, seed: values.seed ? Number(values.seed) : undefined });
    rows.push({ property: p.name, runs: r.runs, accepted: r.accepted, seconds: r.ms / 1000 });
    console.error(`${p.name}: ${r.runs} runs, ${r.accepted} accepted, ${(r.ms / 1000).toFixed(1)} s`);
  } catch (err) {
    console.error(`${p.name}: FAILED\n${(err as Error).message}`);
    status = 1;
    break;
  }
}
await readers.close();
console.log(
  JSON.stringify(
    { total: { runs: rows.reduce((a, r) => a + r.runs, 0), seconds: (Date.now() - started) / 1000 }, rows },
    null,
    2,
  ),
);
process.exit(status);
