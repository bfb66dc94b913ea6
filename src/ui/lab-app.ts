// The application behind the terminal UI: pick a lab, bring the stack up if it is not, then the lab
// screen with its session and cluster watch. Opening is passed in (commands/lab.ts wires it).
import { exitCodeOf, renderError, EXIT } from '../core/errors.js';
import type { ProgressEvent } from '../core/events.js';
import type { Lab } from '../core/lab.js';
import type { Intent, LabSession } from '../core/session.js';
import { Store } from '../core/store.js';
import type { ClusterWatch } from './watch.js';

export interface PickerRow {
  id: string;
  title: string;
  minutes: number;
  steps: number;
  passed: number;
  current: number;
  started: boolean;
}

export type AppState =
  | { phase: 'picker'; rows: PickerRow[]; cursor: number; help: boolean }
  | { phase: 'loading'; text: string }
  | { phase: 'starting'; title: string; events: ProgressEvent[] }
  | { phase: 'lab'; session: LabSession; watch: ClusterWatch | null }
  | { phase: 'error'; text: string; code: number }
  | { phase: 'closed'; code: number };

export interface Opened {
  session: LabSession;
  watch: ClusterWatch | null;
}

/** A lab to open, by its ref; the title is for "Opening...". */
export type LabRef = Pick<Lab, 'ref' | 'title'>;

export interface AppDeps {
  /** The course's labs, read once the first frame is up. */
  labs(): Promise<Lab[]>;
  stack: string;
  /** Each lab's saved progress on this stack, for the picker (read-only). */
  rows(): Promise<PickerRow[]>;
  /** Brings the stack up when it is not (reporting progress), then builds the session. */
  open(lab: LabRef, o: { onProgress: (e: ProgressEvent) => void; signal: AbortSignal }): Promise<Opened>;
}

export class LabApp extends Store<AppState> {
  private abort = new AbortController();
  private resolveDone!: (code: number) => void;
  /** The session last opened, for the summary printed after quitting. */
  lastSession: LabSession | null = null;
  /** What to tell the student on the normal screen after quitting: why opening failed, or stopped. */
  message: string | null = null;
  /** Resolves with the exit code once the app is closed. */
  readonly done = new Promise<number>((resolve) => (this.resolveDone = resolve));

  constructor(
    private deps: AppDeps,
    initialLab?: LabRef,
  ) {
    super(
      initialLab
        ? { phase: 'loading', text: `Opening ${initialLab.title}...` }
        : { phase: 'loading', text: 'Reading the labs...' },
    );
    if (initialLab) this.openLab(initialLab);
    else void this.showPicker();
  }

  private labs: Lab[] = [];

  private async showPicker(): Promise<void> {
    try {
      this.labs = await this.deps.labs();
    } catch (err) {
      this.message = renderError(err);
      this.set({ phase: 'error', text: this.message, code: exitCodeOf(err) });
      return;
    }
    const rows = await this.deps.rows().catch(() =>
      this.labs.map((l) => ({
        id: l.ref,
        title: l.title,
        minutes: l.minutes,
        steps: l.steps.length,
        passed: 0,
        current: 0,
        started: false,
      })),
    );
    if (this.state.phase === 'loading')
      this.set({
        phase: 'picker',
        rows,
        cursor: Math.max(
          0,
          rows.findIndex((r) => r.started && r.passed < r.steps),
        ),
        help: false,
      });
  }

  dispatch(intent: Intent): void {
    const s = this.state;
    if (intent.type === 'quit') return void this.quit();
    switch (s.phase) {
      case 'picker':
        if (intent.type === 'help') return this.set({ ...s, help: !s.help });
        if (s.help) return;
        if (intent.type === 'up' || intent.type === 'down') {
          const n = s.rows.length;
          return this.set({ ...s, cursor: (s.cursor + (intent.type === 'down' ? 1 : n - 1)) % n });
        }
        if (intent.type === 'open') {
          const lab = this.labs.find((l) => l.ref === s.rows[s.cursor]?.id);
          if (lab) this.openLab(lab);
        }
        return;
      case 'lab':
        return s.session.dispatch(intent);
      default:
        return;
    }
  }

  private openLab(lab: LabRef): void {
    this.set({ phase: 'loading', text: `Opening ${lab.title} on stack ${this.deps.stack}...` });
    const signal = this.abort.signal;
    this.deps
      .open(lab, {
        signal,
        onProgress: (e) => {
          if (signal.aborted) return;
          const s = this.state;
          if (s.phase === 'starting') this.set({ ...s, events: [...s.events, e] });
          else this.set({ phase: 'starting', title: `Starting stack ${this.deps.stack}`, events: [e] });
        },
      })
      .then(
        (opened) => {
          if (signal.aborted) {
            opened.watch?.stop();
            void opened.session.close().then(() => this.finish(EXIT.interrupted));
            return;
          }
          this.lastSession = opened.session;
          this.set({ phase: 'lab', session: opened.session, watch: opened.watch });
          opened.session.subscribe(() => {
            if (opened.session.getState().closed && this.state.phase === 'lab') void this.quit();
          });
        },
        (err: unknown) => {
          this.message = renderError(err);
          if (signal.aborted) return this.finish(EXIT.interrupted);
          this.set({ phase: 'error', text: this.message, code: exitCodeOf(err) });
        },
      );
  }

  async quit(): Promise<void> {
    const s = this.state;
    if (s.phase === 'closed') return;
    if (s.phase === 'lab') {
      s.watch?.stop();
      this.set({ phase: 'closed', code: EXIT.ok });
      await s.session.close();
      return this.finish(EXIT.ok);
    }
    if (s.phase === 'error') return this.finish(s.code);
    if (s.phase === 'picker') return this.finish(EXIT.ok);
    // Loading or starting the stack: stop, and let `up` remove what this run created.
    if (!this.abort.signal.aborted) {
      this.abort.abort();
      if (s.phase === 'loading') return this.finish(EXIT.interrupted);
      this.set({ phase: 'loading', text: 'Stopping: removing what this start created...' });
    }
  }

  private finish(code: number): void {
    this.abort.abort();
    if (this.state.phase !== 'closed') this.set({ phase: 'closed', code });
    this.resolveDone(code);
  }

  /** For an interrupt from outside (SIGINT, SIGTERM). */
  interrupt(): void {
    void this.quit();
  }
}
