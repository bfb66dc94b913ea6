import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { resolveStack } from '../../src/stack/compose.js';
import { configHashes } from '../../src/stack/hash.js';
import { bootstrapServers, startOrder } from '../../src/core/stack.js';
import { UserError } from '../../src/core/errors.js';
import { defaultComposeFile } from '../../src/paths.js';

const text = readFileSync(defaultComposeFile, 'utf8');
const FILE = 'compose/zk-3-brokers.yaml';

test('the default stack uses the tutorials names and ports', () => {
  const spec = resolveStack(FILE, text, { stack: 'default' });
  assert.deepEqual(
    spec.services.map((s) => s.containerName),
    ['zookeeper', 'kafka-1', 'kafka-2', 'kafka-3', 'kcat'],
  );
  assert.equal(bootstrapServers(spec), '127.0.0.1:9092,127.0.0.1:9093,127.0.0.1:9094');
  assert.equal(spec.services[0]!.ports[0]!.hostPort, 2181);
  assert.equal(spec.network, 'kafka-lab-default');
  const k2 = spec.services.find((s) => s.service === 'kafka-2')!;
  assert.equal(k2.environment.KAFKA_BROKER_ID, '2');
  assert.equal(k2.environment.KAFKA_ADVERTISED_LISTENERS, 'INTERNAL://kafka-2:19093,EXTERNAL://127.0.0.1:9093');
  // merged from the anchor
  assert.equal(k2.environment.KAFKA_ZOOKEEPER_CONNECT, 'zookeeper:2181');
  assert.equal(k2.volumes[0]!.volume, 'kafka-lab-default_kafka-2-data');
  assert.equal(spec.services[1]!.image, 'confluentinc/cp-kafka:7.9.1');
});

test('another stack prefixes names and moves every port with its port base', () => {
  const spec = resolveStack(FILE, text, { stack: 'team-01', portBase: 19092 });
  assert.deepEqual(
    spec.services.map((s) => s.containerName),
    ['team-01-zookeeper', 'team-01-kafka-1', 'team-01-kafka-2', 'team-01-kafka-3', 'team-01-kcat'],
  );
  assert.equal(bootstrapServers(spec), '127.0.0.1:19092,127.0.0.1:19093,127.0.0.1:19094');
  assert.equal(spec.services[0]!.ports[0]!.hostPort, 12181);
  const k3 = spec.services.find((s) => s.service === 'kafka-3')!;
  assert.equal(k3.environment.KAFKA_ADVERTISED_LISTENERS, 'INTERNAL://kafka-3:19094,EXTERNAL://127.0.0.1:19094');
  assert.equal(k3.ports[0]!.containerPort, 9094, 'the container side stays fixed');
  assert.equal(spec.network, 'kafka-lab-team-01');
});

test('images can be swapped for the offline ones', () => {
  const spec = resolveStack(FILE, text, {
    stack: 'default',
    image: (i) => (i.startsWith('confluentinc/cp-kafka') ? 'kafka-lab/kafka:abc' : i),
  });
  assert.equal(spec.services[1]!.image, 'kafka-lab/kafka:abc');
  assert.equal(spec.services[0]!.image, 'confluentinc/cp-zookeeper:7.9.1');
});

test('zookeeper (and the tools container) start first, then the brokers together', () => {
  const spec = resolveStack(FILE, text, { stack: 'default' });
  assert.deepEqual(
    startOrder(spec.services).map((w) => w.map((s) => s.service)),
    [
      ['zookeeper', 'kcat'],
      ['kafka-1', 'kafka-2', 'kafka-3'],
    ],
  );
});

test('config hashes are stable and change only for the service that changed', () => {
  const a = configHashes(resolveStack(FILE, text, { stack: 'default' }));
  const b = configHashes(resolveStack(FILE, text, { stack: 'default' }));
  assert.deepEqual(a, b);
  const changed = text.replace('KAFKA_BROKER_ID: "3"', 'KAFKA_BROKER_ID: "3"\n      KAFKA_NUM_PARTITIONS: "4"');
  const c = configHashes(resolveStack(FILE, changed, { stack: 'default' }));
  assert.equal(c['kafka-1'], a['kafka-1']);
  assert.equal(c.zookeeper, a.zookeeper);
  assert.notEqual(c['kafka-3'], a['kafka-3']);
  const moved = configHashes(resolveStack(FILE, text, { stack: 'default', portBase: 19092 }));
  assert.notEqual(moved['kafka-1'], a['kafka-1']);
});

function rejects(yaml: string, pattern: RegExp) {
  assert.throws(
    () => resolveStack('bad.yaml', yaml, { stack: 'default' }),
    (err: unknown) => {
      assert.ok(err instanceof UserError, `expected a UserError, got ${String(err)}`);
      assert.match(err.message, pattern);
      return true;
    },
  );
}

const minimal = (extra: string) => `services:\n  zk:\n    image: x\n${extra}`;

test('bad compose files are refused with file:line:column', () => {
  rejects(minimal('    privileged: true\n'), /^bad\.yaml:4:5: unknown key 'privileged'/);
  rejects(minimal('    network_mode: host\n'), /^bad\.yaml:4:5: unknown key 'network_mode'/);
  rejects(minimal('    volumes: ["/etc:/host-etc"]\n'), /^bad\.yaml:4:15: host mount '\/etc' is not allowed/);
  rejects(
    minimal('    ports: ["9092:9092"]\n'),
    /bad\.yaml:4:13: port '9092:9092' would be published beyond this machine/,
  );
  rejects(minimal('    ports: ["0.0.0.0:9092:9092"]\n'), /beyond this machine/);
  rejects(minimal('    image: y\n'), /^bad\.yaml:4:5: Map keys must be unique/);
  rejects(minimal('    hostname: !!js/function "x"\n'), /^bad\.yaml:4:15: .*tag/i);
  rejects(minimal('    hostname: ${SECRET}\n'), /^bad\.yaml:4:15: variable SECRET has no value/);
  rejects(minimal('    depends_on: [nope]\n'), /bad\.yaml:4:17: service zk depends on unknown service 'nope'/);
  rejects('services:\n  zk:\n    image: [1\n', /^bad\.yaml:4:1: Flow sequence/);
  rejects('servicez: {}\n', /^bad\.yaml:1:1: unknown key 'servicez'/);
});

test('a YAML alias bomb is refused', () => {
  const bomb = ['a: &a ["x","x","x","x","x","x","x","x","x"]'];
  for (let i = 1; i < 8; i++)
    bomb.push(
      `${String.fromCharCode(97 + i)}: &${String.fromCharCode(97 + i)} [${Array(9)
        .fill(`*${String.fromCharCode(96 + i)}`)
        .join(',')}]`,
    );
  assert.throws(() => resolveStack('bomb.yaml', bomb.join('\n'), { stack: 'default' }), /bomb\.yaml:1:1: .*alias/i);
});
