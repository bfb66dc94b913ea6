// A command is data: its options drive both parsing and --help, and their types reach run().
import { parseArgs } from 'node:util';
import { UsageError } from '../core/errors.js';

export interface OptionSpec {
  type: 'string' | 'boolean';
  description: string;
  value?: string;
  multiple?: boolean;
}

export type Options = Record<string, OptionSpec>;

type Scalar<T extends OptionSpec['type']> = T extends 'boolean' ? boolean : string;
type ValueOf<S extends OptionSpec> = S extends { multiple: true }
  ? Scalar<S['type']>[]
  : S extends { type: OptionSpec['type']; multiple?: false }
    ? Scalar<S['type']>
    : Scalar<S['type']> | Scalar<S['type']>[];

/** What parsing gives for these options: a string, a boolean or (multiple) a list, undefined when the flag is absent. */
export type Values<O extends Options> = { -readonly [K in keyof O]?: ValueOf<O[K]> };

/** Which Docker engine: every command that talks to Docker takes it. */
export const engineOptions = {
  context: {
    type: 'string',
    value: 'NAME',
    description: 'Docker context to use (default: DOCKER_HOST, else DOCKER_CONTEXT, else the current context)',
  },
} as const satisfies Options;

export const stackOptions = {
  ...engineOptions,
  stack: {
    type: 'string',
    value: 'NAME',
    description: "stack to act on (default: 'default', whose containers are named like the tutorials')",
  },
  contexts: {
    type: 'string',
    value: 'A,B',
    description: 'a classroom over these Docker contexts: a stack is looked for on each, by its label',
  },
  classroom: {
    type: 'string',
    value: 'FILE',
    description: 'a classroom file naming the contexts (default ./kafka-lab-classroom.yaml, if there is one)',
  },
} as const satisfies Options;

/** Naming many stacks at once (up, down, reset). */
export const manyOptions = {
  stacks: { type: 'string', value: 'NAMES', description: "many stacks: 'team-01..team-12', 'a,b,c', or both" },
  'stacks-file': { type: 'string', value: 'FILE', description: 'many stacks: one name per line (# comments allowed)' },
  parallel: { type: 'string', value: 'N', description: 'with many stacks: how many at once (default 3; 4 for down)' },
} as const satisfies Options;

export const upOptions = {
  images: {
    type: 'string',
    value: 'confluent|local',
    description: "Confluent's public images (default) or kafka-lab's offline ones; also KAFKA_LAB_IMAGES",
  },
  'port-base': {
    type: 'string',
    value: 'PORT',
    description:
      'first broker port on 127.0.0.1; the others move with it (default 9092, or a free block for other stacks)',
  },
  profile: {
    type: 'string',
    value: 'zookeeper|kraft',
    description: 'ZooKeeper and Kafka 3 (default), or KRaft and Kafka 4; kept with the stack; also KAFKA_LAB_PROFILE',
  },
  'publish-address': {
    type: 'string',
    value: 'IP',
    description:
      'publish the brokers on this address instead of 127.0.0.1 (no authentication: only on a network you trust); kept with the stack',
  },
  compose: {
    type: 'string',
    value: 'FILE',
    description: "compose file to use instead of the profile's built-in one (compose/zk-3-brokers.yaml)",
  },
} as const satisfies Options;

/** The flags the stack helpers read (stackOptionsOf): --stack, and up's where a command takes them. */
export type StackValues = Values<typeof stackOptions & typeof upOptions>;

/** The flags an engine-only command reads (engineRequestOf). */
export type EngineValues = Values<typeof engineOptions>;

/** One run of a command; without a type argument, of a command that takes the stack options. */
export interface Invocation<V = StackValues> {
  values: V;
  positionals: string[];
  env: NodeJS.ProcessEnv;
  signal: AbortSignal;
  out: NodeJS.WriteStream;
  err: NodeJS.WriteStream;
  interactive: boolean;
}

/** What a command takes and does; its one-line summary lives in the registry (registry.ts). */
export interface Command<O extends Options = Options> {
  name: string;
  usage: string;
  details?: string;
  options: O;
  maxPositionals?: number;
  run(inv: Invocation<Values<O>>): Promise<number>;
}

