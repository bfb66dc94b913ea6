import { test } from 'node:test';
import assert from 'node:assert/strict';
import { UserError } from '../../src/core/errors.js';
import { nextPortBase, placeStacks, refusal, type EngineRoom } from '../../src/core/placement.js';

const EACH = 600;
const room = (engine: string, availableMiB: number, stacks: EngineRoom['stacks'] = []): EngineRoom => ({
  engine,
  availableMiB,
  stacks,
});
const where = (plan: ReturnType<typeof placeStacks>) =>
  Object.fromEntries(plan.placements.map((p) => [p.stack, p.engine]));

test('new stacks go to the engine with the most memory left, one by one', () => {
  const plan = placeStacks(['t-1', 't-2', 't-3', 't-4'], [room('a', 3000), room('b', 1900)], EACH);
  // a 3000 -> 2400 -> (b 1900 vs a 2400) a 1800 -> b 1900 -> 1300 -> a 1800 -> 1200
  assert.deepEqual(where(plan), { 't-1': 'a', 't-2': 'a', 't-3': 'b', 't-4': 'a' });
  assert.deepEqual(plan.loads, [
    { engine: 'a', availableMiB: 3000, neededMiB: 1800, stacks: 3, machine: 'a' },
    { engine: 'b', availableMiB: 1900, neededMiB: 600, stacks: 1, machine: 'b' },
  ]);
  assert.equal(plan.fits, true);
});

test('equal engines take turns, the one named first first; the same input gives the same plan', () => {
  const rooms = [room('a', 5000), room('b', 5000), room('c', 5000)];
  const names = ['s-1', 's-2', 's-3', 's-4', 's-5'];
  assert.deepEqual(where(placeStacks(names, rooms, EACH)), {
    's-1': 'a',
    's-2': 'b',
    's-3': 'c',
    's-4': 'a',
    's-5': 'b',
  });
  assert.deepEqual(placeStacks(names, rooms, EACH), placeStacks(names, rooms, EACH));
});

test('a stack that exists on an engine stays there; a running one costs nothing, a stopped one its memory', () => {
  const rooms = [
    room('a', 5000),
    room('b', 700, [
      { stack: 's-2', running: true },
      { stack: 's-3', running: false },
    ]),
  ];
  const plan = placeStacks(['s-1', 's-2', 's-3'], rooms, EACH);
  assert.deepEqual(where(plan), { 's-1': 'a', 's-2': 'b', 's-3': 'b' });
  assert.deepEqual(
    plan.placements.map((p) => [p.stack, p.existing, p.neededMiB]),
    [
      ['s-1', false, 600],
      ['s-2', true, 0],
      ['s-3', true, 600],
    ],
  );
  // the order of the result is the order of the names, not the order of placing
  assert.deepEqual(
    plan.placements.map((p) => p.stack),
    ['s-1', 's-2', 's-3'],
  );
});

test('existing stacks are counted before new ones are placed', () => {
  // b has more memory, but 'old', stopped there and named after 'new', will take 600 of it
  const rooms = [room('a', 1000), room('b', 1500, [{ stack: 'old', running: false }])];
  assert.deepEqual(where(placeStacks(['new', 'old'], rooms, EACH)), { new: 'a', old: 'b' });
  // a stopped stack not named is not started, so it costs nothing
  assert.deepEqual(where(placeStacks(['new'], rooms, EACH)), { new: 'b' });
});

test('engines on one machine share its memory: counted once, stacks taking turns between them', () => {
  // a and b read their machine's memory a moment apart: the lower reading stands for both
  const rooms = [
    { ...room('a', 2020), machine: 'm1' },
    { ...room('b', 2000), machine: 'm1' },
    { ...room('c', 1300), machine: 'm2' },
  ];
  const plan = placeStacks(['s-1', 's-2', 's-3', 's-4'], rooms, EACH);
  // m1 2000 -> a; m1 1400 vs m2 1300 -> b (fewer stacks than a); m1 800 vs 1300 -> c; m1 800 vs 700 -> a
  assert.deepEqual(where(plan), { 's-1': 'a', 's-2': 'b', 's-3': 'c', 's-4': 'a' });
  assert.equal(plan.fits, true);
  assert.deepEqual(
    plan.loads.map((l) => [l.engine, l.availableMiB, l.neededMiB]),
    [
      ['a', 2000, 1200],
      ['b', 2000, 600],
      ['c', 1300, 600],
    ],
  );
  const over = placeStacks(['s-1', 's-2', 's-3', 's-4'], rooms.slice(0, 2), EACH);
  assert.equal(over.fits, false, 'two engines of one 2000 MiB machine do not hold 2400 MiB');
  const err = refusal(over, EACH, (e) => e);
  assert.match(
    err.message,
    /the engines have a 2000 MiB \(needs 1200\), b the same machine as a \(needs 1200\) available/,
  );
  assert.match(err.next!, /at most 3\b/);
});

test('stacks that do not fit are refused with the numbers of every engine', () => {
  const plan = placeStacks(['t-1', 't-2', 't-3', 't-4'], [room('a', 1300), room('b', 650)], EACH);
  assert.equal(plan.fits, false);
  assert.equal(plan.placements.length, 4, 'with --force they all still have an engine');
  const err = refusal(plan, EACH, (e) => `engine ${e}`);
  assert.ok(err instanceof UserError);
  assert.match(
    err.message,
    /^4 stack\(s\) need about 2400 MiB \(600 MiB each\) but the engines have engine a 1300 MiB \(needs \d+\), engine b 650 MiB \(needs \d+\) available\.$/,
  );
  assert.match(err.next!, /at most 3\b.*add an engine.*--force.*Nothing was created/);
});

test('one engine: the old wording', () => {
  const plan = placeStacks(['t-1', 't-2'], [room('here', 700)], EACH);
  const err = refusal(plan, EACH, () => 'this host');
  assert.equal(err.message, '2 stack(s) need about 1200 MiB (600 MiB each) but this host has 700 MiB available.');
  assert.match(err.next!, /at most 1\b/);
});

test('a stack found on two engines is an error that names both', () => {
  assert.throws(
    () =>
      placeStacks(
        ['x'],
        [room('a', 5000, [{ stack: 'x', running: true }]), room('b', 5000, [{ stack: 'x', running: false }])],
        EACH,
      ),
    /Stack x exists on more than one engine \(a, b\)/,
  );
  assert.throws(() => placeStacks(['x'], [], EACH), /No Docker engine/);
});

test('port blocks: the first one no engine has and this run has not handed out', () => {
  assert.equal(nextPortBase(33092, new Set()), 33092);
  assert.equal(nextPortBase(33092, new Set([33092, 33192, 33392])), 33292);
  assert.equal(nextPortBase(59950, new Set()), undefined);
  const taken = new Set<number>();
  for (let i = 0; i < 4; i++) taken.add(nextPortBase(33092, taken)!);
  assert.deepEqual([...taken], [33092, 33192, 33292, 33392]);
});
