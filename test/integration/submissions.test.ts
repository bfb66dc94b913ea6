// Students on their own machines: a lab done on stack sub-1, `submit` writes the file, and with the
// stack gone `grade --submissions` gives the points the live grade gave. Edited files and files for
// another lab are reported as such; every format has output. Then the Gradescope autograder, run in a
// sandbox laid out as Gradescope lays out /autograder, with no Node on PATH.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { z } from 'zod';
import type { Submission } from '../../src/core/submission.js';
import { sealSubmission } from '../../src/grading/submission.js';
import { cli as run, expectOk, labelled } from './helpers.js';

const STACK = 'sub-1';
const LAB = 'replicated-topic';
const dir = mkdtempSync(join(tmpdir(), 'kafka-lab-submissions-'));
const env = { KAFKA_LAB_STATE: join(dir, 'state') };
const cli = (args: string[]) => run(args, env);
const files = join(dir, 'files');
mkdirSync(files);
const alice = join(files, 'alice.json');

interface ItemGrade {
  id: string;
  earned: number;
  points: number;
}
interface GradeJson {
  earned: number;
  possible: number;
  items: ItemGrade[];
  submitted?: { labVersionMatches: boolean; clusterId: string | null };
}
interface BatchJson {
  results: { student: string; target: string; grade?: GradeJson; error?: string }[];
}
let live: GradeJson;

// Gradescope's results.json (gradescope-autograders.readthedocs.io/en/latest/specs/, "Output format").
const visibility = z.enum(['hidden', 'after_due_date', 'after_published', 'visible']);
const resultsSchema = z.strictObject({
  score: z.number().optional(),
  execution_time: z.number().optional(),
  output: z.string().optional(),
  visibility: visibility.optional(),
  stdout_visibility: visibility.optional(),
  extra_data: z.record(z.string(), z.unknown()).optional(),
  tests: z
    .array(
      z.strictObject({
        name: z.string().min(1),
        score: z.number().optional(),
        max_score: z.number().optional(),
        status: z.enum(['passed', 'failed']).optional(),
        number: z.string().optional(),
        output: z.string().optional(),
        tags: z.array(z.string()).optional(),
        visibility: visibility.optional(),
        extra_data: z.record(z.string(), z.unknown()).optional(),
      }),
    )
    .optional(),
});

before(async () => {
  await cli(['down', '--stack', STACK, '--volumes']);
  expectOk(await cli(['up', '--stack', STACK, '--images', 'local', '--port-base', '31092']), 'up');
  expectOk(await cli(['solve', LAB, '--stack', STACK, '--quiet']), 'solve');
});
after(async () => {
  await cli(['down', '--stack', STACK, '--volumes']);
  rmSync(dir, { recursive: true, force: true });
});

test('submit says what to do when the stack is missing or the student id cannot be one', async () => {
  const missing = await cli(['submit', LAB, '--stack', 'sub-nope', '--out', join(dir, 'nope.json')]);
  assert.equal(missing.exitCode, 3, missing.stderr);
  assert.match(missing.stderr, /Stack 'sub-nope' does not exist/);
  assert.match(missing.stderr, /kafka-lab up --stack sub-nope/);
  const bad = await cli(['submit', LAB, '--stack', STACK, '--student', '../x']);
  assert.equal(bad.exitCode, 2, bad.stderr);
  assert.match(bad.stderr, /--student ID/);
  assert.equal(existsSync(join(dir, 'nope.json')), false);
});

test('submit writes everything the rubric needs, hidden items included, read with the canaries', async () => {
  const g = await cli(['grade', LAB, '--stack', STACK, '--json']);
  expectOk(g, 'live grade');
  live = JSON.parse(g.stdout) as GradeJson;
  assert.equal(live.earned, live.possible);

  const r = await cli(['submit', LAB, '--stack', STACK, '--student', 'alice', '--out', alice, '--json']);
  expectOk(r, 'submit');
  assert.match(r.stderr, /Writing a canary to purchases/);
  const said = JSON.parse(r.stdout) as { file: string; digest: string };
  assert.equal(said.file, alice);
  const sub = JSON.parse(readFileSync(alice, 'utf8')) as Submission;
  assert.equal(sub.digest, said.digest);
  assert.equal(sub.student, 'alice');
  assert.equal(sub.lab.id, LAB);
  assert.match(sub.lab.version, /^[0-9a-f]{12}$/);
  assert.match(sub.rubric.version, /^[0-9a-f]{12}$/);
  assert.deepEqual(sub.cluster.brokers, [1, 2, 3]);
  assert.ok(sub.cluster.id && sub.cluster.id.length > 10, String(sub.cluster.id));
  // The hidden items (in-sync, leaders) read both topics' partitions; the messages item reads purchases.
  assert.deepEqual(Object.keys(sub.snapshot.topics).sort(), ['my-failsafe-topic', 'purchases']);
  assert.equal(sub.snapshot.topics['my-failsafe-topic']!.partitions.length, 13);
  assert.equal(sub.snapshot.messages.purchases!.length, 13);
  assert.ok(!sub.snapshot.messages.purchases!.some((m) => m.value.startsWith('kafka-lab-canary-')));
  assert.deepEqual(
    sub.canaries.map((c) => [c.topic, c.readBack]),
    [['purchases', true]],
  );
  assert.equal(Object.keys(sub.progress.steps).length, 8);
  for (const s of Object.values(sub.progress.steps)) assert.ok(s.atMs > 0 && s.status === 'passed');
  assert.ok(sub.progress.baseline, 'the lab start is recorded');
});

