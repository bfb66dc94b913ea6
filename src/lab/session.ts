// Non-React controllers behind the lab UI. The UI renders their state and dispatches intents; every
// intent that touches Docker or Kafka goes to the same functions the commands use (checkStep,
// runSolution, injectFault, heal), passed in as dependencies. State objects are immutable: each
// change makes a new one, so React's useSyncExternalStore can subscribe to them.
import { exitCodeOf, renderError, EXIT } from '../core/errors.js';
import type { ProgressEvent } from '../core/events.js';
import { labNeeds, render, type Fault, type Lab, type Step, type TemplateContext } from '../core/lab.js';
import type { ClusterSnapshot, Needs, PartitionState } from '../core/snapshot.js';
import type { Clock } from '../core/wait.js';
import type { Inspector } from '../cluster/inspector.js';
import type { FaultEvent } from '../faults/log.js';
import type { CheckOutcome, StepResult } from './engine.js';
import { scopeOf, withResult, type LabProgress, type ProgressStore } from './progress.js';
import type { LabScope } from '../core/scope.js';

/** A tiny observable store: subscribe + getState, the shape useSyncExternalStore wants. */
export class Store<S> {
  private listeners = new Set<() => void>();
  constructor(protected state: S) {}
  getState = (): S => this.state;
  subscribe = (fn: () => void): (() => void) => {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  };
  protected set(next: S): void {
    this.state = next;
    for (const fn of [...this.listeners]) fn();
  }
}

// ---------------------------------------------------------------------------------------------
// The lab session: one lab on one stack.

export type Intent =
  | { type: 'check' }
  | { type: 'hint' }
  | { type: 'solution' }
  | { type: 'solve' }
  | { type: 'fault' }
  | { type: 'heal' }
  | { type: 'next' }
  | { type: 'prev' }
  | { type: 'copy' }
  | { type: 'nextCommand' }
  | { type: 'scrollUp' }
  | { type: 'scrollDown'; max?: number }
  | { type: 'answer'; choice: number }
  | { type: 'help' }
  | { type: 'quit' }
  // picker
  | { type: 'up' }
  | { type: 'down' }
  | { type: 'open' };

export type IntentType = Intent['type'];

export interface Notice {
  kind: 'info' | 'ok' | 'warn' | 'error';
  text: string;
}

export type BusyKind = 'check' | 'solve' | 'fault' | 'heal';

export interface SessionState {
  lab: Lab;
  stack: string;
  templates: TemplateContext;
  /** Solution lines per step id, as `kafka-lab solve` would run them. */
  solutions: Record<string, string[]>;
  progress: LabProgress;
  view: { hint: boolean; solution: boolean; command: number; scroll: number; question: number; help: boolean };
  busy: { kind: BusyKind; stepId: string; text: string; sinceMs: number } | null;
  /** Output of the last solution run, last lines only. */
  log: string[];
  notice: Notice | null;
  closed: boolean;
}

export interface SessionDeps {
  store: ProgressStore;
  clock: Clock;
  check(step: Step, o: { answers: Record<string, number>; scope: LabScope; signal: AbortSignal; onPoll: (outcomes: CheckOutcome[]) => void }): Promise<StepResult>;
  solve(step: Step, o: { log: (line: string) => void; signal: AbortSignal }): Promise<void>;
  fault(f: Fault, signal: AbortSignal): Promise<FaultEvent>;
  heal(signal: AbortSignal): Promise<FaultEvent[]>;
  /** Puts text on the terminal's clipboard (OSC 52). */
  copy(text: string): void;
}

export interface SessionOptions {
  lab: Lab;
  stack: string;
  templates: TemplateContext;
  progress: LabProgress;
  solutions?: Record<string, string[]>;
  notice?: Notice | null;
}

const LOG_LINES = 40;

export class LabSession extends Store<SessionState> {
  private abort = new AbortController();
  private saving: Promise<void> = Promise.resolve();
  private running: Promise<void> = Promise.resolve();
  private recheck = false;

