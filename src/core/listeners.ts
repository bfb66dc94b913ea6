import type { ServiceSpec, StackSpec } from './stack.js';
import { brokerServices } from './stack.js';

/** host:port of a broker on the stack's own network (its inter-broker listener). */
export function internalAddress(s: ServiceSpec): string {
  const name = s.environment.KAFKA_INTER_BROKER_LISTENER_NAME ?? 'PLAINTEXT';
  const entry = (s.environment.KAFKA_ADVERTISED_LISTENERS ?? '').split(',').find((l) => l.startsWith(`${name}://`));
  return entry ? entry.slice(name.length + 3) : `${s.service}:9092`;
}

/** host:port of every broker on the stack's own network. */
export function internalBootstrap(spec: StackSpec): string {
  return brokerServices(spec).map(internalAddress).join(',');
}
