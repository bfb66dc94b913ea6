// kafkajs behind small functions. A fresh admin client per call: kafkajs metadata goes stale
// after leader changes (tulios/kafkajs#1175), and a lab cluster changes all the time.
import kafkajs from 'kafkajs';
import { routedSockets } from './route.js';

const { Kafka, logLevel } = kafkajs;

export interface BrokerInfo {
  id: number;
  host: string;
  port: number;
}

export interface ClusterInfo {
  clusterId: string;
  controller: number | null;
  brokers: BrokerInfo[];
}

export interface ClientOptions {
  connectionTimeoutMs?: number;
  requestTimeoutMs?: number;
  /** kafkajs' own retries (default none: callers poll with their own deadlines) */
  retries?: number;
}

export function kafkaClient(bootstrap: string, o: ClientOptions = {}) {
  return new Kafka({
    clientId: 'kafka-lab',
    brokers: bootstrap.split(','),
    logLevel: logLevel.NOTHING,
    connectionTimeout: o.connectionTimeoutMs ?? 1500,
    requestTimeout: o.requestTimeoutMs ?? 5000,
    retry: { retries: o.retries ?? 0 },
    socketFactory: routedSockets,
  });
}

export async function withAdmin<T>(
  bootstrap: string,
  fn: (admin: kafkajs.Admin) => Promise<T>,
  o: ClientOptions = {},
): Promise<T> {
  const admin = kafkaClient(bootstrap, o).admin();
  try {
    await admin.connect();
    return await fn(admin);
  } finally {
    await admin.disconnect().catch(() => {});
  }
}

/**
 * Asks every bootstrap broker at once and takes the first answer: a paused or cut-off broker
 * accepts connections and never replies, and kafkajs would wait on it as its seed.
 */
export async function describeCluster(
  bootstrap: string,
  o: ClientOptions = {},
): Promise<ClusterInfo & { seed: string }> {
  // Each attempt closes its own client when it settles: closing one mid-connect makes kafkajs
  // reject a promise nobody holds.
  const attempts = bootstrap.split(',').map((seed) =>
    withAdmin(seed, (admin) => admin.describeCluster(), { requestTimeoutMs: 3000, ...o }).then((c) => ({
      seed,
      clusterId: c.clusterId,
      controller: c.controller ?? null,
      brokers: c.brokers.map((b) => ({ id: b.nodeId, host: b.host, port: b.port })).sort((a, b) => a.id - b.id),
    })),
  );
  try {
    return await Promise.any(attempts);
  } catch (err) {
    const first = (err as AggregateError).errors?.[0] as Error | undefined;
    throw new Error(`no broker of ${bootstrap} answered${first ? `: ${first.message}` : ''}`, { cause: err });
  }
}
