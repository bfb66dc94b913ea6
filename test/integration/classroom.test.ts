// A classroom on one host: three stacks in different lab states graded in one run (every format
// checked against its format), grading that ignores what a student's container says, reset --all
// under a lock, and down --all after `up` was killed at random moments.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as pause } from 'node:timers/promises';
import { execa } from 'execa';
import { z } from 'zod';
import { withAdmin } from '../../src/cluster/kafka.js';
import { cli, cliProcess, docker, dockerExec, expectOk } from './helpers.js';
import { eventually } from '../poll.js';

const STACKS = ['cls-01', 'cls-02', 'cls-03'];
const LAB = 'replicated-topic';
const dir = mkdtempSync(join(tmpdir(), 'kafka-lab-class-'));
const lockDir = mkdtempSync(join(tmpdir(), 'kafka-lab-lock-'));
const bootstrapOf: Record<string, string> = {};

async function kafkaImage(): Promise<string> {
  const r = await cli(['images', 'list', '--json']);
  return JSON.parse(r.stdout).images.find((i: { role: string }) => i.role === 'kafka').image;
}

/** Every Docker resource carrying any kafka-lab stack label. */
async function allLabelled() {
  const filters = { label: ['kafka-lab.stack'] };
  const [c, n, v] = await Promise.all([
    docker.listContainers({ all: true, filters }),
    docker.listNetworks({ filters }),
    docker.listVolumes({ filters }),
  ]);
  return {
    containers: c.map((x) => x.Names[0]),
    networks: n.map((x) => x.Name),
    volumes: (v.Volumes ?? []).map((x) => x.Name),
  };
}

