// Wires one stack's adapters for the lab commands: inspector, templates, faults and runner.
import { homedir } from 'node:os';
import { join } from 'node:path';
import type { Runtime } from '../core/runtime.js';
import { UserError } from '../core/errors.js';
import type { TemplateContext } from '../core/lab.js';
import { templatesOf } from '../core/templates.js';
import { internalBootstrap } from '../core/listeners.js';
import type { Position } from '../core/snapshot.js';
import { bootstrapServers, brokerServices, LABEL, stackFlag, usesKraft, type StackSpec } from '../core/stack.js';
import { describeQuorum } from '../cluster/quorum.js';
import { createInspector, type Inspector } from '../cluster/inspector.js';
import { injectFault, type FaultContext } from '../faults/inject.js';
import type { RunnerContext } from '../lab/runner.js';
import { readAcked } from '../faults/acked.js';
import { readEvents } from '../faults/log.js';
import { systemClock } from '../runtime/clock.js';
import { dockerCommands } from '../runtime/commands.js';
import { stackContainers } from '../runtime/find.js';
import { readTopicFromHost } from '../cluster/canary.js';
import type { Invocation } from '../cli/command.js';
import { engineWords, stackContext, type StackContext } from './stack.js';
import { stackOptionsOf } from './stack.js';

export interface LabContext extends StackContext {
  inspector: Inspector;
  templates: TemplateContext;
  faults: FaultContext;
  stateDir: string;
  runner(log: (line: string) => void): RunnerContext;
}

export function stateDirOf(env: NodeJS.ProcessEnv): string {
  return env.KAFKA_LAB_STATE ?? join(homedir(), '.local', 'state', 'kafka-lab');
}

/** `seen`: the stack's context, when the caller has just built it. */
export async function labContext(inv: Invocation, seen?: StackContext): Promise<LabContext> {
  const ctx = seen ?? (await stackContext(stackOptionsOf(inv)));
  const { spec, rt } = ctx;
  if (ctx.existing.length === 0) {
    throw new UserError(
      `Stack '${spec.stack}' does not exist on ${engineWords(rt)}.`,
      `Create it with 'kafka-lab up${stackFlag(spec.stack)}'.`,
    );
  }
  const stateDir = stateDirOf(inv.env);
  const inspector = stackInspector(rt, spec, stateDir);
  const templates = templatesOf(spec);
  const faults: FaultContext = { rt, spec, stateDir, inspector, clock: systemClock, signal: inv.signal };
  return {
    ...ctx,
    inspector,
    templates,
    faults,
    stateDir,
    runner: (log) => ({ rt, commands: dockerCommands(rt), spec, templates, faults, stateDir, log, signal: inv.signal }),
  };
}

/** Stops a broker as a lab begins (a lab that starts with one broker), and says so. */
export function stopFor(ctx: LabContext, inv: Pick<Invocation, 'err'>): (service: string) => Promise<unknown> {
  return async (service) => {
    inv.err.write(`This lab begins with ${service} stopped: stopping it.\n`);
    return injectFault(ctx.faults, 'stop', service);
  };
}

/**
 * One stack's inspector: kafkajs from the host, kcat inside the stack, Docker for containers.
 * The grader's (`grader: true`) never runs anything in the stack: it reads topics with its own client.
 */
export function stackInspector(
  rt: Runtime,
  spec: StackSpec,
  stateDir: string,
  o: { grader?: boolean } = {},
): Inspector {
  const bootstrap = bootstrapServers(spec);
  return createInspector({
    bootstrap,
    ...(o.grader
      ? { readMessages: (topic: string, through?: Position) => readTopicFromHost(bootstrap, topic, through) }
      : { exec: execIn(rt, spec) }),
    internalBootstrap: internalBootstrap(spec),
    now: () => systemClock.now(),
    acked: (topic) => readAcked(stateDir, spec.stack, topic),
    // kafkajs cannot ask for the quorum: the Kafka tool in a broker container does (grader too).
    quorum: usesKraft(spec) ? () => describeQuorum(rt, spec, { replication: true }) : undefined,
    // Whoever caused it: kafka-lab's event log, or a broker container that stopped (docker stop by hand).
    async lastFaultMs() {
      const logged = (await readEvents(stateDir, spec.stack)).filter((e) => e.action !== 'heal').map((e) => e.atMs);
      const stopped = await Promise.all(
        brokerServices(spec).map(async (s) => {
          const info = await rt.inspect(s.containerName);
          return info?.finishedAtMs ?? 0;
        }),
      );
      const last = Math.max(0, ...logged, ...stopped);
      return last > 0 ? last : null;
    },
    async containers() {
      const found = await stackContainers(rt, spec.stack);
      return spec.services.map((svc) => {
        const c = found.find((x) => x.labels[LABEL.service] === svc.service);
        return {
          service: svc.service,
          name: svc.containerName,
          state: c?.state ?? 'missing',
          brokerId: svc.brokerId,
          role: svc.role,
        };
      });
    },
  });
}

/** Runs a command in one of the stack's containers (the student's own view, never the grader's). */
function execIn(rt: Runtime, spec: StackSpec) {
  return async (service: string, argv: string[], timeoutMs: number): Promise<string> => {
    const svc = spec.services.find((s) => s.service === service);
    if (!svc) throw new Error(`no service ${service} in stack ${spec.stack}`);
    const r = await rt.exec(svc.containerName, argv, { timeoutMs });
    if (r.exitCode !== 0)
      throw new Error(`docker exec ${svc.containerName} ${argv[0]} exited ${r.exitCode}: ${r.stderr.split('\n')[0]}`);
    return r.stdout;
  };
}
