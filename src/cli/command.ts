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
