// Where kafka-lab's Kafka clients connect for an address a broker advertises. Brokers of a stack on another
// host's engine advertise 127.0.0.1:PORT of that host; the stack context forwards those ports through SSH
// and records the local ends here. Kept per process, keyed by port: every caller holds a bootstrap string,
// and a classroom's port blocks are unique across its engines. Two engines' stacks on one port in one run
// are refused rather than mixed up.
import net from 'node:net';
import type kafkajs from 'kafkajs';
import { UserError } from '../core/errors.js';

interface Route {
  engine: string;
  stack: string;
  /** The local end of the forward; undefined: the port is this host's own. */
  local: number | undefined;
}

const routes = new Map<number, Route>();

/** The stack's loopback ports on `engine`: remote port -> local port that forwards to it (or undefined: direct). */
export function routeKafka(engine: string, stack: string, forwards: Map<number, number | undefined>): void {
  for (const [port, local] of forwards) {
    const seen = routes.get(port);
    // Two engines of this host both give the port directly; only a forwarded one can be mixed up.
    if (seen && seen.engine !== engine && (seen.local !== undefined || local !== undefined)) {
      throw new UserError(
        `Port ${port} is used by stack '${seen.stack}' on ${seen.engine} and by stack '${stack}' on ${engine}; kafka-lab cannot reach both in one run.`,
        'Act on them one engine at a time (--context), or give the stacks distinct --port-base blocks.',
      );
    }
    routes.set(port, { engine, stack, local });
  }
}

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '::1']);

/** kafkajs' socket factory: a forwarded address goes to its local end, anything else as kafkajs would. */
export const routedSockets: kafkajs.ISocketFactory = ({ host, port, ssl, onConnect }) => {
  const local = LOOPBACK.has(host) ? routes.get(port)?.local : undefined;
  if (ssl) throw new Error('kafka-lab connects to its stacks without TLS');
  const socket = net.connect({ host: local ? '127.0.0.1' : host, port: local ?? port }, onConnect);
  socket.setKeepAlive(true, 60_000);
  return socket;
};
