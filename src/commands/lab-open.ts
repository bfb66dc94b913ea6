// The lab command's work behind the screen: opening a lab on its stack (bringing the stack up when
// it is not), the session's real adapters, the plain-lines view and the summary after quitting.
// Loaded after the screen's first frame: it brings Docker, Kafka and the lab files.
import { EXIT, UserError } from '../core/errors.js';
import type { ProgressEvent } from '../core/events.js';
import { evidenceTopics, type Lab, type TemplateContext } from '../core/lab.js';
import { templatesOf } from '../core/templates.js';
import { stepText } from '../core/present.js';
import { LABEL, stackFlag, usesKraft, type Profile } from '../core/stack.js';
import { heal, injectFault } from '../faults/inject.js';
import { checkStep } from '../core/engine.js';
import { labNeeds, labNeedsCluster } from '../core/needs.js';
import { statusOf, type LabProgress, type LoadedProgress, type ProgressStore } from '../core/progress.js';
import { LabSession, type Notice, type SessionDeps } from '../core/session.js';
import { started } from '../lab/start.js';
import { openCourse, openLab } from '../lab/tracks.js';
import { fileProgressStore, progressPath } from '../lab/progress.js';
import { describeAction, runSolution } from '../lab/runner.js';
import { labsDir } from '../paths.js';
import { systemClock } from '../runtime/clock.js';
import { up } from '../runtime/up.js';
import type { AppDeps, LabApp, Opened, PickerRow } from '../ui/lab-app.js';
import { ClusterWatch } from '../ui/watch.js';
import { osc52 } from '../ui/terminal.js';
import type { Invocation, ParamValues, StackValues } from '../cli/command.js';
import { imageProvider, knownProfile, stackContext, stackOptionsOf, type StackContext } from '../context/stack.js';
import { labContext, stateDirOf, type LabContext } from '../context/lab.js';
import { labOf } from '../context/lab-ref.js';

/** What the lab screen reads of the invocation: the stack's flags and --param. */
export type LabInvocation = Invocation<StackValues & ParamValues>;

/** Not on a terminal: the course, or one lab's current step and its last results, as plain lines. */
export async function runPlain(inv: LabInvocation, labId: string | undefined): Promise<number> {
  const stack = stackOptionsOf(inv).stack;
  const stateDir = stateDirOf(inv.env);
  const store = fileProgressStore(stateDir, stack);
  const { labs } = await openCourse(labsDir);
  if (labId === undefined) return plain(inv, labs, undefined, stack, store, stateDir);
  // One look at the stack serves the lab's profile and, when the stack has that profile, its names.
  const seen = await stackContext(stackOptionsOf(inv)).catch(() => undefined);
  const opened = await labOf(inv.values, labId, store, { profile: await knownProfile(inv, seen) });
  return plain(inv, labs, { ...opened, seen }, stack, store, stateDir);
}

/** Reads the lab's file: a lab that does not exist is refused with the labs there are. */
export async function refuseUnknown(labId: string): Promise<void> {
  await openLab(labsDir, labId);
}

// -- plain lines --------------------------------------------------------------------------------

