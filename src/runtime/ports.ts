import { createServer } from 'node:net';

/** True when nothing listens on host:port (we can bind it ourselves for a moment). */
export function portIsFree(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen({ host, port, exclusive: true }, () => server.close(() => resolve(true)));
  });
}

export async function takenPorts(host: string, ports: number[]): Promise<number[]> {
  const free = await Promise.all(ports.map((p) => portIsFree(host, p)));
  return ports.filter((_, i) => !free[i]);
}