test('with a broker down, submit still writes the cluster as it read it', async () => {
  expectOk(await cli(['fault', 'stop', 'kafka-2', '--stack', STACK]), 'fault stop');
  try {
    const down = join(dir, 'down.json');
    const r = await cli(['submit', LAB, '--stack', STACK, '--student', 'dana', '--out', down]);
    expectOk(r, 'submit with kafka-2 stopped');
    const sub = JSON.parse(readFileSync(down, 'utf8')) as Submission;
    assert.deepEqual(sub.cluster.brokers, [1, 3]);
    assert.equal(sub.snapshot.containers.find((c) => c.brokerId === 2)?.state, 'exited');
    assert.ok(Array.isArray(sub.snapshot.gaps));
    const g = await cli(['grade', LAB, '--submissions', down, '--json']);
    const got = (JSON.parse(g.stdout) as BatchJson).results[0]!.grade!;
    assert.equal(got.items.find((i) => i.id === 'broker-back')!.earned, 0);
    assert.ok(got.earned < live.earned);
  } finally {
    expectOk(await cli(['heal', '--stack', STACK]), 'heal');
  }
});

test('with the stack gone, the file grades to the same points; edited and other-lab copies are reported', async () => {
  // With no broker up there is nothing to submit: said, and no file.
  for (const b of ['kafka-1', 'kafka-2', 'kafka-3']) expectOk(await cli(['fault', 'stop', b, '--stack', STACK]), b);
  const none = await cli(['submit', LAB, '--stack', STACK, '--out', join(dir, 'none.json')]);
  assert.equal(none.exitCode, 3, none.stderr);
  assert.match(none.stderr, /No broker answered at .*nothing to submit/);
  assert.match(none.stderr, /kafka-lab heal --stack sub-1/);
  assert.equal(existsSync(join(dir, 'none.json')), false);

  expectOk(await cli(['down', '--stack', STACK, '--volumes']), 'down');
  assert.deepEqual((await labelled(STACK)).containers, []);

  const one = await cli(['grade', LAB, '--submissions', alice, '--json']);
  expectOk(one, 'grade the submission');
  const got = (JSON.parse(one.stdout) as BatchJson).results[0]!;
  assert.equal(got.student, 'alice');
  assert.equal(got.grade!.earned, live.earned);
  assert.deepEqual(
    got.grade!.items.map((i) => [i.id, i.earned]),
    live.items.map((i) => [i.id, i.earned]),
  );
  assert.equal(got.grade!.submitted!.labVersionMatches, true);

  const sub = JSON.parse(readFileSync(alice, 'utf8')) as Submission;
  const edited = structuredClone(sub);
  edited.student = 'eve';
  edited.snapshot.messages.purchases!.splice(0, 2);
  writeFileSync(join(files, 'edited.json'), JSON.stringify(edited));
  const { digest: _d, ...rest } = structuredClone(sub);
  const other = sealSubmission({
    ...rest,
    student: 'olga',
    lab: { ...sub.lab, id: 'consumer-groups', ref: 'consumer-groups' },
  });
  writeFileSync(join(files, 'other-lab.json'), JSON.stringify(other));
  writeFileSync(join(files, 'broken.json'), '{"format": "kafka-lab-submission", ');
  writeFileSync(join(files, 'notes.txt'), 'not a submission');

  const all = await cli(['grade', LAB, '--submissions', files, '--json']);
  assert.equal(all.exitCode, 1, all.stderr);
  const by = Object.fromEntries((JSON.parse(all.stdout) as BatchJson).results.map((r) => [r.student, r]));
  assert.deepEqual(Object.keys(by).sort(), ['alice', 'broken.json', 'eve', 'olga']);
  assert.equal(by.alice!.grade!.earned, live.earned);
  assert.match(by.eve!.error!, /edited\.json is not graded: the file was edited after kafka-lab wrote it/);
  assert.match(
    by.olga!.error!,
    /other-lab\.json is not graded: it is a submission for lab 'consumer-groups', not 'replicated-topic'/,
  );
  assert.match(by['broken.json']!.error!, /broken\.json is not usable: not JSON/);
  for (const r of Object.values(by)) assert.ok(r.error === undefined || r.error.split('\n').length <= 2);

  // Comma-separated and repeated files, in every format.
  const list = [`${alice},${join(files, 'edited.json')}`, join(files, 'other-lab.json')];
  const table = await cli(['grade', LAB, ...list.flatMap((f) => ['--submissions', f])]);
  assert.equal(table.exitCode, 1);
  assert.match(table.stdout, new RegExp(`alice\\s+${live.earned}/${live.possible}\\s+all items pass`));
  assert.match(table.stdout, /eve\s+0\/100\s+not graded: .*edited/);
  for (const format of ['csv', 'junit']) {
    const out = join(dir, `report.${format}`);
    const r = await cli(['grade', LAB, '--submissions', files, '--format', format, '--out', out]);
    assert.equal(r.exitCode, 1, r.stderr);
    const text = readFileSync(out, 'utf8');
    assert.match(text, /alice/);
    assert.match(text, /olga/);
  }
  assert.equal(readFileSync(join(dir, 'report.csv'), 'utf8').trimEnd().split('\r\n').length, 5);
  for (const format of ['markdown', 'gradescope']) {
    const out = join(dir, format);
    const r = await cli(['grade', LAB, '--submissions', files, '--format', format, '--out', out]);
    assert.equal(r.exitCode, 1, r.stderr);
    assert.deepEqual(readdirSync(out).sort().length, 4, readdirSync(out).join(' '));
  }
  assert.match(
    readFileSync(join(dir, 'markdown', 'alice.md'), 'utf8'),
    new RegExp(`Total: ${live.earned} / ${live.possible}`),
  );
  const gs = resultsSchema.parse(JSON.parse(readFileSync(join(dir, 'gradescope', 'alice'), 'utf8')));
  assert.equal(gs.score, live.earned);
});

