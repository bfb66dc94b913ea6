#!/usr/bin/env node
// argv -> command. A terminal gets Ink; anything else (pipes, CI) gets plain lines.
import { EXIT, exitCodeOf, renderError, UsageError } from './core/errors.js';
import { commandFirst, helpText, parse } from './cli/command.js';
import { COMMANDS } from './cli/registry.js';
import { packageVersion } from './paths.js';

function overview(): string {
  const width = Math.max(...COMMANDS.map((c) => c.name.length)) + 2;
  return [
    'kafka-lab: guided, graded Kafka failover labs on a real ZooKeeper + three-broker stack in Docker.',
    '',
    'Usage: kafka-lab <command> [options]',
    '       (options may also come first, as in docker and kubectl: kafka-lab --stack team-01 lab)',
    '',
    'Commands:',
    ...COMMANDS.map((c) => `  ${c.name.padEnd(width)}${c.summary}`),
    '',
    "Run 'kafka-lab <command> --help' for a command's options.",
    'Exit codes: 0 ok, 1 a check or health condition failed, 2 bad usage, 3 something to fix on this host,',
    '            4 an external command failed, 70 a bug in kafka-lab, 130 interrupted.',
    '',
  ].join('\n');
}

// kafkajs can reject a promise nobody holds when a broker drops a connection it had abandoned
// (a stopped or paused broker is the normal state of a lab); only other rejections are bugs.
process.on('unhandledRejection', (err) => {
  if ((err as Error)?.name?.startsWith('KafkaJS')) return;
  throw err;
});

// `kafka-lab labs | head` closes the pipe early: that is not an error.
process.stdout.on('error', (err: NodeJS.ErrnoException) => {
  if (err.code === 'EPIPE') process.exit(0);
  throw err;
});

export async function main(argv: string[], env: NodeJS.ProcessEnv): Promise<number> {
  // No arguments on a terminal: the lab screen (its picker). Piped or in CI: the overview, as before.
  if (
    argv.length === 0 &&
    process.stdout.isTTY === true &&
    process.stdin.isTTY === true &&
    !env.CI &&
    env.TERM !== 'dumb'
  )
    argv = ['lab'];
  try {
    argv = await commandFirst(argv, async (word) => COMMANDS.find((c) => c.name === word)?.load());
  } catch (err) {
    process.stderr.write(`${renderError(err)}\n`);
    return exitCodeOf(err);
  }
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    const target = name === 'help' ? COMMANDS.find((c) => c.name === rest[0]) : undefined;
    process.stdout.write(target ? helpText(await target.load(), target.summary) : overview());
    return EXIT.ok;
  }
  if (name === '--version') {
    process.stdout.write(`${packageVersion()}\n`);
    return EXIT.ok;
  }
  const entry = COMMANDS.find((c) => c.name === name);
  const controller = new AbortController();
  let interrupts = 0;
  const onSigint = () => {
    interrupts += 1;
    if (interrupts > 1) process.exit(EXIT.interrupted);
    process.stderr.write('\nStopping: undoing what this run created (Ctrl-C again to quit at once)...\n');
    controller.abort();
  };
  process.on('SIGINT', onSigint);
  process.on('SIGTERM', onSigint);
  try {
    if (!entry)
      throw new UsageError(
        `Unknown command '${name}'.`,
        `Commands: ${COMMANDS.map((c) => c.name).join(', ')}. Run 'kafka-lab --help'.`,
      );
    const cmd = await entry.load();
    const { values, positionals } = parse(cmd, rest);
    if (values.help) {
      process.stdout.write(helpText(cmd, entry.summary));
      return EXIT.ok;
    }
    const interactive = process.stdout.isTTY === true && !env.CI && env.TERM !== 'dumb';
    return await cmd.run({
      values,
      positionals,
      env,
      signal: controller.signal,
      out: process.stdout,
      err: process.stderr,
      interactive,
    });
  } catch (err) {
    process.stderr.write(`${renderError(err)}\n`);
    return exitCodeOf(err);
  } finally {
    process.off('SIGINT', onSigint);
    process.off('SIGTERM', onSigint);
  }
}

// Exit explicitly once the output is flushed: a socket to a frozen broker must not keep a finished command alive.
const exit = (code: number) => process.stdout.write('', () => process.stderr.write('', () => process.exit(code)));
main(process.argv.slice(2), process.env).then(exit, (err) => {
  process.stderr.write(`${renderError(err)}\n`);
  exit(EXIT.bug);
});
