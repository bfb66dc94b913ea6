// A lab's `docker …` command lines, run through the Engine API rather than the docker CLI. The
// loader allowed only these verbs, on the stack's own containers (core/words.ts checkRunnable).
import { UserError } from '../core/errors.js';
import type { CommandResult, CommandRunner } from '../core/ports.js';
import type { Runtime } from '../core/runtime.js';

const STOP_SECONDS = 10; // the docker CLI's own default

export function dockerCommands(rt: Runtime): CommandRunner {
  return {
    async run(argv, o): Promise<CommandResult> {
      if (argv[0] !== 'docker') throw new UserError(`Only docker commands can be run, not '${argv.join(' ')}'.`);
      const verb = argv[1];
      if (verb === 'exec') {
        let i = 2;
        while (argv[i]?.startsWith('-')) i++; // -i / -t: a solution has no terminal and sends no input
        const r = await rt.exec(argv[i]!, argv.slice(i + 1), { timeoutMs: o.timeoutMs, signal: o.signal });
        return { exitCode: r.exitCode, output: r.all };
      }
      const names = argv.slice(2);
      const act: Record<string, (name: string) => Promise<void>> = {
        stop: (n) => rt.stop(n, STOP_SECONDS),
        start: (n) => rt.start(n),
        kill: (n) => rt.kill(n),
        pause: (n) => rt.pause(n),
        unpause: (n) => rt.unpause(n),
        restart: (n) => rt.restart(n, STOP_SECONDS),
      };
      const fn = verb === undefined ? undefined : act[verb];
      if (!fn) throw new UserError(`'docker ${verb ?? ''}' is not a command kafka-lab runs.`);
      for (const n of names) await fn(n);
      return { exitCode: 0, output: names.join('\n') };
    },
  };
}