  constructor(private deps: SessionDeps, o: SessionOptions) {
    const progress = { ...o.progress, current: Math.max(0, Math.min(o.progress.current, o.lab.steps.length - 1)) };
    super({
      lab: o.lab,
      stack: o.stack,
      templates: o.templates,
      solutions: o.solutions ?? {},
      progress,
      view: { hint: false, solution: false, command: 0, scroll: 0, question: firstUnanswered(o.lab.steps[progress.current]!, progress.answers), help: false },
      busy: null,
      log: [],
      notice: o.notice ?? null,
      closed: false,
    });
  }

  step(): Step {
    return this.state.lab.steps[this.state.progress.current]!;
  }

  /** Resolves when the operations intents started have finished (tests and the bench use it). */
  async settled(): Promise<void> {
    let seen: Promise<void> | undefined;
    while (seen !== this.running) {
      seen = this.running;
      await seen;
    }
  }

  /** Waits for pending saves; for tests and for quitting. */
  flushed(): Promise<void> {
    return this.saving;
  }

  dispatch(intent: Intent): void {
    const s = this.state;
    if (s.closed) return;
    switch (intent.type) {
      case 'check': {
        const index = s.progress.current;
        return this.operate('check', `Checking step ${index + 1}`, (signal) => this.checkStep(signal, index, this.state.progress.answers));
      }
      case 'solve':
        return this.operate('solve', `Running the solution of step ${s.progress.current + 1}`, (signal) => this.solveCurrent(signal));
      case 'fault':
        return this.injectFault();
      case 'heal':
        return this.operate('heal', 'Healing the stack', async (signal) => {
          const events = await this.deps.heal(signal);
          this.notify(events.length ? 'ok' : 'info', events.length ? `Healed: ${events.map((e) => `${e.container} ${e.note ?? ''}`.trim()).join('; ')}.` : 'Nothing to heal: every container is running, unpaused and connected.');
        });
      case 'hint': {
        const step = this.step();
        if (!step.hint) return this.notify('info', 'This step has no hint.');
        return this.patchView({ hint: !s.view.hint });
      }
      case 'solution':
        return this.patchView({ solution: !s.view.solution });
      case 'next':
      case 'prev':
        return this.go(s.progress.current + (intent.type === 'next' ? 1 : -1));
      case 'copy':
        return this.copyCommand();
      case 'nextCommand': {
        const n = this.step().commands.length;
        return n > 1 ? this.patchView({ command: (s.view.command + 1) % n }) : undefined;
      }
      case 'scrollUp':
        return this.patchView({ scroll: Math.max(0, s.view.scroll - 1) });
      case 'scrollDown':
        return this.patchView({ scroll: Math.min(intent.max ?? Number.MAX_SAFE_INTEGER, s.view.scroll + 1) });
      case 'answer':
        return this.answer(intent.choice);
      case 'help':
        return this.patchView({ help: !s.view.help });
      case 'quit':
        void this.close();
        return;
      default:
        return;
    }
  }

  /** Stops whatever runs (its child processes are cancelled) and waits for the last save. */
  async close(): Promise<void> {
    if (this.state.closed) return this.saving;
    this.abort.abort();
    this.set({ ...this.state, closed: true });
    await this.saving;
  }

  // -- intents --------------------------------------------------------------------------------

  private operate(kind: BusyKind, text: string, fn: (signal: AbortSignal) => Promise<void>): void {
    const s = this.state;
    if (s.busy?.kind === 'check' && kind === 'check' && s.busy.stepId === this.step().id) {
      // Answers typed while the last ones are being checked: check once more afterwards.
      this.recheck = true;
      return;
    }
    if (s.busy) {
      this.notify('warn', `Still busy: ${s.busy.text.toLowerCase()}. Wait for it to finish, or press q to quit.`);
      return;
    }
    const stepId = this.step().id;
    this.set({ ...s, busy: { kind, stepId, text: `${text}...`, sinceMs: this.deps.clock.now() }, notice: null });
    const signal = this.abort.signal;
    this.running = fn(signal)
      .catch((err: unknown) => {
        if (signal.aborted) return;
        this.notify('error', renderError(err));
      })
      .finally(() => {
        if (this.state.closed) return;
        this.set({ ...this.state, busy: null });
        if (this.recheck) {
          this.recheck = false;
          this.operate('check', text, fn);
        }
      });
  }

