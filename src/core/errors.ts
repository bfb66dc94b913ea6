// Three kinds of failure (after Shopify cli-kit): the user can fix it, an external command
// failed, or a bug. One top-level handler renders them and picks the exit code.

export const EXIT = {
  ok: 0,
  failed: 1, // a check or a health condition is not met: a result, not a crash
  usage: 2,
  environment: 3, // something the user can fix: Docker down, port taken, bad file, name clash
  external: 4,
  bug: 70,
  interrupted: 130,
} as const;

/** Something the user can fix. `next` says what to do. */
export class UserError extends Error {
  constructor(
    message: string,
    readonly next?: string,
    readonly exitCode: number = EXIT.environment,
  ) {
    super(message);
    this.name = 'UserError';
  }
}

export class UsageError extends UserError {
  constructor(message: string, next?: string) {
    super(message, next, EXIT.usage);
    this.name = 'UsageError';
  }
}

/** An external command or service failed. */
export class ExternalError extends Error {
  constructor(
    message: string,
    readonly command: string,
    readonly code?: number | string,
    readonly output?: string,
  ) {
    super(message);
    this.name = 'ExternalError';
  }
}

/** The user pressed Ctrl-C; whatever was rolled back is said in the message. */
export class Interrupted extends Error {
  constructor(message = 'Interrupted.') {
    super(message);
    this.name = 'Interrupted';
  }
}

export function exitCodeOf(err: unknown): number {
  if (err instanceof UserError) return err.exitCode;
  if (err instanceof ExternalError) return EXIT.external;
  if (err instanceof Interrupted) return EXIT.interrupted;
  return EXIT.bug;
}

export function renderError(err: unknown): string {
  if (err instanceof UserError) return err.next ? `${err.message}\n${err.next}` : err.message;
  if (err instanceof ExternalError) {
    const code = err.code === undefined ? '' : ` (exit ${err.code})`;
    const tail = err.output ? `\n${lastLines(err.output, 5)}` : '';
    return `${err.message}\nCommand: ${err.command}${code}${tail}`;
  }
  if (err instanceof Interrupted) return err.message;
  const e = err instanceof Error ? err : new Error(String(err));
  return `kafka-lab hit a bug: ${e.message}\n${e.stack ?? ''}\nPlease report it with the command you ran.`;
}

export function lastLines(text: string, n: number): string {
  return text.trimEnd().split('\n').slice(-n).join('\n');
}
