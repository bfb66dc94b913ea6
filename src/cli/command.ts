// A command is data: its options drive both parsing and --help.
import { parseArgs } from 'node:util';
import { UsageError } from '../core/errors.js';

export interface OptionSpec {
  type: 'string' | 'boolean';
  description: string;
  value?: string;
  multiple?: boolean;
}

export interface Invocation {
  values: Record<string, string | boolean | (string | boolean)[] | undefined>;
  positionals: string[];
  env: NodeJS.ProcessEnv;
  signal: AbortSignal;
  out: NodeJS.WriteStream;
  err: NodeJS.WriteStream;
  interactive: boolean;
}

/** What a command takes and does; its one-line summary lives in the registry (index.ts). */
export interface Command {
  name: string;
  usage: string;
  details?: string;
  options: Record<string, OptionSpec>;
  maxPositionals?: number;
  run(inv: Invocation): Promise<number>;
}

export const stackOptions: Record<string, OptionSpec> = {
  stack: { type: 'string', value: 'NAME', description: "stack to act on (default: 'default', whose containers are named like the tutorials')" },
};

/** Naming many stacks at once (up, down, reset). */
export const manyOptions: Record<string, OptionSpec> = {
  stacks: { type: 'string', value: 'NAMES', description: "many stacks: 'team-01..team-12', 'a,b,c', or both" },
  'stacks-file': { type: 'string', value: 'FILE', description: 'many stacks: one name per line (# comments allowed)' },
  parallel: { type: 'string', value: 'N', description: 'with many stacks: how many at once (default 3; 4 for down)' },
};

export const upOptions: Record<string, OptionSpec> = {
  images: { type: 'string', value: 'confluent|local', description: "Confluent's public images (default) or kafka-lab's offline ones; also KAFKA_LAB_IMAGES" },
  'port-base': { type: 'string', value: 'PORT', description: 'first broker port on 127.0.0.1; the others move with it (default 9092, or a free block for other stacks)' },
  compose: { type: 'string', value: 'FILE', description: 'compose file to use instead of the built-in compose/zk-3-brokers.yaml' },
};

export function parse(cmd: Command, argv: string[]) {
  const options = Object.fromEntries(
    Object.entries({ ...cmd.options, help: { type: 'boolean', description: '' } as OptionSpec }).map(([k, v]) => [k, { type: v.type, multiple: v.multiple ?? false }]),
  );
  try {
    const { values, positionals } = parseArgs({ args: argv, options, allowPositionals: true, strict: true });
    if (positionals.length > (cmd.maxPositionals ?? 0)) {
      throw new UsageError(`Unexpected argument '${positionals[cmd.maxPositionals ?? 0]}' for 'kafka-lab ${cmd.name}'.`, `Usage: ${cmd.usage}`);
    }
    return { values, positionals };
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
  return [`Usage: ${cmd.usage}`, '', summary, ...(cmd.details ? ['', cmd.details] : []), '', 'Options:', ...rows, ''].join('\n');
}
