// How much memory one stack needs, from its spec alone, so `doctor` can say how many stacks fit.
import type { ServiceSpec, StackSpec } from './stack.js';

// A JVM's resident size is below its -Xmx while a lab runs, plus a fixed part for metaspace, code
// cache and threads. Checked against `docker stats` of the built-in stack with the compose files'
// JVM flags, after three labs: brokers 148-166 MiB, ZooKeeper 87 MiB, 570 MiB in all (416 MiB just
// ready); these constants give 593 MiB, a little above on purpose.
const HEAP_SHARE = 0.6;
const JVM_FIXED_MiB = 80;
// A KRaft broker (Kafka 4) holds a little more beside its heap: after the same labs a KRaft stack
// measured 150-163 MiB per broker and 103-126 MiB per controller (800 MiB; these constants give 919).
const KRAFT_BROKER_FIXED_MiB = 90;
const NON_JVM_MiB = 5; // kcat's container is a shell sleeping

// When KAFKA_HEAP_OPTS is unset, the start scripts pick these (kafka-server-start, zookeeper-server-start).
const DEFAULT_BROKER_XMX_MiB = 1024;
const DEFAULT_ZOOKEEPER_XMX_MiB = 512;

/** Estimated resident memory of one stack, in MiB. */
export function stackMemoryMiB(spec: StackSpec): number {
  return Math.round(spec.services.reduce((sum, s) => sum + serviceMemoryMiB(s), 0));
}

export function serviceMemoryMiB(svc: ServiceSpec): number {
  const xmx = heapMaxMiB(svc);
  if (xmx === undefined) return NON_JVM_MiB;
  const kraftBroker = svc.role === 'broker' && svc.environment.KAFKA_PROCESS_ROLES !== undefined;
  return HEAP_SHARE * xmx + (kraftBroker ? KRAFT_BROKER_FIXED_MiB : JVM_FIXED_MiB);
}

/** The service's JVM -Xmx in MiB, or undefined when it runs no JVM. */
export function heapMaxMiB(svc: ServiceSpec): number | undefined {
  const opts = svc.environment.KAFKA_HEAP_OPTS;
  // Heap options without -Xmx leave the JVM's own default, which depends on the host: assume a broker's.
  if (opts !== undefined) return parseXmxMiB(opts) ?? DEFAULT_BROKER_XMX_MiB;
  return defaultXmxMiB(svc);
}

function defaultXmxMiB(svc: ServiceSpec): number | undefined {
  if (svc.role === 'broker' || svc.role === 'controller') return DEFAULT_BROKER_XMX_MiB;
  if (svc.role === 'zookeeper') return DEFAULT_ZOOKEEPER_XMX_MiB;
  return undefined;
}

const UNIT_MiB: Record<string, number> = { '': 1 / (1024 * 1024), k: 1 / 1024, m: 1, g: 1024, t: 1024 * 1024 };

/** '-Xmx256m -Xms64m' -> 256; the last -Xmx wins, as in the JVM. */
export function parseXmxMiB(opts: string): number | undefined {
  const all = [...opts.matchAll(/-Xmx(\d+)([kKmMgGtT]?)(?=\s|$)/g)];
  const last = all.at(-1);
  if (!last) return undefined;
  return Number(last[1]) * UNIT_MiB[last[2]!.toLowerCase()]!;
}

/** MemAvailable from /proc/meminfo text, in MiB. */
export function parseMemAvailableMiB(meminfo: string): number | undefined {
  const m = /^MemAvailable:\s+(\d+)\s+kB$/m.exec(meminfo);
  return m ? Number(m[1]) / 1024 : undefined;
}
