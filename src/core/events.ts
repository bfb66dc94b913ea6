// One event type for long work; the Ink view, the plain reporter and JSON logs all read it.

export type Phase =
  | 'pending'
  | 'kept'
  | 'removing'
  | 'creating'
  | 'created'
  | 'starting'
  | 'started'
  | 'waiting'
  | 'ready'
  | 'failed'
  | 'stopped'
  | 'removed';

export type ProgressEvent =
  | { kind: 'service'; service: string; container: string; phase: Phase; detail?: string; atMs: number }
  | { kind: 'step'; message: string; atMs: number }
  | { kind: 'done'; message: string; atMs: number };

export type Sink = (event: ProgressEvent) => void;

export const silent: Sink = () => {};

export function formatEvent(e: ProgressEvent): string {
  const t = `${(e.atMs / 1000).toFixed(1).padStart(5)}s`;
  switch (e.kind) {
    case 'service':
      return `${t}  ${e.container.padEnd(18)} ${e.phase}${e.detail ? ` (${e.detail})` : ''}`;
    case 'step':
      return `${t}  ${e.message}`;
    case 'done':
      return `${t}  ${e.message}`;
  }
}
