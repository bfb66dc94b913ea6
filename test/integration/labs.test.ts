// Every lab's reference solution, run step by step with real clients (the Kafka tools in the
// containers, kcat), passes every check, and then its rubric gives full marks. Doing nothing does not.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { gradersDir, labsDir } from '../../src/paths.js';
import { openLab } from '../../src/lab/tracks.js';
import { cli, expectOk } from './helpers.js';

const STACK = 'it-labs';
const at = ['--stack', STACK];
const rubrics = readdirSync(gradersDir)
  .filter((f) => f.endsWith('.yaml'))
  .map((f) => f.replace(/\.yaml$/, ''))
  .sort();
// KRaft's own lab runs on the KRaft stack (kraft.test.ts); every other lab runs here.
const labs: string[] = [];
for (const id of rubrics) if ((await openLab(labsDir, id)).needs?.profile !== 'kraft') labs.push(id);

before(async () => {
  await cli(['down', ...at, '--volumes']);
  expectOk(await cli(['up', ...at, '--port-base', '29292']), 'up');
});
after(async () => {
  await cli(['down', ...at, '--volumes']);
});

test('every lab has a rubric and every rubric a lab', async () => {
  const listed = JSON.parse((await cli(['labs', '--json'])).stdout).map((l: { id: string }) => l.id);
  assert.deepEqual(rubrics, [...new Set(listed)].sort());
  assert.ok(labs.length >= 8 && !labs.includes('controller-quorum'), labs.join(','));
});

// Grading reads and changes nothing, so every lab is graded on the same fresh stack, before any work.
for (const lab of labs) {
  test(`${lab}: doing nothing scores less than full marks, with messages naming expected and found`, async () => {
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
}

for (const lab of labs) {
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
