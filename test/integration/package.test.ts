// The npm package as a user gets it: `npm pack` in a clean copy of this tree (no node_modules, no dist:
// prepack installs and builds), installed into a fresh prefix with no registry, then the installed
// `kafka-lab` run from a directory outside the repository against one real stack.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';
import { cli, dockerExec } from './helpers.js';

const STACK = 'pkg-it';
const PORT_BASE = '30492';
const LAB = 'replicated-topic';
const repo = fileURLToPath(new URL('../../..', import.meta.url));
const work = mkdtempSync(join(tmpdir(), 'kafka-lab-package-'));
const clone = join(work, 'clone');
const packed = join(work, 'packed');
const prefix = join(work, 'prefix');
const outside = join(work, 'elsewhere');
let tarball = '';
let files: string[] = [];
let packedManifest: { dependencies?: Record<string, string> } = {};

/** The installed command, from a directory outside the repository, as a user runs it. */
async function installed(args: string[]) {
  const r = await execa(join(prefix, 'bin', 'kafka-lab'), args, {
    cwd: outside,
    reject: false,
    timeout: 300_000,
    env: { CI: '1', PATH: `${join(prefix, 'bin')}:${process.env.PATH ?? ''}` },
  });
  return { exitCode: r.exitCode ?? -1, stdout: r.stdout, stderr: r.stderr };
}

function ok(r: { exitCode: number; stdout: string; stderr: string }, what: string) {
  assert.equal(r.exitCode, 0, `${what} exited ${r.exitCode}\nstdout:\n${r.stdout}\nstderr:\n${r.stderr}`);
}

