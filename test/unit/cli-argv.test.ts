// Options before the command (`kafka-lab --stack team-01 lab`): moved after it, then parsed as the command's own.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { command, commandFirst, parse, type Command } from '../../src/cli/command.js';
import { UsageError } from '../../src/core/errors.js';
import { COMMANDS } from '../../src/cli/registry.js';

const run = () => Promise.resolve(0);
const fakes: Record<string, Command> = {
  lab: command({
    name: 'lab',
    usage: 'kafka-lab lab [LAB]',
    maxPositionals: 1,
    run,
    options: { stack: { type: 'string', description: '' } },
  }),
  status: command({
    name: 'status',
    usage: 'kafka-lab status',
    run,
    options: { stack: { type: 'string', description: '' }, json: { type: 'boolean', description: '' } },
  }),
  check: command({
    name: 'check',
    usage: 'kafka-lab check LAB',
    maxPositionals: 2,
    run,
    options: {
      stack: { type: 'string', description: '' },
      param: { type: 'string', multiple: true, description: '' },
      context: { type: 'string', description: '' },
    },
  }),
};
const find = (word: string) => Promise.resolve(fakes[word]);
const moved = (argv: string[]) => commandFirst(argv, find);

test('a command written first is left as it is', async () => {
  assert.deepEqual(await moved(['lab', '--stack', 'x']), ['lab', '--stack', 'x']);
  assert.deepEqual(await moved([]), []);
});

test('options before the command are moved after it, values and all', async () => {
  assert.deepEqual(await moved(['--stack', 'team-01', 'lab']), ['lab', '--stack', 'team-01']);
  assert.deepEqual(await moved(['--stack', 'x', '--json', 'status']), ['status', '--stack', 'x', '--json']);
  assert.deepEqual(await moved(['--stack=x', 'lab', 'replicated-topic']), ['lab', '--stack=x', 'replicated-topic']);
  assert.deepEqual(await moved(['--context', 'b', 'check', 'lab-1', '--stack', 's']), [
    'check',
    '--context',
    'b',
    'lab-1',
    '--stack',
    's',
  ]);
});

test("a value that is also a command's name is taken as the option's value", async () => {
  assert.deepEqual(await moved(['--stack', 'lab', 'lab']), ['lab', '--stack', 'lab']);
  assert.deepEqual(await moved(['--stack', 'status', '--json', 'status']), ['status', '--stack', 'status', '--json']);
  // A boolean takes no value: the word after it is the command.
  assert.deepEqual(await moved(['--json', 'status', '--stack', 'lab']), ['status', '--json', '--stack', 'lab']);
});

test('what the command parses is the same either way', async () => {
  const before = await moved(['--stack', 'x', '--param', 'a=1', 'check', 'L', '--param', 'b=2']);
  const [name, ...rest] = before;
  assert.equal(name, 'check');
  const got = parse(fakes.check!, rest);
  const after = parse(fakes.check!, ['L', '--stack', 'x', '--param', 'a=1', '--param', 'b=2']);
  assert.deepEqual(got, after);
  assert.deepEqual(got.values.param, ['a=1', 'b=2']);
  assert.deepEqual(got.positionals, ['L']);
});

test('an option the command does not take is its usage error, naming the command', async () => {
  for (const argv of [
    ['--json', 'lab'],
    ['--bogus', 'lab'],
  ]) {
    const [name, ...rest] = await moved(argv);
    assert.equal(name, 'lab');
    assert.throws(
      () => parse(fakes.lab!, rest),
      (err: unknown) =>
        err instanceof UsageError && /kafka-lab lab/.test(err.message) && err.message.includes(argv[0]!),
    );
  }
});

test('--help and --version before a command', async () => {
  assert.deepEqual(await moved(['--help', 'lab']), ['lab', '--help']);
  assert.deepEqual(await moved(['-h', 'lab']), ['lab', '--help']);
  assert.deepEqual(await moved(['--stack', 'x', '--help', 'status']), ['status', '--stack', 'x', '--help']);
  assert.deepEqual(await moved(['--help']), ['--help']);
  assert.deepEqual(await moved(['-h']), ['--help']);
  assert.deepEqual(await moved(['--version']), ['--version']);
  assert.deepEqual(await moved(['--version', 'lab']), ['--version']);
  assert.equal(parse(fakes.lab!, ['--help']).values.help, true);
});

test('options with no command after them are a usage error that says so', async () => {
  for (const argv of [['--stack', 'x'], ['--json'], ['--stack', 'x', 'statsu']]) {
    await assert.rejects(
      moved(argv),
      (err: unknown) => err instanceof UsageError && err.message.startsWith('No command in') && err.exitCode === 2,
    );
  }
});

test("the real commands' option tables: --stack and --json before status", async () => {
  const real = async (word: string) => COMMANDS.find((c) => c.name === word)?.load();
  const argv = await commandFirst(['--stack', 'team-01', '--json', 'status'], real);
  assert.deepEqual(argv, ['status', '--stack', 'team-01', '--json']);
  const status = await real('status');
  const { values } = parse(status!, argv.slice(1));
  assert.equal(values.stack, 'team-01');
  assert.equal((values as { json?: boolean }).json, true);
  assert.deepEqual(await commandFirst(['--stack', 'up', '--images', 'local', 'up'], real), [
    'up',
    '--stack',
    'up',
    '--images',
    'local',
  ]);
});
