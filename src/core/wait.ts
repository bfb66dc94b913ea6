// Waiting on real signals with a deadline. The pause between probes only paces the loop;
// readiness is always decided by the probe.
import { Interrupted, UserError } from './errors.js';

export interface Clock {
  now(): number;
  /** Resolves after `ms`, rejects with Interrupted when `signal` aborts. */
  pause(ms: number, signal?: AbortSignal): Promise<void>;
}

/** A probe answers with a value when the awaited thing holds, or undefined plus what it saw. */
export type Probe<T> = () => Promise<{ done: true; value: T } | { done: false; seen: string }>;

export interface WaitOptions {
  what: string;
  timeoutMs: number;
  intervalMs: number;
  clock: Clock;
  signal?: AbortSignal;
  next?: string;
}

export class WaitTimeout extends UserError {
  constructor(what: string, timeoutMs: number, seen: string, next?: string) {
    super(`Timed out after ${Math.round(timeoutMs / 1000)} s waiting for ${what} (last seen: ${seen}).`, next);
    this.name = 'WaitTimeout';
  }
}

export async function waitFor<T>(probe: Probe<T>, o: WaitOptions): Promise<T> {
  const deadline = o.clock.now() + o.timeoutMs;
  for (;;) {
    if (o.signal?.aborted) throw new Interrupted();
    const result = await probe();
    if (result.done) return result.value;
    const seen = result.seen;
    const left = deadline - o.clock.now();
    if (left <= 0) throw new WaitTimeout(o.what, o.timeoutMs, seen, o.next);
    await o.clock.pause(Math.min(o.intervalMs, left), o.signal);
  }
}
