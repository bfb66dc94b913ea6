import { bootstrapServers } from '../core/stack.js';
import { composeFileOf } from '../context/stack.js';
import { EXIT } from '../core/errors.js';
import { listStacks, residentMiB, type StackSummary } from '../runtime/stacks.js';
import { loadStack } from '../stack/compose.js';
import { command, engineOptions, stackOptions } from '../cli/command.js';
import { classroomRefOf, fleetEngines } from '../classroom/engines.js';

export interface StackRow {
  stack: string;
  /** The engine it is on: its context's name in a classroom, else where it is, as messages name it. */
  engine: string;
  state: string;
  running: number;
  containers: number;
  bootstrap: string | null;
  portBase: number | null;
  ageSeconds: number | null;
  memoryMiB: number | null;
  networks: string[];
  volumes: string[];
}

/** 'running' when every container runs, 'partial', 'stopped', or 'leftovers' (network or volumes only). */
function stateOf(s: StackSummary): string {
  const running = s.containers.filter((c) => c.state === 'running').length;
  if (s.containers.length === 0) return 'leftovers';
  if (running === s.containers.length) return 'running';
  return running === 0 ? 'stopped' : 'partial';
}

export async function stackRows(
  stacks: StackSummary[],
  nowMs: number,
  memory: Map<string, number>,
  engine: string,
): Promise<StackRow[]> {
  return Promise.all(
    stacks.map(async (s) => {
      const running = s.containers.filter((c) => c.state === 'running');
      const mem = running.map((c) => memory.get(c.id)).filter((m): m is number => m !== undefined);
      const spec =
        s.portBase === null
          ? undefined
          : await loadStack(composeFileOf({ profile: s.profile ?? undefined }), {
              stack: s.stack,
              portBase: s.portBase,
            }).catch(() => undefined);
      return {
        stack: s.stack,
        engine,
        state: stateOf(s),
        running: running.length,
        containers: s.containers.length,
        bootstrap: spec ? bootstrapServers(spec) : null,
        portBase: s.portBase,
        ageSeconds: s.createdMs === null ? null : Math.round((nowMs - s.createdMs) / 1000),
        memoryMiB: mem.length ? Math.round(mem.reduce((a, b) => a + b, 0)) : null,
        networks: s.networks,
        volumes: s.volumes,
      };
    }),
  );
}

function age(seconds: number | null): string {
  if (seconds === null) return '-';
  if (seconds < 120) return `${seconds}s`;
  if (seconds < 7200) return `${Math.round(seconds / 60)}m`;
  return seconds < 172800 ? `${Math.round(seconds / 3600)}h` : `${Math.round(seconds / 86400)}d`;
}

export const stacksCommand = command({
  name: 'stacks',
  usage: 'kafka-lab stacks [--contexts A,B | --classroom FILE] [--json]',
  details:
    "Stacks are found by their kafka-lab.stack labels only. 'leftovers' means a network or volumes without containers\n(for example after a killed 'up'); 'kafka-lab down --all' removes them.\n" +
    'With --contexts (or a classroom file) every engine of the classroom is listed, each stack with its engine;\n' +
    'an engine that does not answer is named on stderr and the exit code is 1.',
  options: {
    ...engineOptions,
    contexts: stackOptions.contexts,
    classroom: stackOptions.classroom,
    json: { type: 'boolean', description: 'print a JSON array, one object per stack' },
  },
  async run(inv) {
    const { single, engines, unreachable } = await fleetEngines({
      engine: { context: inv.values.context, env: inv.env },
      classroom: classroomRefOf(inv.values, inv.env, process.cwd()),
    });
    const rows = (
      await Promise.all(
        engines.map(async (e) => {
          const stacks = await listStacks(e.rt);
          const memory = await residentMiB(
            e.rt,
            stacks.flatMap((s) => s.containers.filter((c) => c.state === 'running').map((c) => c.id)),
          );
          return stackRows(stacks, Date.now(), memory, e.name);
        }),
      )
    ).flat();
    for (const u of unreachable)
      inv.err.write(`Engine ${u.engine} did not answer, so its stacks are not listed: ${u.error}\n`);
    const code = unreachable.length ? EXIT.failed : EXIT.ok;
    if (inv.values.json) {
      inv.out.write(`${JSON.stringify(rows, null, 2)}\n`);
      return code;
    }
    if (rows.length === 0) {
      inv.out.write(
        `No kafka-lab stacks on ${single ? engines[0]!.name : 'these engines'}. Create one with 'kafka-lab up', or many with 'kafka-lab up --stacks team-01..team-12'.\n`,
      );
      return code;
    }
    const width = Math.max(5, ...rows.map((r) => r.stack.length)) + 2;
    const ew = single ? 0 : Math.max(6, ...rows.map((r) => r.engine.length)) + 2;
    inv.out.write(
      `${'STACK'.padEnd(width)}${single ? '' : 'ENGINE'.padEnd(ew)}${'STATE'.padEnd(16)}${'AGE'.padEnd(6)}${'MEMORY'.padEnd(10)}BOOTSTRAP SERVERS\n`,
    );
    for (const r of rows) {
      const state = r.state === 'leftovers' ? 'leftovers' : `${r.state} ${r.running}/${r.containers}`;
      const mem = r.memoryMiB === null ? '-' : `${r.memoryMiB} MiB`;
      inv.out.write(
        `${r.stack.padEnd(width)}${single ? '' : r.engine.padEnd(ew)}${state.padEnd(16)}${age(r.ageSeconds).padEnd(6)}${mem.padEnd(10)}${r.bootstrap ?? '-'}\n`,
      );
    }
    const total = rows.reduce((a, r) => a + (r.memoryMiB ?? 0), 0);
    inv.out.write(
      `${rows.length} stack${rows.length === 1 ? '' : 's'} on ${single ? engines[0]!.name : `${engines.length} engines`}, ${total} MiB resident in all.\n`,
    );
    return code;
  },
});