/** A command whose run() sees its own options typed: `inv.values.stack` is a string or undefined. */
export function command<const O extends Options>(cmd: Command<O>): Command<O> {
  return cmd;
}

export function parse<O extends Options>(
  cmd: Command<O>,
  argv: string[],
): { values: Values<O> & { help?: boolean }; positionals: string[] } {
  const options = Object.fromEntries(
    Object.entries({ ...cmd.options, help: { type: 'boolean', description: '' } as OptionSpec }).map(([k, v]) => [
      k,
      { type: v.type, multiple: v.multiple ?? false },
    ]),
  );
  try {
    const { values, positionals } = parseArgs({ args: argv, options, allowPositionals: true, strict: true });
    if (positionals.length > (cmd.maxPositionals ?? 0)) {
      throw new UsageError(
        `Unexpected argument '${positionals[cmd.maxPositionals ?? 0]}' for 'kafka-lab ${cmd.name}'.`,
        `Usage: ${cmd.usage}`,
      );
    }
    // strict parsing gives each option the type its spec declares, which is what Values<O> says.
    return { values: values as Values<O> & { help?: boolean }, positionals };
  } catch (err) {
    if (err instanceof UsageError) throw err;
    const first = (err as Error).message.split('\n')[0]!.replace(/\. To specify a positional.*$/, '');
    throw new UsageError(`${first} (kafka-lab ${cmd.name}).`, `Run 'kafka-lab ${cmd.name} --help' for its options.`);
  }
}

/**
 * Options written before the command (`kafka-lab --stack team-01 lab`, as docker and kubectl take them) are
 * moved after it, so the command parses them as its own: an option it does not take is its usual usage error.
 * Which word is the command depends on which options take a value, and only a command's table says that:
 * each word that names a command is tried in turn until the options before it end exactly there.
 */
export async function commandFirst(
  argv: string[],
  find: (name: string) => Promise<Command | undefined>,
): Promise<string[]> {
  if (!argv[0]?.startsWith('-')) return argv;
  let fallback: string[] | undefined;
  for (let i = 1; i < argv.length; i++) {
    const word = argv[i]!;
    if (word.startsWith('-')) continue;
    const cmd = await find(word);
    if (!cmd) continue;
    const before = argv.slice(0, i);
    if (before.includes('--version')) return ['--version'];
    const moved = [word, ...before.map((a) => (a === '-h' ? '--help' : a)), ...argv.slice(i + 1)];
    if (optionsEnd(cmd, before) === i) return moved;
    fallback ??= moved;
  }
  if (fallback) return fallback;
  if (argv.includes('--version')) return ['--version'];
  if (argv.includes('--help') || argv.includes('-h')) return ['--help'];
  throw new UsageError(
    `No command in 'kafka-lab ${argv.join(' ')}'.`,
    "Usage: kafka-lab [options] <command> [options]. Run 'kafka-lab --help' for the commands.",
  );
}

/** Where these options end when read with this command's table (-1: a word no option takes as its value). */
function optionsEnd(cmd: Command, args: string[]): number {
  let i = 0;
  while (i < args.length) {
    const arg = args[i]!;
    if (!arg.startsWith('-')) return -1;
    const spec = arg.startsWith('--') && !arg.includes('=') ? cmd.options[arg.slice(2)] : undefined;
    i += spec?.type === 'string' ? 2 : 1;
  }
  return i;
}

export function helpText(cmd: Command, summary: string): string {
  const rows = Object.entries(cmd.options).map(([name, o]) => {
    const flag = `--${name}${o.value ? ` ${o.value}` : ''}`;
    return `  ${flag.padEnd(26)} ${o.description}`;
  });
  rows.push(`  ${'--help'.padEnd(26)} show this help`);
  return [
    `Usage: ${cmd.usage}`,
    '',
    summary,
    ...(cmd.details ? ['', cmd.details] : []),
    '',
    'Options:',
    ...rows,
    '',
  ].join('\n');
}

export const paramOptions = {
  param: {
    type: 'string',
    multiple: true,
    value: 'NAME=VALUE',
    description: "this student's value for a lab parameter (repeat it; lists take a,b,c); kept with the progress",
  },
} as const satisfies Options;

/** What a command that takes paramOptions was given: each --param as written. */
export type ParamValues = Values<typeof paramOptions>;