async function plain(
  inv: Invocation,
  labs: Lab[],
  opened: { lab: Lab; loaded: LoadedProgress; profile: Profile; seen?: StackContext } | undefined,
  stack: string,
  store: ProgressStore,
  stateDir: string,
): Promise<number> {
  const flag = stackFlag(stack);
  if (!opened) {
    const rows = await pickerRows(labs, store);
    const titleWidth = Math.max(...rows.map((r) => r.title.length)) + 2;
    for (const r of rows) {
      const state = !r.started ? 'not started' : `${r.passed}/${r.steps} passed, at step ${r.current + 1}`;
      inv.out.write(`${r.id.padEnd(34)} ${r.title.padEnd(titleWidth)} ${state}\n`);
    }
    inv.out.write(`\nOpen one with 'kafka-lab lab ID${flag}' (on a terminal it opens the lab screen).\n`);
    return EXIT.ok;
  }
  const { lab, loaded } = opened;
  if (loaded.warning) inv.err.write(`${loaded.warning}\n`);
  const p = loaded.progress;
  const { spec } =
    opened.seen?.knownProfile === opened.profile
      ? opened.seen
      : await stackContext({ ...stackOptionsOf(inv), profile: opened.profile });
  const templates = templatesOf(spec);
  inv.out.write(`${lab.title}  (lab ${lab.ref}, stack ${stack})\n\n`);
  for (const [i, s] of lab.steps.entries()) {
    const st = statusOf(p, s.id);
    const mark = st === 'passed' ? '✔' : st === 'failed' ? '✘' : '·';
    inv.out.write(
      `${i === p.current ? '>' : ' '} ${mark} ${String(i + 1).padStart(2)} ${s.id.padEnd(22)} ${s.title}${st === 'not-started' ? '' : `  (${st})`}\n`,
    );
  }
  const step = lab.steps[p.current]!;
  inv.out.write(`\n${stepText(step, p.current, lab.steps.length, templates, { hint: false, solution: false })}\n`);
  const r = p.steps[step.id];
  if (r) {
    inv.out.write(`\nLast check (${new Date(r.atMs).toISOString()}): ${r.status === 'passed' ? 'PASS' : 'FAIL'}\n`);
    for (const l of r.lines) inv.out.write(`  ${l.pass ? '✔' : '✘'} ${l.text}\n`);
    if (r.unknown.length) inv.out.write(`  (could not learn: ${r.unknown.join('; ')})\n`);
  } else {
    inv.out.write('\nNot checked yet.\n');
  }
  inv.out.write(
    `\nCheck it: kafka-lab check ${lab.ref} ${p.current + 1}${flag}    Solve it: kafka-lab solve ${lab.ref} ${p.current + 1}${flag}\n`,
  );
  inv.out.write(`Progress: ${progressPath(stateDir, stack, lab.ref)}\n`);
  return EXIT.ok;
}

// -- the lab screen -------------------------------------------------------------------------------

async function pickerRows(labs: Lab[], store: ProgressStore): Promise<PickerRow[]> {
  return Promise.all(
    labs.map(async (l) => {
      const { progress } = await store.load(l, { setAside: false });
      const passed = l.steps.filter((s) => statusOf(progress, s.id) === 'passed').length;
      const started = Object.keys(progress.steps).length > 0 || progress.current > 0;
      return {
        id: l.ref,
        title: l.title,
        minutes: l.minutes,
        steps: l.steps.length,
        passed,
        current: progress.current,
        started,
      };
    }),
  );
}

/** The stack is brought up when it does not exist, lacks a container, or has none running. */
export function stackNeedsUp(ctx: Pick<StackContext, 'existing' | 'spec'>): boolean {
  const services = new Set(ctx.existing.map((c) => c.labels[LABEL.service]));
  const missing = ctx.spec.services.some((s) => !services.has(s.service));
  return missing || !ctx.existing.some((c) => c.state === 'running');
}

function openingNotice(
  lab: Lab,
  p: LabProgress,
  warning: string | undefined,
  ctx: Pick<StackContext, 'existing'> | undefined,
): Notice | null {
  if (warning) return { kind: 'warn', text: warning };
  const stopped = (ctx?.existing ?? []).filter((c) => c.state !== 'running').map((c) => `${c.name} (${c.state})`);
  if (stopped.length)
    return {
      kind: 'warn',
      text: `Not running: ${stopped.join(', ')}. If a fault of this lab did that, carry on; otherwise press H to heal.`,
    };
  if (Object.keys(p.steps).length || p.current > 0)
    return { kind: 'info', text: `Welcome back: resuming ${lab.ref} at step ${p.current + 1}. Press ? for the keys.` };
  if (!lab.steps.some((s) => s.commands.length))
    return { kind: 'info', text: 'Press ? for the keys. Answer with the number keys; c checks the answers.' };
  return {
    kind: 'info',
    text: 'Press ? for the keys. Type the commands in another terminal, then press c to check the step.',
  };
}

function sessionDeps(inv: Invocation, lab: Lab, ctx: LabContext | undefined, store: ProgressStore): SessionDeps {
  const need = (): LabContext => {
    if (!ctx) throw new UserError('This lab does not use the cluster, so there is nothing to run or check there.');
    return ctx;
  };
  return {
    store,
    clock: systemClock,
    check: (step, o) =>
      checkStep(
        step,
        ctx?.inspector ?? { snapshot: async () => Promise.reject(new Error('this lab has no cluster')) },
        {
          clock: systemClock,
          signal: o.signal,
          answers: o.answers,
          scope: o.scope,
          keepReadsOf: evidenceTopics(lab),
          onPoll: (_snap, outcomes) => o.onPoll(outcomes),
        },
      ),
    solve: async (step, o) => {
      if (step.solution.length === 0) return;
      const c = need();
      await runSolution({ ...c.runner(o.log), signal: o.signal, faults: { ...c.faults, signal: o.signal } }, step);
    },
    fault: (f, signal) => injectFault({ ...need().faults, signal }, f.action, f.target),
    heal: (signal) => heal({ ...need().faults, signal }),
    copy: (text) => void inv.out.write(osc52(text)),
  };
}