  private setBusyText(text: string): void {
    const b = this.state.busy;
    if (b && !this.state.closed) this.set({ ...this.state, busy: { ...b, text } });
  }

  /** Checks step `index` (the one the key was pressed on, even if the student has moved on since). */
  private async checkStep(signal: AbortSignal, index: number, answers: Record<string, number>): Promise<void> {
    const step = this.state.lab.steps[index]!;
    const r = await this.deps.check(step, {
      answers,
      scope: scopeOf(this.state.progress),
      signal,
      onPoll: (outcomes) => {
        const ok = outcomes.filter((o) => o.result.pass).length;
        if (ok < outcomes.length) this.setBusyText(`Checking step ${index + 1}: ${ok} of ${outcomes.length} checks pass so far, waiting...`);
      },
    });
    if (signal.aborted) return;
    this.record(r);
    const firstFail = [...r.outcomes.filter((o) => !o.result.pass).map((o) => o.result.message), ...(r.quiz ?? []).filter((q) => !q.pass).map((q) => q.message)][0];
    const last = index === this.state.lab.steps.length - 1;
    this.notify(
      r.pass ? 'ok' : 'warn',
      r.pass
        ? `Step ${index + 1} '${step.title}' passed.${last ? ' That was the last step of this lab.' : " Press 'n' for the next step."}`
        : `Step ${index + 1} '${step.title}' is not done yet: ${firstFail ?? 'see the results'}`,
    );
  }

  private async solveCurrent(signal: AbortSignal): Promise<void> {
    const index = this.state.progress.current;
    const step = this.state.lab.steps[index]!;
    this.set({ ...this.state, log: [] });
    await this.deps.solve(step, {
      signal,
      log: (line) => {
        if (this.state.closed) return;
        const lines = line.split('\n');
        this.set({ ...this.state, log: [...this.state.log, ...lines].slice(-LOG_LINES) });
      },
    });
    if (signal.aborted) return;
    let answers = this.state.progress.answers;
    if (step.quiz) {
      // Solving a quiz step means being shown the answers, as `kafka-lab solve` does.
      answers = { ...answers, ...Object.fromEntries(step.quiz.map((q) => [q.id, q.answer])) };
      this.setProgress({ ...this.state.progress, answers });
      if (this.state.progress.current === index) this.patchView({ solution: true });
    }
    this.setBusyText(`Checking step ${index + 1}...`);
    await this.checkStep(signal, index, answers);
  }

  private injectFault(): void {
    const step = this.step();
    const f = step.fault;
    if (!f) {
      this.notify('info', `Step ${this.state.progress.current + 1} has no fault to inject. Steps with one say "This step's fault".`);
      return;
    }
    this.operate('fault', `Injecting this step's fault: ${f.action} ${f.target}`, async (signal) => {
      const e = await this.deps.fault(f, signal);
      const at = new Date(e.atMs).toISOString().slice(11, 19);
      this.notify('ok', `Injected at ${at}: ${f.action} ${e.container}${e.note && e.note !== e.container ? ` (${e.note})` : ''}. Watch the cluster panel.`);
    });
  }

  private copyCommand(): void {
    const step = this.step();
    const c = step.commands[this.state.view.command] ?? step.commands[0];
    if (!c) return this.notify('info', 'This step has no command to copy.');
    const text = render(c, this.state.templates);
    this.deps.copy(text);
    this.notify('info', `Copied to the terminal clipboard (OSC 52): ${text}`);
  }