/** A folder of links to the tools the scripts use, so PATH has no node. */
function pathWithoutNode(): string {
  const bin = join(dir, 'bin');
  mkdirSync(bin, { recursive: true });
  for (const tool of ['bash', 'sh', 'tar', 'gzip', 'mkdir', 'rm', 'chmod', 'cat', 'cp', 'dirname']) {
    const at = execFileSync('bash', ['-c', `command -v ${tool}`], { encoding: 'utf8' }).trim();
    symlinkSync(at, join(bin, tool));
  }
  return bin;
}

test('the Gradescope autograder: setup.sh with Node from the zip, run_autograder grades the upload', async () => {
  const zipFile = join(dir, 'autograder.zip');
  const made = await cli(['gradescope', LAB, '--out', zipFile, '--with-node', '--json']);
  expectOk(made, 'gradescope');
  assert.deepEqual((JSON.parse(made.stdout) as { entries: string[] }).entries, [
    'setup.sh',
    'run_autograder',
    'kafka-lab.tgz',
    'node/bin/node',
  ]);
  // /autograder as Gradescope lays it out: source = the zip's contents, submission = the upload.
  const root = join(dir, 'autograder');
  for (const d of ['source', 'submission', 'results']) mkdirSync(join(root, d), { recursive: true });
  execFileSync('unzip', ['-q', zipFile, '-d', join(root, 'source')]);
  copyFileSync(alice, join(root, 'submission', 'replicated-topic-sub-1-submission.json'));
  const PATH = pathWithoutNode();
  const noNode = await execa('bash', ['-c', 'command -v node'], { env: { PATH }, extendEnv: false, reject: false });
  assert.notEqual(noNode.exitCode, 0, 'PATH must hold no node');

  const sandbox = { PATH, HOME: root, AUTOGRADER_ROOT: root };
  const setup = await execa('bash', [join(root, 'source', 'setup.sh')], {
    env: sandbox,
    extendEnv: false,
    cwd: root,
    reject: false,
  });
  assert.equal(setup.exitCode, 0, `${setup.stdout}\n${setup.stderr}`);
  assert.match(setup.stdout, /Node from the zip/);
  assert.equal(
    readFileSync(join(root, 'kafka-lab', 'node-path'), 'utf8').trim(),
    join(root, 'source', 'node', 'bin', 'node'),
  );

  copyFileSync(join(root, 'source', 'run_autograder'), join(root, 'run_autograder'));
  const grade = await execa(join(root, 'run_autograder'), [], {
    env: sandbox,
    extendEnv: false,
    cwd: root,
    reject: false,
  });
  assert.equal(grade.exitCode, 0, `${grade.stdout}\n${grade.stderr}`);
  const results = resultsSchema.parse(JSON.parse(readFileSync(join(root, 'results', 'results.json'), 'utf8')));
  assert.equal(results.score, live.earned);
  assert.equal(results.tests!.length, live.items.length);
  assert.deepEqual(
    results.tests!.map((t) => t.score),
    live.items.map((i) => i.earned),
  );
  assert.ok(
    results.tests!.some((t) => t.visibility === 'after_published'),
    'hidden items wait for publishing',
  );

  // An upload of two files, and an edited one, still give a results.json that says why.
  copyFileSync(join(files, 'edited.json'), join(root, 'submission', 'second.json'));
  const two = await execa(join(root, 'run_autograder'), [], {
    env: sandbox,
    extendEnv: false,
    cwd: root,
    reject: false,
  });
  assert.equal(two.exitCode, 0, two.stderr);
  const twice = resultsSchema.parse(JSON.parse(readFileSync(join(root, 'results', 'results.json'), 'utf8')));
  assert.equal(twice.score, 0);
  assert.match(twice.output!, /upload exactly one/);
});
