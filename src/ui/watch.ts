// The cluster watch behind the lab screen's panel: polls the inspector for the lab's topics and groups,
// one poll at a time, and says which rows changed lately. A KRaft stack's quorum is asked apart and
// less often: its tool is a JVM start in a broker, and must not hold up the panel's polls.
// With a feed of the engine's events on the stack (a container stopped, paused, cut off, a command run
// in one), a calm cluster is polled every idleIntervalMs instead: an event, or a change the last poll
// saw, brings back the short interval at once. A panel left open costs little.
import type { QuorumState } from '../core/quorum.js';
import { describeGap, type ClusterSnapshot, type Inspector, type Needs } from '../core/snapshot.js';
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
  /** The controller quorum (with quorumEveryMs): null until first described, or when it could not be. */
  quorum?: QuorumState | null;
  quorumProblem?: string;
}

export interface WatchOptions {
  inspector: Pick<Inspector, 'snapshot'>;
  needs: Needs;
  clock: Clock;
  /** Minimum time between the starts of two polls. */
  intervalMs?: number;
  /** Describe the controller quorum this often (a KRaft stack); never without it. */
  quorumEveryMs?: number;
  highlightMs?: number;
  /** Calls onChange with each engine event on the stack until the signal aborts (see above). */
  changes?: (onChange: (action: string) => void, signal: AbortSignal) => Promise<void>;
  /** Between polls while nothing happens, when `changes` is live (default IDLE_MS). */
  idleIntervalMs?: number;
  /** How long after an event or a change polls stay at intervalMs (default ACTIVE_MS). */
  activeMs?: number;
}

const IDLE_MS = 5000;
const ACTIVE_MS = 30_000;
// A burst of events (a student's commands) starts polls no closer together than this.
const MIN_GAP_MS = 250;

export class ClusterWatch extends Store<WatchState> {
  private abort: AbortController | null = null;
  private loopDone: Promise<void> = Promise.resolve();
  private inFlight = 0;
  private maxInFlight = 0;
  private prev: Record<string, string> | null = null;
  private changedAt: Record<string, number> = {};
  private live = false;
  private activeUntil = 0;
  private wake: (() => void) | null = null;
  private describingQuorum = false;

  constructor(private o: WatchOptions) {
    super({ snapshot: null, highlight: [], polls: 0, lastTookMs: null, error: null });
    // A KRaft stack's panel shows its quorum line (unknown yet) from the first frame.
    if (o.quorumEveryMs !== undefined) this.set({ ...this.state, quorum: null });
  }

  /** The topics and groups each poll asks about: the panel's rows. */
  get needs(): Needs {
    return this.o.needs;
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
    this.loopDone = this.loopDone.then(() =>
      Promise.all([this.loop(abort.signal), this.quorumLoop(abort.signal)]).then(() => undefined),
    );
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

  private follow(signal: AbortSignal): void {
    if (!this.o.changes) return;
    this.live = true;
    this.o
      .changes((action) => {
        // The quorum's own describe is a command run in a broker: not a change.
        if (this.describingQuorum && action.startsWith('exec_')) return;
        this.stayActive(this.o.clock.now());
        this.wake?.();
      }, signal)
      .catch(() => undefined)
      .finally(() => (this.live = false));
  }

  private stayActive(now: number): void {
    this.activeUntil = now + (this.o.activeMs ?? ACTIVE_MS);
  }

  private calm(): boolean {
    return this.live && this.o.clock.now() >= this.activeUntil;
  }

  /** Waits ms, or less when an event comes (never less than MIN_GAP_MS after the poll began). */
  private async rest(ms: number, sinceStart: number, signal: AbortSignal): Promise<void> {
    const cut = new AbortController();
    this.wake = () => cut.abort();
    try {
      await this.o.clock.pause(ms, AbortSignal.any([signal, cut.signal]));
    } catch {
      if (signal.aborted) throw new Error('stopped');
      await this.o.clock.pause(Math.max(0, MIN_GAP_MS - (this.o.clock.now() - sinceStart)), signal);
    } finally {
      this.wake = null;
    }
  }

  private async loop(signal: AbortSignal): Promise<void> {
    const interval = this.o.intervalMs ?? 1000;
    this.follow(signal);
    while (!signal.aborted) {
      const started = this.o.clock.now();
      this.inFlight++;
      this.maxInFlight = Math.max(this.maxInFlight, this.inFlight);
      try {
        const snap = await this.o.inspector.snapshot({ ...this.o.needs, quorum: undefined });
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
      const every = this.calm() ? (this.o.idleIntervalMs ?? IDLE_MS) : interval;
      const wait = Math.max(0, every - (this.o.clock.now() - started));
      try {
        await this.rest(wait, started, signal);
      } catch {
        break;
      }
    }
  }

  private async quorumLoop(signal: AbortSignal): Promise<void> {
    const every = this.o.quorumEveryMs;
    if (every === undefined) return;
    while (!signal.aborted) {
      const started = this.o.clock.now();
      this.describingQuorum = true;
      try {
        const s = await this.o.inspector.snapshot({ topics: [], groups: [], messagesOf: [], quorum: true });
        if (signal.aborted) break;
        const gap = s.gaps.find((g) => g.scope === 'quorum');
        this.set({ ...this.state, quorum: s.quorum ?? null, quorumProblem: gap ? describeGap(gap) : undefined });
      } catch (err) {
        if (signal.aborted) break;
        this.set({ ...this.state, quorum: null, quorumProblem: (err as Error).message.split('\n')[0]! });
      } finally {
        this.describingQuorum = false;
      }
      // A calm cluster's quorum is asked a third as often.
      const next = this.calm() ? 3 * every : every;
      try {
        await this.o.clock.pause(Math.max(0, next - (this.o.clock.now() - started)), signal);
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
    if (Object.values(this.changedAt).some((at) => at === now)) this.stayActive(now);
    this.prev = sig;
    const keep = this.o.highlightMs ?? 3000;
    for (const [k, at] of Object.entries(this.changedAt)) if (now - at >= keep) delete this.changedAt[k];
    this.set({
      ...this.state,
      snapshot: snap,
      highlight: Object.keys(this.changedAt).sort(),
      polls: this.state.polls + 1,
      lastTookMs: tookMs,
      error: null,
    });
  }
}
