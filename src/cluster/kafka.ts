// kafkajs behind small functions. A fresh admin client per call: kafkajs metadata goes stale
// after leader changes (tulios/kafkajs#1175), and a lab cluster changes all the time.
import kafkajs from 'kafkajs';

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
}

export function kafkaClient(bootstrap: string, o: ClientOptions = {}) {
  return new Kafka({
    clientId: 'kafka-lab',
    brokers: bootstrap.split(','),
    logLevel: logLevel.NOTHING,
    connectionTimeout: o.connectionTimeoutMs ?? 1500,
    requestTimeout: o.requestTimeoutMs ?? 5000,
    retry: { retries: 0 },
  });
}

export async function withAdmin<T>(bootstrap: string, fn: (admin: kafkajs.Admin) => Promise<T>, o: ClientOptions = {}): Promise<T> {
  const admin = kafkaClient(bootstrap, o).admin();
  await admin.connect();
  try {
    return await fn(admin);
  } finally {
    await admin.disconnect().catch(() => {});
  }
}

export async function describeCluster(bootstrap: string, o: ClientOptions = {}): Promise<ClusterInfo> {
  const c = await withAdmin(bootstrap, (admin) => admin.describeCluster(), o);
  return {
    clusterId: c.clusterId,
    controller: c.controller ?? null,
    brokers: c.brokers.map((b) => ({ id: b.nodeId, host: b.host, port: b.port })).sort((a, b) => a.id - b.id),
  };
}
