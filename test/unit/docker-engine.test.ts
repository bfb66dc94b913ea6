// Choosing and reading a Docker engine's address, as the Docker CLI does; resolving contexts from its files.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chooseEngine, describeEngine, parseEngineHost } from '../../src/core/docker-engine.js';
import { UsageError, UserError } from '../../src/core/errors.js';
import { resolveEngine } from '../../src/docker/engine.js';

test('--context, then DOCKER_HOST, then DOCKER_CONTEXT, then the current context', () => {
  const all = { context: 'flag', dockerHost: 'unix:///x.sock', dockerContext: 'env' };
  assert.deepEqual(chooseEngine(all), { context: 'flag' });
  assert.deepEqual(chooseEngine({ ...all, context: undefined }), { host: 'unix:///x.sock' });
  assert.deepEqual(chooseEngine({ dockerContext: 'env', dockerHost: '' }), { context: 'env' });
  assert.deepEqual(chooseEngine({}), { current: true });
});

test('addresses: unix, tcp (also bare host:port), ssh with and without user and port', () => {
  assert.deepEqual(parseEngineHost('unix:///var/run/docker.sock'), { kind: 'unix', path: '/var/run/docker.sock' });
  assert.deepEqual(parseEngineHost('unix://'), { kind: 'unix', path: '/var/run/docker.sock' });
  assert.deepEqual(parseEngineHost('tcp://10.0.0.5:2375'), { kind: 'tcp', host: '10.0.0.5', port: 2375 });
  assert.deepEqual(parseEngineHost('10.0.0.5:2380'), { kind: 'tcp', host: '10.0.0.5', port: 2380 });
  assert.deepEqual(parseEngineHost('ssh://student@lab-7'), { kind: 'ssh', user: 'student', host: 'lab-7', port: 22 });
  assert.deepEqual(parseEngineHost('ssh://lab-7:2202'), { kind: 'ssh', user: undefined, host: 'lab-7', port: 2202 });
  assert.throws(() => parseEngineHost('npipe:////./pipe/docker_engine'), UsageError);
  assert.throws(() => parseEngineHost('ssh://'), UsageError);
});

test('messages name the context and its address', () => {
  const host = 'ssh://root@10.0.0.5';
  assert.equal(
    describeEngine({ host, address: parseEngineHost(host), context: 'room-b' }),
    `context 'room-b' (${host})`,
  );
  assert.equal(describeEngine({ host, address: parseEngineHost(host) }), host);
});

test("contexts are read from the Docker CLI's files; a missing one is a UserError naming it", async () => {
  const dir = mkdtempSync(join(tmpdir(), 'kafka-lab-docker-config-'));
  const meta = join(dir, 'contexts', 'meta', createHash('sha256').update('room-b').digest('hex'));
  mkdirSync(meta, { recursive: true });
  writeFileSync(
    join(meta, 'meta.json'),
    JSON.stringify({ Name: 'room-b', Metadata: {}, Endpoints: { docker: { Host: 'ssh://t@10.0.0.5:2202' } } }),
  );
  writeFileSync(join(dir, 'config.json'), JSON.stringify({ currentContext: 'room-b' }));
  const env = { DOCKER_CONFIG: dir };
  const current = await resolveEngine({ env });
  assert.deepEqual(current.address, { kind: 'ssh', user: 't', host: '10.0.0.5', port: 2202 });
  assert.equal(current.context, 'room-b');
  assert.equal((await resolveEngine({ env: { ...env, DOCKER_HOST: 'unix:///a.sock' } })).host, 'unix:///a.sock');
  assert.equal(
    (await resolveEngine({ env: { ...env, DOCKER_CONTEXT: 'default' } })).host,
    'unix:///var/run/docker.sock',
  );
  await assert.rejects(resolveEngine({ context: 'nope', env }), (e: Error) => {
    assert.ok(e instanceof UserError);
    assert.match(e.message, /Docker context 'nope' does not exist/);
    return true;
  });
});

test('Kafka routes: a forwarded port goes to its local end; two engines on one forwarded port are refused', async () => {
  const { routeKafka, routedSockets } = await import('../../src/cluster/route.js');
  const net = await import('node:net');
  const server = net.createServer((s) => s.end('forwarded'));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const local = (server.address() as { port: number }).port;
  routeKafka('ssh://a@h1', 's1', new Map([[39992, local]]));
  const text = await new Promise<string>((resolve, reject) => {
    let got = '';
    const sock = routedSockets({ host: '127.0.0.1', port: 39992, ssl: null as never, onConnect: () => {} });
    sock.on('data', (d: Buffer) => (got += d.toString()));
    sock.on('end', () => resolve(got));
    sock.on('error', reject);
  });
  server.close();
  assert.equal(text, 'forwarded');
  routeKafka('unix:///x.sock', 's2', new Map([[39993, undefined]]));
  routeKafka('unix:///y.sock', 's3', new Map([[39993, undefined]]));
  assert.throws(
    () => routeKafka('ssh://b@h2', 's4', new Map([[39992, local + 1]])),
    /Port 39992 is used by stack 's1'/,
  );
});
