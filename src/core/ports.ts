// The ports the core works through; adapters around it implement them.
export type { Runtime } from './runtime.js';
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