export function labDeps(inv: LabInvocation, stack: string): AppDeps {
  const store = fileProgressStore(stateDirOf(inv.env), stack);
  let course: Promise<Lab[]> | undefined;
  const labs = () => (course ??= openCourse(labsDir).then((c) => c.labs));
  return {
    labs,
    stack,
    rows: async () => pickerRows(await labs(), store),
    async open(picked: Lab, o: { onProgress: (e: ProgressEvent) => void; signal: AbortSignal }): Promise<Opened> {
      // One look at the stack serves the lab's profile and, when the stack exists, the lab's context.
      const seen = await stackContext(stackOptionsOf(inv)).catch(() => undefined);
      // The student's own names: --param, or those the lab was started with.
      const { lab, loaded, profile } = await labOf(inv.values, picked.ref, store, {
        profile: await knownProfile(inv, seen),
      });
      const signal = AbortSignal.any([o.signal, inv.signal]);
      let ctx: LabContext | undefined;
      let observed: StackContext | undefined;
      let templates: TemplateContext;
      if (labNeedsCluster(lab)) {
        // A stack brought up for a lab gets the lab's profile.
        const opts = { ...stackOptionsOf(inv), profile };
        observed = seen?.knownProfile === profile ? seen : await stackContext(opts);
        const fresh = !stackNeedsUp(observed);
        if (!fresh) {
          const s = observed;
          await up({
            rt: s.rt,
            spec: s.spec,
            sink: o.onProgress,
            clock: systemClock,
            signal,
            labels: s.labels,
            provideImage: imageProvider(
              s,
              opts,
              (line) => o.onProgress({ kind: 'step', message: line, atMs: 0 }),
              signal,
            ),
          });
          observed = undefined; // all running now: nothing to warn about
        }
        ctx = await labContext({ ...inv, signal }, fresh ? observed : undefined);
        templates = ctx.templates;
      } else {
        const spec = (await stackContext({ ...stackOptionsOf(inv), profile }).catch(() => undefined))?.spec;
        templates = spec ? templatesOf(spec) : { containers: {}, bootstrap: '', internalBootstrap: '', network: '' };
      }
      // Opening a lab starts it: from now on its checks count only what the student does here.
      if (ctx && !loaded.progress.baseline) {
        const c = ctx;
        loaded.progress = await started(c.inspector, lab, loaded.progress, {
          stop: (service) => injectFault(c.faults, 'stop', service),
        });
        await store.save(loaded.progress);
      }
      const solutions = Object.fromEntries(
        lab.steps.map((s) => [s.id, s.solution.map((a) => describeAction(a, templates))]),
      );
      const session = new LabSession(sessionDeps({ ...inv, signal }, lab, ctx, store), {
        lab,
        stack,
        templates,
        progress: loaded.progress,
        solutions,
        notice: openingNotice(lab, loaded.progress, loaded.warning, observed),
      });
      const watch = ctx
        ? new ClusterWatch({
            inspector: ctx.inspector,
            needs: labNeeds(lab),
            clock: systemClock,
            intervalMs: 1000,
            quorumEveryMs: usesKraft(ctx.spec) ? 5000 : undefined,
            changes: (onChange, signal) =>
              ctx.rt.events({ label: [`${LABEL.stack}=${stack}`] }, (e) => onChange(e.action), signal),
            // Calm: every 10 s. After an event or a change, every second for a minute: long enough
            // for what follows a fault without one of its own (ISRs shrinking after 10 s, preferred
            // leaders back within 30 s).
            idleIntervalMs: 10_000,
            activeMs: 60_000,
          })
        : null;
      return { session, watch };
    },
  };
}

export function summary(inv: Invocation, app: LabApp, stack: string): void {
  const last = app.lastSession;
  if (!last) return;
  const st = last.getState();
  const passed = st.lab.steps.filter((s) => statusOf(st.progress, s.id) === 'passed').length;
  inv.out.write(
    `${st.lab.ref}: ${passed}/${st.lab.steps.length} steps passed, at step ${st.progress.current + 1}. Progress saved; stack ${stack} keeps running.\n`,
  );
}
