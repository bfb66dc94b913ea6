import { connect } from 'node:net';

/** Sends a ZooKeeper four-letter command; resolves the whole answer, or rejects. */
function fourLetters(host: string, port: number, word: string, timeoutMs: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host, port });
    let text = '';
    const fail = (why: string) => {
      socket.destroy();
      reject(new Error(why));
    };
    socket.setTimeout(timeoutMs, () => fail(`no answer from ${host}:${port} within ${timeoutMs} ms`));
    socket.on('connect', () => socket.write(`${word}\n`));
    socket.on('data', (d) => (text += d.toString('utf8')));
    socket.on('error', (e) => fail(e.message));
    socket.on('end', () => {
      socket.destroy();
      if (text) resolve(text);
      else reject(new Error(`connection to ${host}:${port} closed without an answer`));
    });
  });
}

/** Asks ZooKeeper's `srvr` four-letter command; resolves its first line, or rejects. */
export async function zookeeperAnswers(host: string, port: number, timeoutMs = 1500): Promise<string> {
  const text = await fourLetters(host, port, 'srvr', timeoutMs);
  if (!text.startsWith('Zookeeper version')) throw new Error(`unexpected answer: ${text.split('\n')[0]}`);
  return text.split('\n')[0]!;
}

/**
 * The ephemeral znodes ZooKeeper holds (`dump`), such as /brokers/ids/2 while broker 2's session
 * lives; undefined when `dump` is not in the server's 4lw.commands.whitelist.
 */
export async function zookeeperEphemerals(
  host: string,
  port: number,
  timeoutMs = 1500,
): Promise<Set<string> | undefined> {
  const text = await fourLetters(host, port, 'dump', timeoutMs);
  if (!text.includes('ephemeral nodes dump')) return undefined;
  const part = text.slice(text.indexOf('ephemeral nodes dump'));
  return new Set(
    part
      .split('\n')
      .map((l) => l.trim())
      .filter((l) => l.startsWith('/')),
  );
}
