// Fixtures for the UI tests: snapshots, a quiz lab, fake engine dependencies that record what the
// keys asked for, and waitForFrame (poll the last frame with a deadline, never a fixed sleep).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Fault, Lab, Step, TemplateContext } from '../../src/core/lab.js';
import type { ClusterSnapshot, PartitionState } from '../../src/core/snapshot.js';
import type { Clock } from '../../src/core/wait.js';
import { Interrupted } from '../../src/core/errors.js';
import type { StepResult } from '../../src/core/engine.js';
import { parseLab } from '../../src/lab/load.js';
import type { LabProgress, ProgressStore } from '../../src/core/progress.js';
import { emptyProgress } from '../../src/core/progress.js';
import type { SessionDeps } from '../../src/core/session.js';
import type { FaultEvent } from '../../src/faults/log.js';
import { labsDir } from '../../src/paths.js';
import { eventually } from '../poll.js';

export const brokerFailover: Lab = parseLab(
  join(labsDir, 'broker-failover.yaml'),
  readFileSync(join(labsDir, 'broker-failover.yaml'), 'utf8'),
);

export const quizLab: Lab = parseLab(
  'quiz.yaml',
  `id: quiz
title: Quiz
summary: Questions.
minutes: 5
steps:
  - id: questions
    title: Two questions
    instructions: Answer both.
    quiz:
      - id: q1
        question: First?
        choices: [a, b, c]
        answer: 1
        explain: Because b.
      - id: q2
        question: Second?
        choices: [x, y]
        answer: 0
        explain: Because x.
  - id: after
    title: After
    instructions: Done.
`,
);

export const templates: TemplateContext = {
  containers: {
    zookeeper: 'ui-t-zookeeper',
    'kafka-1': 'ui-t-kafka-1',
    'kafka-2': 'ui-t-kafka-2',
    'kafka-3': 'ui-t-kafka-3',
    kcat: 'ui-t-kcat',
  },
  bootstrap: '127.0.0.1:29592,127.0.0.1:29593,127.0.0.1:29594',
  internalBootstrap: 'kafka-1:19092,kafka-2:19093,kafka-3:19094',
  network: 'kafka-lab-ui-t',
};

export const TOPIC = 'my-failsafe-topic';

/** Partition i has replicas rotated from broker 1 + i % 3, like Kafka's assignment for 3 brokers. */
export function partitions(
  n: number,
  f: (p: PartitionState) => Partial<PartitionState> = () => ({}),
): PartitionState[] {
  return Array.from({ length: n }, (_, i) => {
    const replicas = [1 + (i % 3), 1 + ((i + 1) % 3), 1 + ((i + 2) % 3)];
    const p: PartitionState = { partition: i, leader: replicas[0]!, replicas, isr: [...replicas], offline: [] };
    return { ...p, ...f(p) };
  });
}

export function snapshot(over: Partial<ClusterSnapshot> = {}): ClusterSnapshot {
  return {
    atMs: Date.UTC(2026, 0, 1, 12, 0, 0),
    brokers: [1, 2, 3].map((id) => ({ id, host: '127.0.0.1', port: 29591 + id })),
    controller: 1,
    containers: [
      { service: 'zookeeper', name: 'ui-t-zookeeper', state: 'running' },
      ...[1, 2, 3].map((id) => ({ service: `kafka-${id}`, name: `ui-t-kafka-${id}`, state: 'running', brokerId: id })),
      { service: 'kcat', name: 'ui-t-kcat', state: 'running' },
    ],
    topics: { [TOPIC]: { name: TOPIC, exists: true, configs: {}, partitions: partitions(13) } },
    groups: {
      mygroup: {
        groupId: 'mygroup',
        state: 'Stable',
        protocolType: 'consumer',
        members: [
          {
            memberId: 'rdkafka-b',
            clientId: 'rdkafka',
            host: '/10.0.0.8',
            assignment: { [TOPIC]: [7, 8, 9, 10, 11, 12] },
          },
          {
            memberId: 'rdkafka-a',
            clientId: 'rdkafka',
            host: '/10.0.0.7',
            assignment: { [TOPIC]: [0, 1, 2, 3, 4, 5, 6] },
          },
        ],
        offsets: { [TOPIC]: Object.fromEntries(Array.from({ length: 13 }, (_, i) => [i, 1])) },
      },
    },
    endOffsets: { [TOPIC]: Object.fromEntries(Array.from({ length: 13 }, (_, i) => [i, i === 3 ? 4 : 1])) },
    messages: {},
    acked: {},
    lastFaultMs: null,
    gaps: [],
    ...over,
  };
}

