// Untrusted input, fuzzed with fast-check: lab files, rubrics, rosters, stack-name lists and submission
// files are accepted or refused with a UserError (with file:line:column for YAML), never crash or hang,
// and an accepted lab's solution runs only allowed docker verbs on the stack's own containers. Each
// input runs in a worker that is ended past a bound (test/fuzz.ts). Bigger runs: bench/fuzz.ts.
import { after, test } from 'node:test';
import { sealSubmission } from '../../src/grading/submission.js';
import type { SubmissionBody } from '../../src/core/submission.js';
import { checkProperty, properties, Readers } from '../fuzz.js';

const readers = new Readers();
after(() => readers.close());
const seal = (body: Record<string, unknown>) => sealSubmission(body as unknown as SubmissionBody);

for (const p of properties(seal))
  test(p.name, async (t) => {
    const r = await checkProperty(readers, p);
    t.diagnostic(`${r.runs} runs, ${r.accepted} accepted, ${r.ms} ms`);
  });
