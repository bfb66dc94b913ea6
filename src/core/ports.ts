// The ports the core works through, named in one place. Adapters around the core implement them:
//   Runtime        src/docker/client.ts   (the Docker Engine API)
//   Inspector      src/cluster/inspector.ts (kafkajs admin, kcat in the stack)
//   CommandRunner  src/runtime/commands.ts (a lab's docker commands, through the Runtime)
//   ProgressStore  src/lab/progress.ts    (files, written atomically)
//   Clock          src/runtime/clock.ts   (the system clock; tests give a fake one)
export type { Runtime } from './runtime.js';
export type { Inspector } from './snapshot.js';
export type { ProgressStore } from './progress.js';
export type { Clock } from './wait.js';

export interface CommandResult {
  exitCode: number;
  /** stdout and stderr as they came */
  output: string;
}

/** Runs one of a lab's command lines, already split into words: `docker exec|stop|start|…` on the stack's containers. */
export interface CommandRunner {
  run(argv: string[], o: { timeoutMs: number; signal?: AbortSignal }): Promise<CommandResult>;
}
