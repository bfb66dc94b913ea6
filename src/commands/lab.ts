// `kafka-lab lab [LAB]`: the lab screen on a terminal (pick a lab, bring the stack up if it is not,
// then steps, checks and a live cluster panel), or plain lines anywhere else. This module draws;
// lab-open.ts wires the real adapters (checkStep, runSolution, injectFault, heal, the inspector).
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { createElement } from 'react';
import { render } from 'ink';
import { EXIT, UsageError } from '../core/errors.js';
import type { Lab } from '../core/lab.js';
import { checkStackName, DEFAULT_STACK } from '../core/stack.js';
import { labsDir } from '../paths.js';
import { App } from '../ui/App.js';
import { LabApp, type AppDeps } from '../ui/lab-app.js';
import { ALT_SCREEN_OFF, ALT_SCREEN_ON, colorAllowed, SHOW_CURSOR } from '../ui/terminal.js';
import { command, paramOptions, stackOptions, upOptions } from '../cli/command.js';
import type { LabInvocation } from './lab-open.js';

// Docker, Kafka and the lab files come with lab-open.js, after the first frame.
const work = () => import('./lab-open.js');

export const labCommand = command({
  name: 'lab',
  usage: 'kafka-lab lab [LAB] [--stack NAME] [--images confluent|local] [--port-base PORT]',
  details: [
    'On a terminal: a lab picker (without LAB), then the lab screen; the stack is brought up first if it',
    "is not. Press '?' there for the keys. Progress is saved per stack and lab, and reopening resumes it.",
    'Not on a terminal (or with CI set): prints the current step and its last results as plain lines.',
    'Quitting leaves the stack running. NO_COLOR turns colours off.',
  ].join('\n'),
  options: { ...stackOptions, ...upOptions, ...paramOptions },
  maxPositionals: 1,
  async run(inv) {
    const stack = inv.values.stack ?? DEFAULT_STACK;
    const bad = checkStackName(stack);
    if (bad) throw new UsageError(bad);
    const [labId] = inv.positionals;
    const terminal = inv.interactive && process.stdin.isTTY === true;
    if (!terminal) return (await work()).runPlain(inv, labId);
    // The screen's first frame comes before Docker or Kafka is asked anything. A lab whose file is not
    // there is refused first, with the labs there are; the rest happens behind "Opening...".
    if (labId !== undefined && !labId.includes('/') && !existsSync(join(labsDir, `${labId}.yaml`)))
      await (await work()).refuseUnknown(labId);
    return interactive(inv, labId === undefined ? undefined : { ref: labId, title: labId }, stack);
  },
});

/** The app's dependencies, each loading lab-open.js on first use. */
function lazyDeps(inv: LabInvocation, stack: string): AppDeps {
  let real: Promise<AppDeps> | undefined;
  const get = () => (real ??= work().then((m) => m.labDeps(inv, stack)));
  return {
    stack,
    labs: async () => (await get()).labs(),
    rows: async () => (await get()).rows(),
    open: async (lab, o) => (await get()).open(lab, o),
  };
}

async function interactive(
  inv: LabInvocation,
  lab: Pick<Lab, 'ref' | 'title'> | undefined,
  stack: string,
): Promise<number> {
  const out = inv.out;
  const color = colorAllowed(inv.env);
  const restore = () => out.write(`${SHOW_CURSOR}${ALT_SCREEN_OFF}`);
  // Whatever happens (a crash, a second Ctrl-C that exits at once), the shell gets its screen back.
  process.on('exit', restore);
  out.write(ALT_SCREEN_ON);
  const app = new LabApp(lazyDeps(inv, stack), lab);
  const onAbort = () => app.interrupt();
  inv.signal.addEventListener('abort', onAbort);
  const ink = render(createElement(App, { app, stack, color }), {
    stdout: out,
    stdin: process.stdin,
    exitOnCtrlC: false,
    patchConsole: false,
  });
  try {
    const code = await Promise.race([app.done, ink.waitUntilExit().then(() => EXIT.bug)]);
    return code;
  } finally {
    inv.signal.removeEventListener('abort', onAbort);
    ink.unmount();
    restore();
    process.off('exit', restore);
    if (app.message) inv.err.write(`${app.message}\n`);
    if (app.lastSession) (await work()).summary(inv, app, stack);
  }
}
