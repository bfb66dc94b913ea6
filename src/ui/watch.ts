// The cluster watch behind the lab screen's panel: polls the inspector for the lab's topics and groups,
// one poll at a time, and says which rows changed lately.
import type { ClusterSnapshot, Inspector, Needs } from '../core/snapshot.js';
import { Store } from '../core/store.js';
import type { Clock } from '../core/wait.js';
import { signatures } from './panel.js';

export interface WatchState {
  snapshot: ClusterSnapshot | null;
  /** Row keys (see signatures) whose content changed within the highlight time, as of the last poll. */
  highlight: string[];
  polls: number;
  lastTookMs: number | null;
  /** Set when a poll failed as a whole; what the snapshot could not learn is in snapshot.gaps. */
  error: string | null;
}

export interface WatchOptions {
  inspector: Pick<Inspector, 'snapshot'>;
  needs: Needs;
  clock: Clock;
  /** Minimum time between the starts of two polls. */
  intervalMs?: number;
  highlightMs?: number;
}

export class ClusterWatch extends Store<WatchState> {
  private abort: AbortController | null = null;
  private loopDone: Promise<void> = Promise.resolve();
  private inFlight = 0;
  private maxInFlight = 0;
  private prev: Record<string, string> | null = null;
  private changedAt: Record<string, number> = {};

  constructor(private o: WatchOptions) {
    super({ snapshot: null, highlight: [], polls: 0, lastTookMs: null, error: null });
  }

  /** The most polls ever in flight at once: 1 when polls never overlap. */
  get overlap(): number {
    return this.maxInFlight;
  }

  start(): void {
    if (this.abort) return;
    const abort = new AbortController();
    this.abort = abort;
    // A restarted watch waits for the previous loop's last poll: polls never overlap.
    this.loopDone = this.loopDone.then(() => this.loop(abort.signal));
  }

  /** Stops polling at once; a poll in flight is left to finish and its result dropped. */
  stop(): void {
    this.abort?.abort();
    this.abort = null;
  }

  /** Resolves when the loop has ended after stop(), including the poll that was in flight. */
  ended(): Promise<void> {
    return this.loopDone;
  }

  private async loop(signal: AbortSignal): Promise<void> {
    const interval = this.o.intervalMs ?? 1000;
    while (!signal.aborted) {
      const started = this.o.clock.now();
      this.inFlight++;
      this.maxInFlight = Math.max(this.maxInFlight, this.inFlight);
      try {
        const snap = await this.o.inspector.snapshot(this.o.needs);
        if (signal.aborted) break;
        this.update(snap, this.o.clock.now() - started);
      } catch (err) {
        if (signal.aborted) break;
        this.set({
          ...this.state,
          polls: this.state.polls + 1,
          error: (err as Error).message.split('\n')[0]!,
          lastTookMs: this.o.clock.now() - started,
        });
      } finally {
        this.inFlight--;
      }
      const wait = Math.max(0, interval - (this.o.clock.now() - started));
      try {
        await this.o.clock.pause(wait, signal);
      } catch {
        break;
      }
    }
  }

  private update(snap: ClusterSnapshot, tookMs: number): void {
    const now = this.o.clock.now();
    const sig = signatures(snap, this.o.needs.topics, this.o.needs.groups);
    if (this.prev) {
      for (const [k, v] of Object.entries(sig)) if (this.prev[k] !== v) this.changedAt[k] = now;
    }
    this.prev = sig;
    const keep = this.o.highlightMs ?? 3000;
    for (const [k, at] of Object.entries(this.changedAt)) if (now - at >= keep) delete this.changedAt[k];
    this.set({
      snapshot: snap,
      highlight: Object.keys(this.changedAt).sort(),
      polls: this.state.polls + 1,
      lastTookMs: tookMs,
      error: null,
    });
  }
}