  private answer(choice: number): void {
    const step = this.step();
    const questions = step.quiz ?? [];
    if (questions.length === 0) return;
    const q = questions[Math.min(this.state.view.question, questions.length - 1)]!;
    if (choice < 0 || choice >= q.choices.length) {
      return this.notify('warn', `Question ${q.id} has ${q.choices.length} choices: press 1 to ${q.choices.length}.`);
    }
    const answers = { ...this.state.progress.answers, [q.id]: choice };
    this.setProgress({ ...this.state.progress, answers });
    const index = questions.indexOf(q);
    const open = questions.findIndex((x, i) => i > index && answers[x.id] === undefined);
    const unanswered = questions.findIndex((x) => answers[x.id] === undefined);
    const nextQ = open >= 0 ? open : unanswered >= 0 ? unanswered : (index + 1) % questions.length;
    this.patchView({ question: nextQ });
    if (unanswered < 0) this.dispatch({ type: 'check' });
    else this.notify('info', `Answered ${q.id}: ${choice + 1}) ${q.choices[choice]}. Next: question ${nextQ + 1} of ${questions.length}.`);
  }

  private go(index: number): void {
    const s = this.state;
    if (index < 0) return this.notify('info', 'This is the first step.');
    if (index >= s.lab.steps.length) return this.notify('info', "This is the last step. Press 'q' to quit; your progress is saved.");
    this.setProgress({ ...s.progress, current: index });
    this.set({
      ...this.state,
      log: [],
      view: { hint: false, solution: false, command: 0, scroll: 0, question: firstUnanswered(s.lab.steps[index]!, s.progress.answers), help: false },
      notice: null,
    });
  }

  // -- state ----------------------------------------------------------------------------------

  private record(r: StepResult): void {
    this.setProgress(withResult(this.state.progress, r, this.deps.clock.now()));
  }

  private setProgress(p: LabProgress): void {
    const progress = { ...p, updatedAtMs: this.deps.clock.now() };
    this.set({ ...this.state, progress });
    const save = this.deps.store.save(progress).catch((err: unknown) => {
      this.notify('error', `Progress could not be saved: ${(err as Error).message}`);
    });
    this.saving = this.saving.then(() => save);
  }

  private patchView(v: Partial<SessionState['view']>): void {
    this.set({ ...this.state, view: { ...this.state.view, ...v } });
  }

  private notify(kind: Notice['kind'], text: string): void {
    if (this.state.closed) return;
    this.set({ ...this.state, notice: { kind, text } });
  }
}

function firstUnanswered(step: Step, answers: Record<string, number>): number {
  const i = (step.quiz ?? []).findIndex((q) => answers[q.id] === undefined);
  return Math.max(0, i);
}

// ---------------------------------------------------------------------------------------------
// The cluster watch: polls the inspector for the lab's topics and groups, one poll at a time.