/** kafka-2 stopped: out of the cluster, leaders moved off it, every ISR shrunk to two. */
export function broker2Stopped(): ClusterSnapshot {
  const s = snapshot();
  return {
    ...s,
    brokers: s.brokers.filter((b) => b.id !== 2),
    containers: s.containers.map((c) => (c.brokerId === 2 ? { ...c, state: 'exited' } : c)),
    topics: {
      [TOPIC]: {
        name: TOPIC,
        exists: true,
        configs: {},
        partitions: partitions(13, (p) => {
          const isr = p.replicas.filter((r) => r !== 2);
          return { leader: p.leader === 2 ? isr[0]! : p.leader, isr, offline: [2] };
        }),
      },
    },
  };
}

/** Broker 3 is up but has fallen out of partition 4's ISR. */
export function shrunkIsr(): ClusterSnapshot {
  return snapshot({
    topics: {
      [TOPIC]: {
        name: TOPIC,
        exists: true,
        configs: {},
        partitions: partitions(13, (p) => (p.partition === 4 ? { isr: p.replicas.filter((r) => r !== 3) } : {})),
      },
    },
  });
}

/** Partition 1's preferred replica (2) is in sync, but broker 3 leads it. */
export function nonPreferredLeader(): ClusterSnapshot {
  return snapshot({
    topics: {
      [TOPIC]: {
        name: TOPIC,
        exists: true,
        configs: {},
        partitions: partitions(13, (p) => (p.partition === 1 ? { leader: 3 } : {})),
      },
    },
  });
}

export class MemoryStore implements ProgressStore {
  saved: LabProgress[] = [];
  constructor(private initial: Record<string, LabProgress> = {}) {}
  async load(lab: Lab) {
    return { progress: this.initial[lab.id] ?? emptyProgress(lab, 'ui-t') };
  }
  async save(p: LabProgress) {
    this.saved.push(p);
    this.initial[p.lab] = p;
  }
}

export const realClock: Clock = {
  now: () => Date.now(),
  pause: (ms, signal) =>
    new Promise<void>((resolve, reject) => {
      if (signal?.aborted) return reject(new Interrupted());
      const t = setTimeout(resolve, ms);
      signal?.addEventListener('abort', () => {
        clearTimeout(t);
        reject(new Interrupted());
      });
    }),
};

export interface Calls {
  check: { step: string; answers: Record<string, number> }[];
  solve: string[];
  fault: Fault[];
  heal: number;
  copy: string[];
}

/** Engine dependencies that record each call; `result` decides what a check returns. */
export function fakeDeps(
  o: { store?: ProgressStore; pass?: (step: Step) => boolean; gate?: Promise<void> } = {},
): SessionDeps & { calls: Calls; signals: AbortSignal[] } {
  const calls: Calls = { check: [], solve: [], fault: [], heal: 0, copy: [] };
  const signals: AbortSignal[] = [];
  return {
    calls,
    signals,
    store: o.store ?? new MemoryStore(),
    clock: realClock,
    async check(step, c): Promise<StepResult> {
      calls.check.push({ step: step.id, answers: c.answers });
      signals.push(c.signal);
      await o.gate;
      const pass = o.pass ? o.pass(step) : true;
      const outcomes = step.checks.map((check) => ({
        check,
        result: { pass, score: pass ? 1 : 0, message: `${check.kind} ${pass ? 'holds' : 'does not hold yet'}` },
      }));
      const quiz = step.quiz?.map((q) => ({
        id: q.id,
        pass: c.answers[q.id] === q.answer,
        message: `${q.id}: ${c.answers[q.id] === q.answer ? 'right' : 'wrong'}`,
      }));
      return {
        stepId: step.id,
        pass: pass && (quiz?.every((q) => q.pass) ?? true),
        outcomes,
        quiz,
        gaps: [],
        tookMs: 5,
      };
    },
    async solve(step, c) {
      calls.solve.push(step.id);
      signals.push(c.signal);
      c.log(`$ solving ${step.id}`);
      await o.gate;
    },
    async fault(f, signal): Promise<FaultEvent> {
      calls.fault.push(f);
      signals.push(signal);
      return {
        at: '',
        atMs: Date.UTC(2026, 0, 1, 12, 0, 5),
        action: f.action,
        target: f.target,
        container: `ui-t-${f.target}`,
        service: f.target,
        before: { brokers: [1, 2, 3], controller: 1 },
      };
    },
    async heal() {
      calls.heal++;
      return [];
    },
    copy(text) {
      calls.copy.push(text);
    },
  };
}

/** Polls `read` until `ok` holds of what it returns (by `eventually`); the timeout error shows the last value read. */
export async function waitFor<T>(read: () => T, ok: (v: T) => boolean, what: string, timeoutMs = 4000): Promise<T> {
  const held = await eventually(
    what,
    timeoutMs,
    async () => {
      const v = read();
      if (ok(v)) return { v };
      throw new Error(String(v));
    },
    { intervalMs: 5 },
  );
  return held.v;
}

export function waitForFrame(
  inst: { lastFrame: () => string | undefined },
  ok: (frame: string) => boolean,
  what: string,
  timeoutMs?: number,
): Promise<string> {
  return waitFor(() => inst.lastFrame() ?? '', ok, what, timeoutMs);
}
