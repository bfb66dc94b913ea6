// Every lab's reference solution, run step by step with real clients (the Kafka tools in the
// containers, kcat), passes every check, and then its rubric gives full marks. Doing nothing does not.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { gradersDir } from '../../src/paths.js';
import { cli, expectOk } from './helpers.js';

const STACK = 'it-labs';
const at = ['--stack', STACK];
const labs = readdirSync(gradersDir)
  .filter((f) => f.endsWith('.yaml'))
  .map((f) => f.replace(/\.yaml$/, ''))
  .sort();

before(async () => {
  await cli(['down', ...at, '--volumes']);
  expectOk(await cli(['up', ...at, '--port-base', '29292']), 'up');
});
after(async () => {
  await cli(['down', ...at, '--volumes']);
});

test('every lab has a rubric and every rubric a lab', async () => {
  const listed = JSON.parse((await cli(['labs', '--json'])).stdout).map((l: { id: string }) => l.id);
  assert.deepEqual(labs, [...new Set(listed)].sort());
});

for (const lab of labs) {
  test(`${lab}: doing nothing scores less than full marks, with messages naming expected and found`, async () => {
    expectOk(await cli(['reset', ...at]), 'reset');
    const r = await cli(['grade', lab, ...at, '--json']);
    assert.equal(r.exitCode, 1, r.stderr);
    const g = JSON.parse(r.stdout);
    assert.ok(g.earned < g.possible, `earned ${g.earned} of ${g.possible} on an empty cluster`);
    const failed = g.items.flatMap((i: { results: { pass: boolean; message: string }[] }) =>
      i.results.filter((x) => !x.pass),
    );
    assert.ok(failed.length > 0);
    for (const f of failed) assert.match(f.message, /expected|asks for/, f.message);
  });

  test(`${lab}: the reference solution passes every step, and grade gives full marks`, async () => {
    expectOk(await cli(['reset', ...at]), 'reset');
    const solved = await cli(['solve', lab, ...at, '--quiet']);
    expectOk(solved, `solve ${lab}`);
    const steps = solved.stdout.split('\n').filter((l) => /^(PASS|FAIL) /.test(l));
    assert.ok(steps.length >= 3 && steps.every((l) => l.startsWith('PASS')), solved.stdout);
    const r = await cli(['grade', lab, ...at, '--json']);
    const g = JSON.parse(r.stdout);
    assert.equal(
      g.earned,
      g.possible,
      JSON.stringify(
        g.items.filter((i: { earned: number; points: number }) => i.earned < i.points),
        null,
        2,
      ),
    );
    assert.equal(r.exitCode, 0);
    assert.equal(g.stack, STACK);
    assert.match(g.rubricVersion, /^[0-9a-f]{12}$/);
    assert.equal(g.evidence.brokers.length, 3);
  });
}