before(async () => {
  await cli(['down', '--stack', STACK, '--volumes']);
  // A clean clone of the working tree as it is (uncommitted changes included): git's files only.
  const listed = await execa('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], { cwd: repo });
  for (const file of listed.stdout.split('\0')) {
    if (!file || /^(node_modules|dist)(\/|$)/.test(file) || !existsSync(join(repo, file))) continue;
    mkdirSync(dirname(join(clone, file)), { recursive: true });
    copyFileSync(join(repo, file), join(clone, file));
  }
  mkdirSync(packed);
  mkdirSync(outside);
  assert.equal(existsSync(join(clone, 'dist')), false);
  const pack = await execa('npm', ['pack', '--json', '--pack-destination', packed], {
    cwd: clone,
    reject: false,
    env: { npm_config_prefer_offline: 'true', npm_config_audit: 'false', npm_config_fund: 'false' },
  });
  assert.equal(pack.exitCode, 0, `npm pack failed:\n${pack.stderr}`);
  const [result] = JSON.parse(pack.stdout) as [{ filename: string; files: { path: string }[] }];
  tarball = join(packed, result.filename);
  files = result.files.map((f) => f.path);
  packedManifest = JSON.parse(readFileSync(join(clone, 'package.json'), 'utf8')) as typeof packedManifest;
});

after(async () => {
  await cli(['down', '--stack', STACK, '--volumes']);
  rmSync(work, { recursive: true, force: true });
});

test('npm pack in a clean clone builds the bundle and ships it with labs, graders, compose and the licence', async () => {
  assert.ok(existsSync(tarball), `no tarball at ${tarball}`);
  for (const file of ['dist/bin/kafka-lab.js', 'dist/bin/ssh2.cjs', 'README.md', 'LICENSE', 'package.json'])
    assert.ok(files.includes(file), `the package lacks ${file}`);
  // Every file git has under the runtime directories, the image kit included, and nothing of the rest.
  const tracked = await execa('git', ['ls-files', 'labs', 'graders', 'compose'], { cwd: repo });
  const wanted = tracked.stdout.split('\n').filter(Boolean);
  assert.ok(wanted.some((f) => f.startsWith('compose/images/rootfs/')));
  assert.deepEqual(
    wanted.filter((f) => !files.includes(f)),
    [],
  );
  const unwanted = files.filter(
    (f) => /^(src|test|bench|scripts|dist\/(src|test|bench))\//.test(f) || /\.(map|ts|tsx)$/.test(f),
  );
  assert.deepEqual(unwanted, []);
  assert.ok(readFileSync(join(clone, 'LICENSE'), 'utf8').includes('Apache License'));
  // The bundle carries every dependency: installing the tarball needs nothing from a registry.
  assert.deepEqual(packedManifest.dependencies ?? {}, {});
});

test('installed into a fresh prefix with no registry, it runs from outside the repository', async () => {
  const install = await execa(
    'npm',
    [
      'i',
      '-g',
      tarball,
      '--prefix',
      prefix,
      '--offline',
      '--cache',
      join(work, 'empty-cache'),
      '--no-audit',
      '--no-fund',
    ],
    { cwd: outside, reject: false },
  );
  assert.equal(install.exitCode, 0, `npm i -g failed:\n${install.stderr}`);
  const help = await installed(['--help']);
  ok(help, '--help');
  assert.match(help.stdout, /Usage: kafka-lab <command>/);
  const labs = await installed(['labs']);
  ok(labs, 'labs');
  assert.match(labs.stdout, new RegExp(LAB));
  // A global option before the command reaches the command.
  const absent = await installed(['--stack', STACK, 'status']);
  assert.equal(absent.exitCode, 3, absent.stderr);
  assert.match(absent.stderr, new RegExp(`Stack '${STACK}' does not exist`));
  const wrong = await installed(['--volumes', 'status']);
  assert.equal(wrong.exitCode, 2);
  assert.match(wrong.stderr, /'--volumes' \(kafka-lab status\)/);
});

test('npx runs the tarball', async () => {
  const r = await execa(
    'npx',
    ['--yes', '--offline', '--cache', join(work, 'npx-cache'), `./${tarball.split('/').pop()}`, '--help'],
    {
      cwd: packed,
      reject: false,
    },
  );
  assert.equal(r.exitCode, 0, r.stderr);
  assert.match(r.stdout, /Usage: kafka-lab <command>/);
});

test('the installed command brings up a stack, shows, checks and grades a lab on it', async () => {
  ok(await installed(['up', '--images', 'local', '--stack', STACK, '--port-base', PORT_BASE]), 'up');
  const status = await installed(['--stack', STACK, '--json', 'status']);
  ok(status, '--stack NAME --json status');
  assert.equal((JSON.parse(status.stdout) as { stack: string }).stack, STACK);

  // The lab screen without a terminal: plain lines, read from the lab files inside the package.
  const lab = await installed(['--stack', STACK, 'lab', LAB]);
  ok(lab, 'lab');
  assert.match(lab.stdout, /create-topics/);
  const show = await installed(['show', LAB, '--stack', STACK]);
  ok(show, 'show');
  assert.match(show.stdout, new RegExp(`docker exec -ti ${STACK}-kafka-1 kafka-topics`));

  assert.equal((await installed(['check', LAB, 'create-topics', '--stack', STACK, '--wait', '0'])).exitCode, 1);
  for (const [topic, partitions] of [
    ['my-failsafe-topic', '13'],
    ['purchases', '3'],
  ] as const) {
    const r = await dockerExec(`${STACK}-kafka-1`, [
      'kafka-topics',
      '--bootstrap-server',
      'kafka-1:19092',
      '--create',
      '--topic',
      topic,
      '--partitions',
      partitions,
      '--replication-factor',
      '3',
    ]);
    assert.equal(r.exitCode, 0, r.stderr);
  }
  ok(await installed(['check', LAB, 'create-topics', '--stack', STACK]), 'check create-topics');

  // The rubric comes from graders/ inside the package.
  const grade = await installed(['grade', LAB, '--stack', STACK, '--json']);
  assert.equal(grade.exitCode, 1, grade.stderr);
  const report = JSON.parse(grade.stdout) as {
    lab: string;
    earned: number;
    possible: number;
    items: { id: string; earned: number; points: number }[];
  };
  assert.equal(report.lab, LAB);
  assert.equal(typeof report.earned, 'number');
  assert.equal(report.possible, 100);
  const topics = report.items.find((i) => i.id === 'topics');
  assert.equal(topics?.earned, topics?.points);
  assert.ok(report.earned >= 20 && report.earned < 100, `earned ${report.earned}`);

  ok(await installed(['down', '--stack', STACK, '--volumes']), 'down');
  assert.equal((await installed(['--stack', STACK, 'status'])).exitCode, 3);
});
