// Every track, the student's way, each on the stack the one before it left, as a workshop runs them:
// the tutorial's own names and numbers (parameters) in what `show` prints, in the checks and in the
// rubric. One student takes their own names with --param, and the grade follows them.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadCourse, openLab } from '../../src/lab/tracks.js';
import { labsDir } from '../../src/paths.js';
import { cli, expectOk } from './helpers.js';
import { walkLab } from './walk.js';

const STACK = 'it-tracks';
const at = ['--stack', STACK];
const course = await loadCourse(labsDir);
/** This student's own topic name for one lab, given at its first check and kept from then on. */
const OWN = { ref: 'university/one-broker', params: ['--param', 'topic=alice-atu'] };

before(async () => {
  await cli(['down', ...at, '--volumes']);
  expectOk(await cli(['up', ...at, '--port-base', '24092']), 'up');
});
after(async () => {
  await cli(['down', ...at, '--volumes']);
});

test('the tracks follow the tutorials: university, workshop and sales, with their names', () => {
  assert.deepEqual(
    course.tracks.map((t) => [t.id, t.labs.map((l) => l.lab)]),
    [
      ['university', ['one-broker', 'replicated-topic']],
      ['workshop', ['consumer-groups', 'consumer-failover', 'broker-failover']],
      ['sales', ['purchases', 'purchases-failover']],
    ],
  );
});

for (const track of course.tracks) {
  for (const { lab: id } of track.labs) {
    const ref = `${track.id}/${id}`;
    const own = ref === OWN.ref ? OWN.params : [];
    test(`${ref}: the student path passes every step and grades at full marks${own.length ? `, with the student's own ${own[1]}` : ''}`, async () => {
      const lab = await openLab(
        labsDir,
        ref,
        own.length ? [{ values: { topic: 'alice-atu' }, origin: '--param' }] : [],
      );
      if (track.id === 'workshop') assert.equal(lab.params.topic, 'failsafe-test-topic');
      await walkLab(lab, STACK, own);
      // What show printed and what was checked used the track's (or the student's) names.
      const name = lab.params.topic ?? lab.params.prefix;
      if (name !== undefined)
        assert.match((await cli(['show', ref, ...at])).stdout, new RegExp(`--topic ${String(name)}\\b`));
    });
  }
}

test("grading a roster uses each student's own parameters", async () => {
  const dir = await mkdtemp(join(tmpdir(), 'kl-roster-'));
  const roster = join(dir, 'roster.yaml');
  // Both name this stack; only alice's names are the ones its lab was done with.
  await writeFile(
    roster,
    `students:\n  - { id: alice, stack: ${STACK}, params: { topic: alice-atu } }\n  - { id: bob, stack: ${STACK}, params: { topic: bob-atu } }\n`,
  );
  const r = await cli(['grade', OWN.ref, '--roster', roster, '--format', 'json']);
  assert.equal(r.exitCode, 1, r.stderr);
  const results = JSON.parse(r.stdout).results as {
    student: string;
    error?: string;
    grade?: { earned: number; possible: number; params?: Record<string, unknown> };
  }[];
  const alice = results.find((x) => x.student === 'alice')!.grade;
  const bob = results.find((x) => x.student === 'bob')!.grade;
  assert.ok(alice && bob, r.stdout);
  assert.equal(alice.earned, alice.possible);
  assert.deepEqual(alice.params, { topic: 'alice-atu' });
  assert.ok(bob.earned < bob.possible, JSON.stringify(bob));
  // A value of the wrong kind is refused with the roster's place.
  await writeFile(roster, `students:\n  - { id: carol, stack: ${STACK}, params: { topic: "a b" } }\n`);
  const bad = await cli(['grade', OWN.ref, '--roster', roster]);
  assert.equal(bad.exitCode, 1);
  assert.match(bad.stdout + bad.stderr, /roster\.yaml:2:\d+: student carol: 'topic' must be a name/);
});
