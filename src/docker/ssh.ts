// One SSH session per ssh:// engine, shared by the Docker API (each connection is `docker system
// dial-stdio` on the remote, as the Docker CLI does it) and by Kafka (the stack's loopback ports forwarded
// through the session, so nothing is published beyond 127.0.0.1 on either host).
import { createHmac } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { Agent, type AgentOptions } from 'node:http';
import { createServer, type Server, type Socket } from 'node:net';
import { join } from 'node:path';
import type { Duplex } from 'node:stream';
import type { Client, ClientChannel, ConnectConfig } from 'ssh2';
import { UserError } from '../core/errors.js';

export interface SshTarget {
  user: string;
  host: string;
  port: number;
}

/** What identifies us, from the environment at the edge: as the ssh client finds it. */
export interface SshIdentity {
  home: string;
  /** SSH_AUTH_SOCK */
  agent?: string;
  /** KAFKA_LAB_SSH_KEY: a private key file to use instead of ~/.ssh/id_* */
  keyFile?: string;
}

const DEFAULT_KEYS = ['id_ed25519', 'id_ecdsa', 'id_rsa'];

export class SshSession {
  private readonly forwards = new Map<number, Promise<number>>();
  private agent?: Agent;

  private constructor(
    private readonly client: Client,
    readonly target: SshTarget,
  ) {}

  static async open(target: SshTarget, id: SshIdentity): Promise<SshSession> {
    const where = `ssh://${target.user}@${target.host}:${target.port}`;
    const knownHosts = join(id.home, '.ssh', 'known_hosts');
    const known = await knownKeys(knownHosts, target);
    const privateKey = await firstKey(id);
    if (!privateKey && !id.agent) {
      throw new UserError(
        `No SSH key to log in to ${where}: no ssh-agent (SSH_AUTH_SOCK) and no ~/.ssh/id_ed25519, id_ecdsa or id_rsa.`,
        'Start ssh-agent and add your key, or set KAFKA_LAB_SSH_KEY to a private key file.',
      );
    }
    // Loaded here only: most engines are local sockets, and ssh2 brings its crypto with it.
    const ssh2 = (await import('ssh2')) as typeof import('ssh2') & { default?: typeof import('ssh2') };
    const client = new (ssh2.default ?? ssh2).Client();
    const config: ConnectConfig = {
      host: target.host,
      port: target.port,
      username: target.user,
      agent: id.agent,
      privateKey,
      readyTimeout: 10_000,
      keepaliveInterval: 15_000,
      // As ssh does without a terminal to ask: an unknown or changed host key ends the connection.
      hostVerifier: (key: Buffer) => {
        hostKey = known.length === 0 ? 'unknown' : known.some((k) => k.equals(key)) ? 'ok' : 'changed';
        return hostKey === 'ok';
      },
    };
    let hostKey: 'ok' | 'unknown' | 'changed' | undefined;
    await new Promise<void>((resolve, reject) => {
      client.once('ready', () => resolve());
      client.once('error', (err) => reject(loginError(where, err, hostKey, knownHosts, target)));
      client.connect(config);
    });
    client.on('error', () => {}); // a later failure shows in the call that meets it
    return new SshSession(client, target);
  }

  /** An HTTP agent whose every connection is `docker system dial-stdio` on the remote host, kept alive. */
  dockerAgent(): Agent {
    // One agent per session: every connectEngine of one process shares the session (a classroom's stacks on
    // one engine, reset a few at once), so the cap below must hold across all of them.
    if (this.agent) return this.agent;
    const client = this.client;
    // sshd allows 10 sessions per connection by default (MaxSessions); forwarded ports do not count.
    const agent = (this.agent = new Agent({ keepAlive: true, maxSockets: 8 } as AgentOptions));
    (agent as unknown as { createConnection: unknown }).createConnection = (
      _options: unknown,
      done: (err: Error | null, socket?: Duplex) => void,
    ) => {
      client.exec('docker system dial-stdio', (err, channel) => (err ? done(err) : done(null, socketLike(channel))));
    };
    return agent;
  }

  /**
   * A local port on 127.0.0.1 for each remote loopback port: a connection to it is forwarded through the
   * session to 127.0.0.1:PORT on the remote host. Map: remote port -> local port.
   */
  async forwardLoopback(ports: number[]): Promise<Map<number, number>> {
    const pairs = await Promise.all(
      ports.map(async (p) => {
        let local = this.forwards.get(p);
        if (!local) {
          local = this.listen(p);
          this.forwards.set(p, local);
        }
        return [p, await local] as const;
      }),
    );
    return new Map(pairs);
  }

