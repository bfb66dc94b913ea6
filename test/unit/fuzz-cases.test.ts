// The inputs with which the fuzz test (fuzz.test.ts) found bugs, kept as fixed cases: each one failed
// before its fix. The seeds are those of test/fuzz.ts's generators at the time.
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { test } from 'node:test';
import { UserError } from '../../src/core/errors.js';
import { openLab } from '../../src/lab/tracks.js';
import { parseLab } from '../../src/lab/load.js';
import { parseRoster } from '../../src/grading/roster.js';
import { labWithSolution } from '../fuzz.js';

/** A labs folder with the real labs and this course file. */
function labsWith(tracks: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'kafka-lab-fuzz-case-'));
  for (const f of readdirSync('labs')) if (f !== 'tracks.yaml') symlinkSync(resolve('labs', f), join(dir, f));
  writeFileSync(join(dir, 'tracks.yaml'), tracks);
  return dir;
}

// Seed -1316692666 (path 119:4:23:19:19): a track parameter of the wrong kind was refused as
// "track workshop (labs/tracks.yaml): 'topic' must be ...", without line and column, and naming
// labs/tracks.yaml whatever the folder.
test('a bad track parameter is refused with the course file, line and column', async () => {
  const dir = labsWith(
    [
      'course: [single-broker, consumer-groups]',
      'tracks:',
      '  - id: workshop',
      '    title: Workshop',
      '    about: The workshop.',
      '    params:',
      '      topic: false',
      '    labs:',
      '      - lab: consumer-groups',
      '        params: { group: "no spaces allowed" }',
      '',
    ].join('\n'),
  );
  await assert.rejects(openLab(dir, 'workshop/consumer-groups'), (err: Error) => {
    assert.ok(err instanceof UserError);
    assert.match(err.message, new RegExp(`^${join(dir, 'tracks.yaml')}:7:7: track workshop: 'topic' must be a name`));
    return true;
  });
  const fixed = labsWith(
    [
      'course: [single-broker, consumer-groups]',
      'tracks:',
      '  - id: workshop',
      '    title: Workshop',
      '    about: The workshop.',
      '    labs:',
      '      - lab: consumer-groups',
      '        params: { group: "no spaces allowed" }',
      '',
    ].join('\n'),
  );
  await assert.rejects(openLab(fixed, 'workshop/consumer-groups'), (err: Error) => {
    assert.match(
      err.message,
      new RegExp(`^${join(fixed, 'tracks.yaml')}:8:17: track workshop, lab consumer-groups: 'group'`),
    );
    return true;
  });
});

// Found by the generator's deep nesting past the suite's sizes (20 000 levels): the refusal was
// "labs/x.yaml:1:788: Maximum call stack size exceeded", the engine's words.
test('YAML nested thousands of levels deep is refused in plain words, with file:line:column', () => {
  for (const text of ['['.repeat(20_000) + ']'.repeat(20_000), `${'{a: '.repeat(20_000)}1${'}'.repeat(20_000)}`]) {
    assert.throws(
      () => parseLab('labs/x.yaml', text),
      (err: Error) =>
        err instanceof UserError &&
        /^labs\/x\.yaml:\d+:\d+: collections are nested more than 100 levels deep/.test(err.message),
    );
    assert.throws(
      () => parseRoster('roster.yaml', `students: ${text}`),
      (err: Error) =>
        err instanceof UserError &&
        /^roster\.yaml:\d+:\d+: collections are nested more than 100 levels deep/.test(err.message),
    );
  }
});

// bench/fuzz.js, seed 1531978278 (path 3989:0:0:2): the loader checked the words before rendering, and
// {{stack-flag}} renders to nothing on the default stack, so this ran `docker exec kafka-1` with no command.
test('a solution command with {{stack-flag}} is refused: its words change when rendered', () => {
  const lab = (run: string) => labWithSolution([run]);
  assert.throws(
    () => parseLab('labs/fuzz-lab.yaml', lab('docker exec {{kafka-1}} {{stack-flag}}')),
    (err: Error) =>
      err instanceof UserError && /^labs\/fuzz-lab\.yaml:10:14: \{\{stack-flag\}\} is for kafka-lab/.test(err.message),
  );
  assert.equal(parseLab('labs/fuzz-lab.yaml', lab('docker exec {{kafka-1}} kafka-topics --list')).steps.length, 1);
});

// bench/fuzz.js (the labs' structure mutants, then the text mutants): a key that is a list, a map or a
// `!!binary` value was taken as its text ('[ one, two ]', 'hello'), with a warning of the yaml package on
// stderr.
test('a key that is a list, a map or a tagged value is refused with file:line:column', () => {
  for (const [text, at] of [
    ['id: x\n? [one, two]\n: x\n', '2:3'],
    ['id: x\nsteps: [{[a]: 1}]\n', '2:10'],
    ['id: x\n? !!binary aGVsbG8=\n: 1\n', '2:12'],
  ] as const)
    assert.throws(
      () => parseLab('labs/x.yaml', text),
      (err: Error) =>
        err instanceof UserError &&
        err.message === `labs/x.yaml:${at}: a key must be plain text, not a list, a map or a tagged value`,
    );
});

// bench/fuzz.js, seed -399451653 (path 51:9:7:16): a track naming a lab that does not exist was
// accepted by the course reader, and opening it said only "There is no lab 'workshop/topic-a'".
test('a course file naming a lab that does not exist is refused at that line', async () => {
  const dir = labsWith(
    [
      'course: [single-broker]',
      'tracks:',
      '  - id: workshop',
      '    title: Workshop',
      '    about: The workshop.',
      '    labs: [consumer-groups, topic-a]',
      '',
    ].join('\n'),
  );
  await assert.rejects(openLab(dir, 'workshop/consumer-groups'), (err: Error) => {
    assert.ok(err instanceof UserError);
    assert.match(err.message, new RegExp(`^${join(dir, 'tracks.yaml')}:6:29: there is no lab 'topic-a'`));
    return true;
  });
});
