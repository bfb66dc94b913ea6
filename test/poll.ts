// The one way tests wait for something: poll a probe until it answers, with a deadline, never a fixed
// sleep. Unit and integration tests both use it; the loop itself is the product's waitFor (src/core/wait.ts)
// on the system clock, so the pause between probes only paces the loop.
import { waitFor, WaitTimeout } from '../src/core/wait.js';
import { systemClock } from '../src/runtime/clock.js';

export interface PollOptions {
  /** The pause between two probes (default 300 ms). */
  intervalMs?: number;
  /** Stops the wait (with Interrupted) when it aborts. */
  signal?: AbortSignal;
}

/**
 * Polls `probe` until it returns something other than undefined, and returns that. A probe that throws has
 * not held yet either: what it threw is what was last seen, and the error after `ms` shows it.
 */
export async function eventually<T>(
  what: string,
  ms: number,
  probe: () => Promise<T | undefined>,
  o: PollOptions = {},
): Promise<T> {
  let seen = '';
  try {
    return await waitFor<T>(
      async () => {
        try {
          const v = await probe();
          if (v !== undefined) return { done: true, value: v };
        } catch (err) {
          seen = err instanceof Error ? err.message : String(err);
        }
        return { done: false, seen };
      },
      { what, timeoutMs: ms, intervalMs: o.intervalMs ?? 300, clock: systemClock, signal: o.signal },
    );
  } catch (err) {
    if (!(err instanceof WaitTimeout)) throw err;
    const last = seen === '' ? '' : seen.includes('\n') ? `. Last seen:\n${seen}` : `. Last seen: ${seen}`;
    throw new Error(`Timed out after ${ms} ms waiting for ${what}${last}`, { cause: err });
  }
}