  private async listen(remotePort: number): Promise<number> {
    const server: Server = createServer((sock: Socket) => {
      sock.on('error', () => {});
      this.client.forwardOut('127.0.0.1', 0, '127.0.0.1', remotePort, (err, channel) => {
        if (err) {
          sock.destroy();
          return;
        }
        channel.on('error', () => sock.destroy());
        sock.pipe(channel).pipe(sock);
      });
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => resolve());
    });
    // The forwards live as long as the command; they never keep the process alive by themselves.
    server.unref();
    return (server.address() as { port: number }).port;
  }
}

const sessions = new Map<string, Promise<SshSession>>();

/** One session per engine address for the whole process (grading many stacks on one host shares it). */
export function sshSession(target: SshTarget, id: SshIdentity): Promise<SshSession> {
  const key = `${target.user}@${target.host}:${target.port}`;
  let s = sessions.get(key);
  if (!s) {
    s = SshSession.open(target, id);
    s.catch(() => sessions.delete(key));
    sessions.set(key, s);
  }
  return s;
}

// http's agent treats what createConnection gives as a net.Socket; an SSH channel has no socket options.
function socketLike(channel: ClientChannel): Duplex {
  const c = channel as unknown as Record<string, unknown>;
  for (const m of ['setKeepAlive', 'setNoDelay', 'setTimeout', 'ref', 'unref']) c[m] ??= () => channel;
  return channel;
}

function loginError(
  where: string,
  err: Error,
  hostKey: 'ok' | 'unknown' | 'changed' | undefined,
  knownHosts: string,
  t: SshTarget,
): UserError {
  if (hostKey === 'unknown')
    return new UserError(
      `The host key of ${where} is not in ${knownHosts}, so it cannot be checked.`,
      `Connect once with 'ssh -p ${t.port} ${t.user}@${t.host} true' and accept the key, then run the command again.`,
    );
  if (hostKey === 'changed')
    return new UserError(
      `The host key of ${where} does not match the one in ${knownHosts}.`,
      'If the host was reinstalled, remove its old line with ssh-keygen -R and connect once with ssh to accept the new key.',
    );
  const text = err.message.split('\n')[0] ?? '';
  if (/authentication methods failed/i.test(text))
    return new UserError(
      `SSH login to ${where} was refused: none of your keys is accepted there.`,
      "Add your public key to the remote user's ~/.ssh/authorized_keys, or set KAFKA_LAB_SSH_KEY to the right key.",
    );
  return new UserError(
    `The Docker engine at ${where} does not answer over SSH (${text}).`,
    'Check the address and that sshd runs there (try ssh with the same user, host and port), then run the command again.',
  );
}

async function firstKey(id: SshIdentity): Promise<Buffer | undefined> {
  const files = id.keyFile ? [id.keyFile] : DEFAULT_KEYS.map((k) => join(id.home, '.ssh', k));
  for (const f of files) {
    const key = await readFile(f).catch(() => undefined);
    if (key) return key;
  }
  if (id.keyFile) throw new UserError(`KAFKA_LAB_SSH_KEY names ${id.keyFile}, which cannot be read.`);
  return undefined;
}

/** The host keys ~/.ssh/known_hosts holds for this host and port (plain or hashed names), as key blobs. */
async function knownKeys(file: string, t: SshTarget): Promise<Buffer[]> {
  const text = await readFile(file, 'utf8').catch(() => '');
  const name = t.port === 22 ? t.host : `[${t.host}]:${t.port}`;
  const keys: Buffer[] = [];
  for (const line of text.split('\n')) {
    const [hosts, , blob] = line.trim().split(/\s+/);
    if (!hosts || !blob || hosts.startsWith('#') || hosts.startsWith('@')) continue;
    if (hosts.split(',').some((h) => hostMatches(h, name))) keys.push(Buffer.from(blob, 'base64'));
  }
  return keys;
}

function hostMatches(pattern: string, name: string): boolean {
  if (!pattern.startsWith('|1|')) return pattern === name;
  const [, , salt, hash] = pattern.split('|');
  if (!salt || !hash) return false;
  return createHmac('sha1', Buffer.from(salt, 'base64')).update(name).digest('base64') === hash;
}