/** RFC 4180: quoted fields may hold commas, CRLF and doubled quotes. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else cell += ch;
    } else if (ch === '"' && cell === '') quoted = true;
    else if (ch === ',') {
      row.push(cell);
      cell = '';
    } else if (ch === '\r' && text[i + 1] === '\n') {
      row.push(cell);
      rows.push(row);
      row = [];
      cell = '';
      i++;
    } else if (ch === '\n') throw new Error(`bare LF in CSV at ${i} (RFC 4180 uses CRLF)`);
    else cell += ch;
  }
  if (cell !== '' || row.length) {
    row.push(cell);
    rows.push(row);
  }
  return rows;
}

// Gradescope's autograder results.json (https://gradescope-autograders.readthedocs.io/en/latest/specs/).
const gradescopeSchema = z.object({
  score: z.number(),
  output: z.string().optional(),
  visibility: z.enum(['hidden', 'after_due_date', 'after_published', 'visible']).optional(),
  tests: z.array(
    z.object({
      name: z.string().min(1),
      score: z.number(),
      max_score: z.number(),
      status: z.enum(['passed', 'failed']).optional(),
      output: z.string().optional(),
      visibility: z.enum(['hidden', 'after_due_date', 'after_published', 'visible']).optional(),
    }),
  ),
});

before(async () => {
  await cli(['down', '--stacks', [...STACKS, 'crash-01', 'crash-02', 'crash-03'].join(',')]);
});
after(async () => {
  for (const n of ['cls-stranger', 'cls-other'])
    await docker
      .getContainer(n)
      .remove({ force: true, v: true })
      .catch(() => {});
  await cli(['down', '--all']);
});

test('up --stacks refuses a room that does not fit in memory, with the numbers, and creates nothing', async () => {
  const r = await cli(['up', '--stacks', 'big-001..big-150']);
  assert.equal(r.exitCode, 3, r.stderr);
  assert.match(r.stderr, /150 stack\(s\) need about \d+ MiB \(\d+ MiB each\) but this host has \d+ MiB available/);
  assert.match(r.stderr, /--force/);
  assert.deepEqual(
    (await allLabelled()).containers.filter((n) => n.startsWith('/big-')),
    [],
  );
});

test('bad stack lists are refused before anything starts', async () => {
  for (const [arg, message] of [
    ['team-05..team-01', /counts down/],
    ['Team-01', /not valid/],
    ['a,b,a', /named twice/],
  ] as const) {
    const r = await cli(['up', '--stacks', arg]);
    assert.equal(r.exitCode, 2, `${arg}: ${r.stderr}`);
    assert.match(r.stderr, message);
  }
  const file = join(dir, 'names.txt');
  writeFileSync(file, 'team-01\n# a comment\nBad Name\n');
  const r = await cli(['up', '--stacks-file', file]);
  assert.equal(r.exitCode, 2);
  assert.match(r.stderr, new RegExp(`${file}:3:1: Stack name 'Bad Name' is not valid`));
});

test('three isolated stacks come up side by side, each with its own network, names and ports', async () => {
  const r = await cli(['up', '--stacks', 'cls-01..cls-03', '--port-base', '30092', '--json']);
  expectOk(r, 'up --stacks');
  const outcomes = JSON.parse(r.stdout) as { stack: string; ok: boolean; bootstrap: string }[];
  assert.deepEqual(
    outcomes.map((o) => [o.stack, o.ok]),
    STACKS.map((s) => [s, true]),
  );
  assert.equal(new Set(outcomes.map((o) => o.bootstrap)).size, 3);
  const listed = JSON.parse((await cli(['stacks', '--json'])).stdout) as {
    stack: string;
    state: string;
    bootstrap: string;
    memoryMiB: number;
    networks: string[];
  }[];
  for (const o of outcomes) {
    bootstrapOf[o.stack] = o.bootstrap;
    const row = listed.find((s) => s.stack === o.stack)!;
    assert.equal(row.state, 'running');
    assert.equal(row.bootstrap, o.bootstrap);
    assert.deepEqual(row.networks, [`kafka-lab-${o.stack}`]);
    assert.ok(row.memoryMiB > 200, `memory of ${o.stack}: ${row.memoryMiB}`);
    const status = JSON.parse((await cli(['status', '--stack', o.stack, '--json'])).stdout);
    assert.equal(status.bootstrap, o.bootstrap);
    assert.equal(status.brokers.length, 3);
  }
  assert.equal(bootstrapOf['cls-02'], '127.0.0.1:30192,127.0.0.1:30193,127.0.0.1:30194');
});

test('one run grades students in different lab states, local and remote, and reports the unreachable', async () => {
  expectOk(await cli(['solve', LAB, '--stack', 'cls-01', '--quiet']), 'solve on cls-01');
  expectOk(await cli(['solve', LAB, 'create-topics', '--stack', 'cls-02', '--quiet']), 'first step on cls-02');
  const roster = join(dir, 'roster.yaml');
  writeFileSync(
    roster,
    [
      'students:',
      '  - { id: alice, stack: cls-01 }',
      '  - { id: bob, stack: cls-02 }',
      '  - { id: carol, stack: cls-03 }',
      `  - { id: dave, bootstrap: "${bootstrapOf['cls-01']}" }`,
      '  - { id: eve, stack: cls-99 }',
      '  - { id: "=frank, the unreachable", bootstrap: "127.0.0.1:1" }',
      '',
    ].join('\n'),
  );
  const r = await cli(['grade', LAB, '--roster', roster, '--format', 'json']);
  assert.equal(r.exitCode, 1, r.stderr);
  const batch = JSON.parse(r.stdout) as {
    rubricVersion: string;
    results: {
      student: string;
      grade?: { earned: number; possible: number; evidence: { canaries: { readBack: boolean | null }[] } };
      error?: string;
    }[];
  };
  const by = Object.fromEntries(batch.results.map((x) => [x.student, x]));
  // What failed, what the snapshot could not learn, and the canaries: short enough to survive a CI log.
  const why = (s: string) => {
    const g = by[s]?.grade as unknown as
      | {
          items: { results: { pass: boolean; message: string }[] }[];
          evidence: { unknown: string[]; canaries: unknown[] };
        }
      | undefined;
    if (!g) return JSON.stringify(by[s]);
    return JSON.stringify({
      failing: g.items.flatMap((i) => i.results.filter((r) => !r.pass).map((r) => r.message)),
      unknown: g.evidence.unknown,
      canaries: g.evidence.canaries,
    });
  };
  assert.equal(by.alice!.grade!.earned, 100, why('alice'));
  assert.equal(by.bob!.grade!.earned, 75, why('bob'));
  assert.equal(by.carol!.grade!.earned, 15, why('carol'));
  assert.equal(by.dave!.grade!.earned, 100, `the same cluster graded remotely, through Kafka only: ${why('dave')}`);
  assert.match(by.eve!.error!, /Stack 'cls-99' does not exist/);
  assert.match(by['=frank, the unreachable']!.error!, /No broker answered at 127\.0\.0\.1:1/);
  assert.match(batch.rubricVersion, /^[0-9a-f]{12}$/);
  assert.deepEqual(
    by.alice!.grade!.evidence.canaries.map((c) => c.readBack),
    [true],
  );

  // CSV: one row per student, a column per rubric item, totals equal to the JSON's.
  const csvFile = join(dir, 'grades.csv');
  await cli(['grade', LAB, '--roster', roster, '--format', 'csv', '--out', csvFile]);
  const rows = parseCsv(readFileSync(csvFile, 'utf8'));
  assert.deepEqual(rows[0], [
    'student',
    'target',
    'topics',
    'messages',
    'broker-back',
    'in-sync',
    'leaders',
    'total',
    'possible',
    'error',
  ]);
  assert.equal(rows.length, 7);
  assert.ok(rows.every((row) => row.length === rows[0]!.length));
  const total = Object.fromEntries(rows.slice(1).map((row) => [row[0], Number(row[7])]));
  assert.deepEqual([total.alice, total.bob, total.carol, total.dave, total.eve], [100, 75, 15, 100, 0]);
  assert.equal(total["'=frank, the unreachable"], 0, 'a cell starting with = is defused');

  // JUnit: valid against the schema CI servers read, one suite per student, failures counted.
  const xml = join(dir, 'grades.xml');
  await cli(['grade', LAB, '--roster', roster, '--format', 'junit', '--out', xml]);
  const lint = await execa(
    'xmllint',
    ['--noout', '--schema', new URL('../../../test/fixtures/junit.xsd', import.meta.url).pathname, xml],
    { reject: false },
  );
  assert.equal(lint.exitCode, 0, lint.stderr);
  const text = readFileSync(xml, 'utf8');
  assert.equal(text.match(/<testsuite /g)!.length, 6);
  assert.match(text, /<testsuite name="alice" tests="5" failures="0"/);
  assert.match(text, /<testsuite name="bob" tests="5" failures="1"/);

  // Gradescope: results.json per student in Gradescope's shape; hidden items only after publishing.
  const gs = join(dir, 'gradescope');
  await cli(['grade', LAB, '--roster', roster, '--format', 'gradescope', '--out', gs]);
  const bob = gradescopeSchema.parse(JSON.parse(readFileSync(join(gs, 'bob'), 'utf8')));
  assert.equal(bob.score, 75);
  assert.equal(
    bob.tests.reduce((a, t) => a + t.score, 0),
    bob.score,
  );
  assert.ok(bob.tests.some((t) => t.visibility === 'after_published'));
  assert.equal(readdirSync(gs).length, 6);

  // Markdown: a feedback file per student saying what was expected and what was found.
  const md = join(dir, 'feedback');
  await cli(['grade', LAB, '--roster', roster, '--format', 'markdown', '--out', md]);
  assert.match(readFileSync(join(md, 'bob.md'), 'utf8'), /expected purchases to hold 13 messages; missing 13/);
});

test('grade --all grades every stack on the host', async () => {
  const r = await cli(['grade', LAB, '--all', '--json']);
  const batch = JSON.parse(r.stdout) as { results: { student: string; grade: { earned: number } }[] };
  const earned = Object.fromEntries(batch.results.map((x) => [x.student, x.grade.earned]));
  assert.deepEqual([earned['cls-01'], earned['cls-02'], earned['cls-03']], [100, 75, 15]);
});

test('a grade taken while leaders move back to a returned broker is the same grade', async () => {
  // Broker 2 stops and comes back, leading nothing until a preferred-leader election, which runs here
  // in the middle of the grade (as the brokers' own 30 s check would in class), at three moments.
  const kafka2 = docker.getContainer('cls-01-kafka-2');
  for (const delayMs of [100, 400, 900]) {
    await kafka2.stop();
    await kafka2.start();
    await eventually('broker 2 to catch up', 60_000, async () => {
      const d = await dockerExec('cls-01-kafka-1', [
        'kafka-topics',
        '--bootstrap-server',
        'kafka-1:19092',
        '--describe',
        '--under-replicated-partitions',
      ]);
      if (d.exitCode === 0 && d.stdout.trim() === '') return true;
      throw new Error(`${d.stdout.slice(0, 300)}${d.stderr.slice(0, 300)}`);
    });
    const grade = cli(['grade', LAB, '--stack', 'cls-01', '--json']);
    await pause(delayMs);
    const election = await dockerExec('cls-01-kafka-1', [
      'kafka-leader-election',
      '--bootstrap-server',
      'kafka-1:19092',
      '--election-type',
      'PREFERRED',
      '--all-topic-partitions',
    ]);
    const g = JSON.parse((await grade).stdout);
    const said = `election ${delayMs} ms into the grade: ${election.stdout.slice(0, 80)}…; unknown: ${JSON.stringify(g.evidence.unknown)}`;
    assert.equal(g.earned, 100, said);
    assert.deepEqual(
      g.evidence.canaries.map((c: { readBack: boolean }) => c.readBack),
      [true],
      said,
    );
  }
});

test("the grade does not change when a student's containers lie about themselves", async () => {
  const before = JSON.parse((await cli(['grade', LAB, '--stack', 'cls-02', '--json'])).stdout);
  // kcat in the student's stack now prints every value the rubric wants, for any topic.
  const liar = `#!/bin/sh\nprintf '%s\\n' purchase1 purchase2 purchase3 purchase4 purchase5 alice-1 sam-1 zoe-1 alice-2 sam-2 zoe-2 purchase6 purchase7\n`;
  assert.equal((await dockerExec('cls-02-kcat', ['sh', '-c', 'cat > /usr/bin/kcat'], liar)).exitCode, 0);
  assert.equal(
    (
      await dockerExec('cls-02-kafka-1', [
        'sh',
        '-c',
        'echo "broker.id=7" > /etc/kafka/kafka.properties; echo all-good > /tmp/grade',
      ])
    ).exitCode,
    0,
  );
  const afterGrade = JSON.parse((await cli(['grade', LAB, '--stack', 'cls-02', '--json'])).stdout);
  assert.equal(afterGrade.earned, before.earned);
  assert.equal(afterGrade.earned, 75);
  assert.deepEqual(
    afterGrade.evidence.canaries.map((c: { readBack: boolean }) => c.readBack),
    [true],
  );
});

test('reset --all empties every stack under a lock, and leaves other containers alone', async () => {
  const image = await kafkaImage();
  const stranger = await docker.createContainer({
    name: 'cls-stranger',
    Image: image,
    Entrypoint: ['sleep', 'infinity'],
  });
  const other = await docker.createContainer({
    name: 'cls-other',
    Image: image,
    Entrypoint: ['sleep', 'infinity'],
    Labels: { 'com.docker.compose.project': 'cls-01', 'other-tool.stack': 'cls-01' },
  });
  await stranger.start();
  await other.start();
  const env = { KAFKA_LAB_LOCK_DIR: lockDir };
  const all = cli(['reset', '--all', '--json'], env);
  const lock = join(lockDir, 'kafka-lab-reset.lock');
  await eventually('reset --all to take its lock', 10_000, async () => (existsSync(lock) ? true : undefined), {
    intervalMs: 100,
  });
  const second = await cli(['reset', '--stack', 'cls-01'], env);
  assert.equal(second.exitCode, 3, second.stderr);
  assert.match(second.stderr, /Another kafka-lab is already doing 'reset --all' on this host \(pid \d+/);
  const r = await all;
  expectOk(r, 'reset --all');
  assert.equal(existsSync(lock), false, 'the lock is released');
  const outcomes = JSON.parse(r.stdout) as { stack: string; ok: boolean }[];
  assert.deepEqual(
    outcomes.filter((o) => STACKS.includes(o.stack)).map((o) => o.ok),
    [true, true, true],
  );
  for (const s of STACKS) {
    const topics = await withAdmin(bootstrapOf[s]!, (a) => a.listTopics());
    assert.deepEqual(
      topics.filter((t) => !t.startsWith('__')),
      [],
      `${s} after reset`,
    );
    expectOk(await cli(['status', '--stack', s]), `status ${s}`);
  }
  assert.equal((await stranger.inspect()).State.Running, true);
  assert.equal((await other.inspect()).State.Running, true);
});

test('killing up at random moments of a multi-stack run, then down --all, leaves nothing labelled', async () => {
  const moments: string[] = [];
  const args = ['up', '--stacks', 'crash-01..crash-03', '--port-base', '30592', '--parallel', '3'];
  for (let round = 0; round < 3; round++) {
    const child = cliProcess(args);
    const at = 300 + Math.floor(Math.random() * 9000);
    moments.push(`${at} ms`);
    await pause(at);
    child.kill('SIGKILL');
    await child;
  }
  // and once in the middle of creating: as soon as the first container of a new stack exists
  await cli(['down', '--stacks', 'crash-02']);
  const child = cliProcess(args);
  await eventually(
    'crash-02-zookeeper to be created',
    60_000,
    async () => ((await allLabelled()).containers.includes('/crash-02-zookeeper') ? true : undefined),
    { intervalMs: 50 },
  );
  child.kill('SIGKILL');
  await child;
  moments.push('crash-02-zookeeper created');
  const left = await allLabelled();
  assert.ok(
    left.containers.some((n) => n.startsWith('/crash-')),
    `the kills (${moments.join(', ')}) left something to clean`,
  );
  const r = await cli(['down', '--all']);
  expectOk(r, 'down --all');
  assert.deepEqual(
    await allLabelled(),
    { containers: [], networks: [], volumes: [] },
    `after kills at ${moments.join(', ')}`,
  );
  assert.equal((await docker.getContainer('cls-stranger').inspect()).State.Running, true);
  assert.match((await cli(['stacks'])).stdout, /No kafka-lab stacks/);
});
