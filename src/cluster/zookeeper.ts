import { connect } from 'node:net';

/** Asks ZooKeeper's `srvr` four-letter command; resolves its first line, or rejects. */
export function zookeeperAnswers(host: string, port: number, timeoutMs = 1500): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host, port });
    let text = '';
    const fail = (why: string) => {
      socket.destroy();
      reject(new Error(why));
    };
    socket.setTimeout(timeoutMs, () => fail(`no answer from ${host}:${port} within ${timeoutMs} ms`));
    socket.on('connect', () => socket.write('srvr\n'));
    socket.on('data', (d) => (text += d.toString('utf8')));
    socket.on('error', (e) => fail(e.message));
    socket.on('end', () => {
      socket.destroy();
      if (text.startsWith('Zookeeper version')) resolve(text.split('\n')[0]!);
      else reject(new Error(text ? `unexpected answer: ${text.split('\n')[0]}` : `connection to ${host}:${port} closed without an answer`));
    });
  });
}
