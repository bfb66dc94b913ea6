// The student path: a lab done with exactly the commands `kafka-lab show` prints, each in a real
// terminal (a pty from util-linux `script`), as a person would: long-running consumers stay open,
// producers are typed into, Ctrl-C is the byte a terminal sends (0x03), Ctrl-D ends input.
import { spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Lab, StudentAction } from '../../src/core/lab.js';
import { cli, dockerExec } from './helpers.js';
import { eventually } from '../poll.js';

const cliPath = fileURLToPath(new URL('../../bin/kafka-lab.js', import.meta.url));

/** `kafka-lab` on PATH, as `npm link` puts it there, so printed `kafka-lab ...` commands run as typed. */
function shimDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'kafka-lab-bin-'));
  const file = join(dir, 'kafka-lab');
  writeFileSync(file, `#!/bin/sh\nexec node ${JSON.stringify(cliPath)} "$@"\n`);
  chmodSync(file, 0o755);
  return dir;
}
const bin = shimDir();

const ANSI = /\x1b\[[0-9;?]*[A-Za-z]/g;

export class Terminal {
  private out = '';
  readonly ended: Promise<number>;
  private proc: ChildProcess;
  exitCode: number | null = null;

  constructor(
    readonly name: string,
    readonly command: string,
    env: Record<string, string>,
  ) {
    // `script -e` exits with the command's own exit code.
    this.proc = spawn('script', ['-qfec', command, '/dev/null'], {
      stdio: ['pipe', 'pipe', 'pipe'],
      env: { ...process.env, ...env, PATH: `${bin}:${process.env.PATH}`, TERM: 'xterm', COLUMNS: '200', LINES: '50' },
    });
    this.proc.stdout!.on('data', (d: Buffer) => (this.out += d.toString('utf8')));
    this.proc.stderr!.on('data', (d: Buffer) => (this.out += d.toString('utf8')));
    this.ended = new Promise((resolve) => this.proc.on('exit', (code) => resolve((this.exitCode = code ?? -1))));
  }

  get running(): boolean {
    return this.exitCode === null;
  }

  /** What the terminal shows, one line each, without colours or carriage returns. */
  lines(): string[] {
    return this.out
      .replace(ANSI, '')
      .split(/\r?\n/)
      .map((l) => l.replace(/\r/g, ''));
  }

  text(): string {
    return this.lines().join('\n');
  }

  /** Enter is a carriage return on a terminal; the pty turns it into a new line. */
  type(lines: string[]): void {
    for (const l of lines) this.proc.stdin!.write(`${l}\r`);
  }

  async ctrlC(ms = 30_000): Promise<void> {
    if (!this.running) return;
    this.proc.stdin!.write('\x03');
    await within(this.ended, ms, `${this.name} (${this.command}) to end after Ctrl-C`);
  }

  async ctrlD(ms: number): Promise<number> {
    this.proc.stdin!.write('\x04');
    return within(this.ended, ms, `${this.name} (${this.command}) to end after Ctrl-D`);
  }

  /** The last resort at the end of a test: the terminal window is closed. */
  kill(): void {
    if (this.running) this.proc.kill('SIGHUP');
  }
}

async function within<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const t = new Promise<never>(
    (_, reject) => (timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms waiting for ${what}`)), ms)),
  );
  try {
    return await Promise.race([p, t]);
  } finally {
    clearTimeout(timer);
  }
}

/** A printed line shows a value when it is the value, or ends with it after a separator (`Part-2 => k:v`, `Partition:1\tv`). */
export function shows(line: string, value: string): boolean {
  if (line === value) return true;
  if (!line.endsWith(value)) return false;
  return !/[A-Za-z0-9]/.test(line[line.length - value.length - 1]!);
}

/** The commands `kafka-lab show LAB STEP` prints under "Type:", exactly as printed. */
export async function shownCommands(lab: string, step: number, stack: string): Promise<string[]> {
  const r = await cli(['show', lab, String(step), '--stack', stack]);
  if (r.exitCode !== 0) throw new Error(`show ${lab} ${step} exited ${r.exitCode}: ${r.stderr}`);
  const lines = r.stdout.split('\n');
  const from = lines.indexOf('Type:');
  if (from < 0) return [];
  const out: string[] = [];
  for (const l of lines.slice(from + 1)) {
    if (l.startsWith('  $ ')) out.push(l.slice(4));
    else if (!l.startsWith('    (or ')) break;
  }
  return out;
}

export class Student {
  readonly terminals = new Map<string, Terminal>();
  private marks = new Map<string, Map<number, number>>();

  constructor(
    readonly stack: string,
    private env: Record<string, string> = {},
  ) {}

  terminal(name: string): Terminal {
    const t = this.terminals.get(name);
    if (!t) throw new Error(`the lab's student script uses terminal ${name} before opening it`);
    return t;
  }

  async doStep(lab: Lab, index: number): Promise<void> {
    const step = lab.steps[index]!;
    const commands = await shownCommands(lab.ref, index + 1, this.stack);
    if (commands.length !== step.commands.length)
      throw new Error(
        `show printed ${commands.length} commands for ${lab.ref} ${index + 1}, the lab has ${step.commands.length}`,
      );
    for (const a of step.student) await this.act(a, commands);
  }

  private async act(a: StudentAction, commands: string[]): Promise<void> {
    if ('open' in a) {
      const old = this.terminals.get(a.open);
      if (old?.running) throw new Error(`terminal ${a.open} is still running ${old.command}`);
      const t = new Terminal(a.open, commands[a.command - 1]!, this.env);
      this.terminals.set(a.open, t);
      if (a.lines) t.type(a.lines);
      return;
    }
    if ('type' in a) return this.terminal(a.type).type(a.lines);
    if ('ctrlc' in a) return this.terminal(a.ctrlc).ctrlC();
    if ('run' in a) {
      let problem: string | undefined;
      const attempt = async () => {
        const t = new Terminal(`run-${a.run}`, commands[a.run - 1]!, this.env);
        if (a.lines) t.type(a.lines);
        const code = a.lines ? await t.ctrlD(60_000) : await within(t.ended, 120_000, `'${t.command}' to end`);
        const text = t.text();
        problem = (a.fails ? code === 0 : code !== 0)
          ? `'${t.command}' exited ${code}, expected ${a.fails ? 'a failure' : '0'}:\n${text.slice(-2000)}`
          : a.expect && !new RegExp(a.expect).test(text)
            ? `'${t.command}' printed nothing matching /${a.expect}/:\n${text.slice(-2000)}`
            : undefined;
        return problem === undefined ? true : undefined;
      };
      // As a student would, with `again`: run it again until it shows what the step says.
      if (a.again)
        await eventually(`command ${a.run} to succeed`, a.again * 1000, attempt).catch(() =>
          Promise.reject(new Error(problem)),
        );
      else if (!(await attempt())) throw new Error(problem);
      return;
    }
    if ('wait' in a) {
      const re = new RegExp(a.pattern, 'g');
      await eventually(`/${a.pattern}/ ${a.times ?? 1} times in ${a.wait.join(', ')}`, 60_000, async () => {
        const n = a.wait.reduce((sum, name) => sum + (this.terminal(name).text().match(re)?.length ?? 0), 0);
        return n >= (a.times ?? 1) ? true : undefined;
      }).catch((err: Error) => {
        throw new Error(`${err.message}\n${this.screens(a.wait)}`);
      });
      return;
    }
    if ('mark' in a) {
      this.marks.set(a.mark, await this.endOffsets(a.topic));
      return;
    }
    if ('since' in a) {
      const from = this.marks.get(a.since);
      if (!from) throw new Error(`the lab's student script uses mark ${a.since} before making it`);
      let unseen: string[] = [];
      await eventually(
        `every record of ${a.topic} from mark ${a.since} to ${a.group}'s commits printed in ${a.sees.join(', ')}`,
        60_000,
        async () => {
          const values = await this.recordsBetween(a.topic, from, await this.committed(a.group, a.topic));
          unseen = this.missing(a.sees, values, 'any');
          return values.length > 0 && unseen.length === 0 ? true : undefined;
        },
      ).catch((err: Error) => {
        // Where a part of each missing value shows, to tell a garbled line from a record never printed.
        const parts = unseen
          .slice(0, 3)
          .map((u) => u.replace(/ printed nowhere$/, ''))
          .map((v) => v.slice(Math.floor(v.length / 3), Math.floor(v.length / 3) + 30));
        const near = parts.flatMap((part) =>
          a.sees.flatMap((n) =>
            this.terminal(n)
              .lines()
              .filter((l) => l.includes(part))
              .map((l) => `${n}: ${l}`),
          ),
        );
        throw new Error(
          `${err.message}; ${unseen.length} not printed: ${unseen.slice(0, 3).join('; ')}\nlines with a part of them:\n${near.join('\n')}`,
        );
      });
      return;
    }
    const each = a.each ?? 'once';
    await eventually(`${a.values.length} values (${each}) in ${a.sees.join(', ')}`, 30_000, async () =>
      this.missing(a.sees, a.values, each).length === 0 ? true : undefined,
    ).catch((err: Error) => {
      throw new Error(
        `${err.message}; not as expected: ${this.missing(a.sees, a.values, each).slice(0, 8).join('; ')}\n${this.screens(a.sees)}`,
      );
    });
  }

  /** What the terminals fail to show: a value nowhere, twice under `once`, or absent from one under `all`. */
  missing(names: string[], values: string[], each: 'once' | 'all' | 'any'): string[] {
    const screens = names.map((n) => ({ n, lines: this.terminal(n).lines() }));
    const problems: string[] = [];
    for (const v of values) {
      const counts = screens.map((s) => ({ n: s.n, c: s.lines.filter((l) => shows(l, v)).length }));
      const total = counts.reduce((a, x) => a + x.c, 0);
      if (total === 0) problems.push(`${v} printed nowhere`);
      else if (each === 'once' && total > 1)
        problems.push(
          `${v} printed ${total} times (${counts
            .filter((x) => x.c)
            .map((x) => `${x.n} ${x.c}`)
            .join(', ')})`,
        );
      else if (each === 'all') for (const x of counts) if (x.c === 0) problems.push(`${v} not printed in ${x.n}`);
    }
    return problems;
  }

  private container(service: string): string {
    return this.stack === 'default' ? service : `${this.stack}-${service}`;
  }

  /** The topic's end offsets, from the Kafka tool in the stack. */
  private async endOffsets(topic: string): Promise<Map<number, number>> {
    const r = await dockerExec(this.container('kafka-1'), [
      'kafka-get-offsets',
      '--bootstrap-server',
      'kafka-1:19092',
      '--topic',
      topic,
    ]);
    if (r.exitCode !== 0) throw new Error(`kafka-get-offsets exited ${r.exitCode}: ${r.stderr}`);
    return new Map(
      r.stdout
        .split('\n')
        .filter((l) => l.startsWith(`${topic}:`))
        .map((l) => {
          const [, p, o] = l.split(':');
          return [Number(p), Number(o)];
        }),
    );
  }

  /** The group's committed offsets on the topic, as kafka-consumer-groups --describe prints them. */
  private async committed(group: string, topic: string): Promise<Map<number, number>> {
    const r = await dockerExec(this.container('kafka-1'), [
      'kafka-consumer-groups',
      '--bootstrap-server',
      'kafka-1:19092',
      '--describe',
      '--group',
      group,
    ]);
    const rows = r.stdout
      .split('\n')
      .map((l) => l.trim().split(/\s+/))
      .filter((c) => c[0] === group && c[1] === topic && /^\d+$/.test(c[3] ?? ''));
    return new Map(rows.map((c) => [Number(c[2]), Number(c[3])]));
  }

  /** The values of the records at offsets [from, to) of each partition, read with kcat in the stack. */
  private async recordsBetween(topic: string, from: Map<number, number>, to: Map<number, number>): Promise<string[]> {
    const r = await dockerExec(this.container('kcat'), [
      'kcat',
      '-b',
      'kafka-1:19092',
      '-C',
      '-t',
      topic,
      '-o',
      'beginning',
      '-e',
      '-q',
      '-J',
    ]);
    return r.stdout
      .split('\n')
      .filter((l) => l.startsWith('{'))
      .map((l) => JSON.parse(l) as { partition: number; offset: number; payload: string })
      .filter((m) => m.offset >= (from.get(m.partition) ?? 0) && m.offset < (to.get(m.partition) ?? 0))
      .map((m) => m.payload);
  }

  screens(names: string[]): string {
    return names
      .map((n) => `--- ${n}: ${this.terminal(n).command}\n${this.terminal(n).lines().slice(-25).join('\n')}`)
      .join('\n');
  }

  /** Every terminal still open gets Ctrl-C, as a student closing up; one that ignores it is closed. */
  async closeAll(): Promise<void> {
    for (const t of this.terminals.values()) {
      await t.ctrlC(20_000).catch(() => t.kill());
    }
  }
}
