// Where kafka-lab's Kafka clients connect for an address a broker advertises. Brokers of a stack on another
// host's engine advertise 127.0.0.1:PORT of that host; the stack context forwards those ports through SSH
// and records the local ends here. Kept per process, keyed by port: every caller holds a bootstrap string,
// and a classroom's port blocks are unique across its engines.
import net from 'node:net';
import type kafkajs from 'kafkajs';

const routes = new Map<number, number>();

/** Remote loopback port -> local port that forwards to it. */
export function routeKafka(forwards: Map<number, number>): void {
  for (const [remote, local] of forwards) routes.set(remote, local);
}

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '::1']);

/** kafkajs' socket factory: a forwarded address goes to its local end, anything else as kafkajs would. */
export const routedSockets: kafkajs.ISocketFactory = ({ host, port, ssl, onConnect }) => {
  const local = LOOPBACK.has(host) ? routes.get(port) : undefined;
  if (ssl) throw new Error('kafka-lab connects to its stacks without TLS');
  const socket = net.connect({ host: local ? '127.0.0.1' : host, port: local ?? port }, onConnect);
  socket.setKeepAlive(true, 60_000);
  return socket;
};