export interface WatchState {
  snapshot: ClusterSnapshot | null;
  /** Row keys (see signatures) whose content changed within the highlight time, as of the last poll. */
  highlight: string[];
  polls: number;
  lastTookMs: number | null;
  /** Set when a poll failed as a whole; what the snapshot could not learn is in snapshot.unknown. */
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

/** What the cluster panel shows, row by row, as comparable strings; rows whose string changes are highlighted. */
export function signatures(s: ClusterSnapshot, topics: string[], groups: string[]): Record<string, string> {
  const out: Record<string, string> = {};
  const members = new Set(s.brokers.map((b) => b.id));
  const live = liveBrokers(s);
  for (const c of s.containers) {
    if (c.brokerId === undefined) continue;
    out[`broker:${c.brokerId}`] = `${c.state}|${members.has(c.brokerId)}|${s.controller === c.brokerId}`;
  }
  for (const name of topics) {
    const t = s.topics[name];
    out[`topic:${name}`] = t ? `${t.exists}|${t.partitions.length}` : '?';
    for (const p of t?.partitions ?? []) {
      out[`part:${name}:${p.partition}`] = `${p.leader}|${p.replicas.join(',')}|${p.isr.join(',')}|${p.offline.join(',')}`;
      for (const b of p.replicas) out[`cell:${name}:${p.partition}:${b}`] = replicaRole(p, b, live);
    }
  }
  for (const id of groups) {
    const g = s.groups[id];
    out[`group:${id}`] = g ? `${g.state}|${g.members.length}` : '-';
    for (const m of g?.members ?? []) out[`member:${id}:${m.memberId}`] = JSON.stringify(m.assignment);
  }
  return out;
}

/** The brokers known to be in the cluster, or null when the snapshot could not learn them. */
export function liveBrokers(s: ClusterSnapshot): Set<number> | null {
  if (s.brokers.length === 0 && s.unknown.length > 0 && s.containers.some((c) => c.brokerId !== undefined && c.state === 'running')) return null;
  return new Set(s.brokers.map((b) => b.id));
}

/**
 * A replica's role in its partition: leader on the preferred replica, leader elsewhere,
 * in-sync follower, out of sync (live but not in the ISR), offline (its broker is down), or none.
 */
export type Role = 'leader' | 'leader-moved' | 'in-sync' | 'out-of-sync' | 'offline' | 'none';

export function replicaRole(p: PartitionState, broker: number, live: Set<number> | null): Role {
  if (!p.replicas.includes(broker)) return 'none';
  if (p.leader === broker) return p.replicas[0] === broker ? 'leader' : 'leader-moved';
  if (p.offline.includes(broker) || (live !== null && !live.has(broker))) return 'offline';
  return p.isr.includes(broker) ? 'in-sync' : 'out-of-sync';
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
        this.set({ ...this.state, polls: this.state.polls + 1, error: (err as Error).message.split('\n')[0]!, lastTookMs: this.o.clock.now() - started });
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
    this.set({ snapshot: snap, highlight: Object.keys(this.changedAt).sort(), polls: this.state.polls + 1, lastTookMs: tookMs, error: null });
  }
}

/** The needs of the cluster panel: the lab's topics (with end offsets, for lag) and every group it uses. */
export const panelNeeds = labNeeds;

/** A lab with no checks, faults or solutions that act (a quiz) does not need the cluster. */
export function labNeedsCluster(lab: Lab): boolean {
  return lab.topics.length > 0 || lab.steps.some((s) => s.checks.length > 0 || s.fault !== undefined || s.solution.length > 0);
}

// ---------------------------------------------------------------------------------------------
// The application: pick a lab, bring the stack up if it is not, then the lab screen.

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

export interface AppDeps {
  labs: Lab[];
  stack: string;
  /** Each lab's saved progress on this stack, for the picker (read-only). */
  rows(): Promise<PickerRow[]>;
  /** Brings the stack up when it is not (reporting progress), then builds the session. */
  open(lab: Lab, o: { onProgress: (e: ProgressEvent) => void; signal: AbortSignal }): Promise<Opened>;
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

  constructor(private deps: AppDeps, initialLab?: Lab) {
    super(initialLab ? { phase: 'loading', text: `Opening ${initialLab.title}...` } : { phase: 'loading', text: 'Reading the labs...' });
    if (initialLab) this.openLab(initialLab);
    else void this.showPicker();
  }

  private async showPicker(): Promise<void> {
    const rows = await this.deps.rows().catch(() => this.deps.labs.map((l) => ({ id: l.ref, title: l.title, minutes: l.minutes, steps: l.steps.length, passed: 0, current: 0, started: false })));
    if (this.state.phase === 'loading') this.set({ phase: 'picker', rows, cursor: Math.max(0, rows.findIndex((r) => r.started && r.passed < r.steps)), help: false });
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
          const lab = this.deps.labs.find((l) => l.ref === s.rows[s.cursor]?.id);
          if (lab) this.openLab(lab);
        }
        return;
      case 'lab':
        return s.session.dispatch(intent);
      default:
        return;
    }
  }

  private openLab(lab: Lab): void {
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
