// Bad input and faults around `up`: each gets a clear message, a non-zero exit, and leaves nothing behind.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:net';
import { writeFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cli, cliProcess, expectOk, labelled } from './helpers.js';

const STACK = 'it-faults';
const at = ['--stack', STACK];
const none = { containers: [], networks: [], volumes: [] };

after(async () => {
  await cli(['down', ...at, '--volumes']);
});

test('no Docker daemon: a clear message and exit 3', async () => {
  const r = await cli(['up', ...at], { DOCKER_HOST: 'unix:///tmp/kafka-lab-no-such-docker.sock' });
  assert.equal(r.exitCode, 3);
  assert.match(r.stderr, /^Docker is not reachable at unix:\/\/\/tmp\/kafka-lab-no-such-docker\.sock/);
  assert.match(r.stderr, /Start Docker/);
});

test('a taken host port is named, another port base is suggested, nothing is created', async () => {
  const server: Server = createServer();
  await new Promise<void>((resolve) => server.listen(28093, '127.0.0.1', resolve));
  try {
    const r = await cli(['up', ...at, '--port-base', '28092']);
    assert.equal(r.exitCode, 3, r.stderr);
    assert.match(
      r.stderr,
      new RegExp(
        `Port 28093 \\(for ${STACK}-kafka-2\\) is already in use by a process that is not a container of engine`,
      ),
    );
    assert.match(r.stderr, /--port-base \d+/);
    assert.match(r.stderr, /Nothing was created/);
    assert.deepEqual(await labelled(STACK), none);
  } finally {
    server.close();
  }
});

test('a malformed compose file is reported with file:line:column', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'kafka-lab-'));
  const file = join(dir, 'broken.yaml');
  writeFileSync(file, 'services:\n  kafka-1:\n    image: x\n    privileged: true\n');
  const r = await cli(['up', ...at, '--compose', file]);
  assert.equal(r.exitCode, 3);
  assert.equal(r.stderr.split('\n')[0], `${file}:4:5: unknown key 'privileged' (at services.kafka-1)`);
  const missing = await cli(['up', ...at, '--compose', join(dir, 'nope.yaml')]);
  assert.equal(missing.exitCode, 3);
  assert.match(missing.stderr, /cannot be read/);
  assert.deepEqual(await labelled(STACK), none);
});

test('unknown commands and options are usage errors (exit 2)', async () => {
  assert.equal((await cli(['upp'])).exitCode, 2);
  const r = await cli(['up', '--colour']);
  assert.equal(r.exitCode, 2);
  assert.match(r.stderr, /Unknown option '--colour'/);
  assert.equal((await cli(['up', '--images', 'cloud'])).exitCode, 2);
});

test('Ctrl-C during up stops cleanly, removes what it created, and a later up works', async () => {
  const child = cliProcess(['up', ...at, '--port-base', '28092']);
  let seen = '';
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`up never reached the brokers; output:\n${seen}`)), 120_000);
    void child.then((r) =>
      reject(new Error(`up ended (exit ${r.exitCode}) before the brokers started; output:\n${r.all}`)),
    );
    child.all!.on('data', (d: Buffer) => {
      seen += d.toString();
      // Interrupt while the brokers are starting, after ZooKeeper is ready.
      if (/kafka-2\s+started/.test(seen)) {
        clearTimeout(timer);
        resolve();
      }
    });
  });
  child.kill('SIGINT');
  const r = await child;
  assert.equal(r.exitCode, 130, r.all);
  assert.match(r.all, /Interrupted\. Removed what this run had created \(5 containers, 5 volumes, 1 network\)/);
  assert.deepEqual(await labelled(STACK), none);
  expectOk(await cli(['up', ...at, '--port-base', '28092']), 'up after the interruption');
  assert.equal((await labelled(STACK)).containers.length, 5);
  expectOk(await cli(['down', ...at, '--volumes']), 'down');
  assert.deepEqual(await labelled(STACK), none);
});
