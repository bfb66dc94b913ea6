// The lab session: one lab on one stack, behind the lab screen. The UI renders its state and dispatches
// intents; every intent that touches Docker or Kafka goes to the same functions the commands use
// (checkStep, runSolution, injectFault, heal), passed in as dependencies. State objects are immutable:
// each change makes a new one (see store.ts).
import type { CheckOutcome, StepResult } from './engine.js';
import { renderError } from './errors.js';
import type { InjectedFault } from './faults.js';
import { render, type Fault, type Lab, type Step, type TemplateContext } from './lab.js';
import { scopeOf, withResult, type LabProgress, type ProgressStore } from './progress.js';
import type { LabScope } from './scope.js';
import { Store } from './store.js';
import type { Clock } from './wait.js';

/** What a key asks for (ui/keymap.ts maps keys to these); the picker's last three are the app's (ui/lab-app.ts). */
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
  check(
    step: Step,
    o: {
      answers: Record<string, number>;
      scope: LabScope;
      signal: AbortSignal;
      onPoll: (outcomes: CheckOutcome[]) => void;
    },
  ): Promise<StepResult>;
  solve(step: Step, o: { log: (line: string) => void; signal: AbortSignal }): Promise<void>;
  fault(f: Fault, signal: AbortSignal): Promise<InjectedFault>;
  heal(signal: AbortSignal): Promise<InjectedFault[]>;
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

  constructor(
    private deps: SessionDeps,
    o: SessionOptions,
  ) {
    const progress = { ...o.progress, current: Math.max(0, Math.min(o.progress.current, o.lab.steps.length - 1)) };
    super({
      lab: o.lab,
      stack: o.stack,
      templates: o.templates,
      solutions: o.solutions ?? {},
      progress,
      view: {
        hint: false,
        solution: false,
        command: 0,
        scroll: 0,
        question: firstUnanswered(o.lab.steps[progress.current]!, progress.answers),
        help: false,
      },
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
        return this.operate('check', `Checking step ${index + 1}`, (signal) =>
          this.checkStep(signal, index, this.state.progress.answers),
        );
      }
      case 'solve':
        return this.operate('solve', `Running the solution of step ${s.progress.current + 1}`, (signal) =>
          this.solveCurrent(signal),
        );
      case 'fault':
        return this.injectFault();
      case 'heal':
        return this.operate('heal', 'Healing the stack', async (signal) => {
          const events = await this.deps.heal(signal);
          this.notify(
            events.length ? 'ok' : 'info',
            events.length
              ? `Healed: ${events.map((e) => `${e.container} ${e.note ?? ''}`.trim()).join('; ')}.`
              : 'Nothing to heal: every container is running, unpaused and connected.',
          );
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
        if (ok < outcomes.length)
          this.setBusyText(`Checking step ${index + 1}: ${ok} of ${outcomes.length} checks pass so far, waiting...`);
      },
    });
    if (signal.aborted) return;
    this.record(r);
    const firstFail = [
      ...r.outcomes.filter((o) => !o.result.pass).map((o) => o.result.message),
      ...(r.quiz ?? []).filter((q) => !q.pass).map((q) => q.message),
    ][0];
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
      this.notify(
        'info',
        `Step ${this.state.progress.current + 1} has no fault to inject. Steps with one say "This step's fault".`,
      );
      return;
    }
    this.operate('fault', `Injecting this step's fault: ${f.action} ${f.target}`, async (signal) => {
      const e = await this.deps.fault(f, signal);
      const at = new Date(e.atMs).toISOString().slice(11, 19);
      this.notify(
        'ok',
        `Injected at ${at}: ${f.action} ${e.container}${e.note && e.note !== e.container ? ` (${e.note})` : ''}. Watch the cluster panel.`,
      );
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
    else
      this.notify(
        'info',
        `Answered ${q.id}: ${choice + 1}) ${q.choices[choice]}. Next: question ${nextQ + 1} of ${questions.length}.`,
      );
  }

  private go(index: number): void {
    const s = this.state;
    if (index < 0) return this.notify('info', 'This is the first step.');
    if (index >= s.lab.steps.length)
      return this.notify('info', "This is the last step. Press 'q' to quit; your progress is saved.");
    this.setProgress({ ...s.progress, current: index });
    this.set({
      ...this.state,
      log: [],
      view: {
        hint: false,
        solution: false,
        command: 0,
        scroll: 0,
        question: firstUnanswered(s.lab.steps[index]!, s.progress.answers),
        help: false,
      },
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
    const save = this.deps.store.save(progress).then(
      (r) => {
        if (r) this.notify('info', r.notice);
      },
      (err: unknown) => {
        this.notify('error', `Progress could not be saved: ${(err as Error).message}`);
      },
    );
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
