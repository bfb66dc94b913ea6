import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { heapMaxMiB, parseMemAvailableMiB, parseXmxMiB, stackMemoryMiB } from '../../src/core/memory.js';
import { resolveStack } from '../../src/stack/compose.js';
import { brokerServices, type StackSpec } from '../../src/core/stack.js';
import { defaultComposeFile, kraftComposeFile } from '../../src/paths.js';

const spec = resolveStack('compose/zk-3-brokers.yaml', readFileSync(defaultComposeFile, 'utf8'), { stack: 'default' });

function withBrokerHeap(s: StackSpec, broker: string, heapOpts: string): StackSpec {
  return {
    ...s,
    services: s.services.map((svc) =>
      svc.service === broker ? { ...svc, environment: { ...svc.environment, KAFKA_HEAP_OPTS: heapOpts } } : svc,
    ),
  };
}

test('the built-in stack is estimated a little above what docker stats measured for it after three labs (570 MiB)', () => {
  const mib = stackMemoryMiB(spec);
  assert.ok(mib >= 570 && mib <= 650, `estimate ${mib} MiB is outside 570-650`);
});

test('the KRaft stack is estimated a little above what docker stats measured for it after three labs (800 MiB)', () => {
  const kraft = resolveStack('compose/kraft-3-brokers.yaml', readFileSync(kraftComposeFile, 'utf8'), {
    stack: 'default',
  });
  const mib = stackMemoryMiB(kraft);
  assert.ok(mib >= 800 && mib <= 1000, `estimate ${mib} MiB is outside 800-1000`);
});

test("doubling one broker's -Xmx raises the estimate by 0.6 of the added heap", () => {
  const broker = brokerServices(spec)[0]!;
  const xmx = heapMaxMiB(broker)!;
  assert.equal(xmx, 128, 'the compose file gives brokers -Xmx128m');
  const bigger = withBrokerHeap(spec, broker.service, `-Xmx${2 * xmx}m -Xms${xmx}m`);
  assert.ok(stackMemoryMiB(bigger) > stackMemoryMiB(spec));
  const added = stackMemoryMiB(bigger) - stackMemoryMiB(spec);
  assert.ok(Math.abs(added - 0.6 * xmx) <= 1, `added ${added} MiB, expected about ${0.6 * xmx}`);
});

test('kcat, with no JVM, counts a few MiB; a broker without heap options gets the start script default of 1 GiB', () => {
  const kcat = spec.services.find((s) => s.service === 'kcat')!;
  assert.equal(heapMaxMiB(kcat), undefined);
  const broker = brokerServices(spec)[1]!;
  const { KAFKA_HEAP_OPTS: _, ...rest } = broker.environment;
  assert.equal(heapMaxMiB({ ...broker, environment: rest }), 1024);
});

test('-Xmx units and the last -Xmx winning, as in the JVM', () => {
  assert.equal(parseXmxMiB('-Xmx1G -Xms1G'), 1024);
  assert.equal(parseXmxMiB('-Xms64m -Xmx262144k'), 256);
  assert.equal(parseXmxMiB('-Xmx128m -Xmx512m'), 512);
  assert.equal(parseXmxMiB('-Xms64m'), undefined);
});

test('MemAvailable is read from /proc/meminfo text in MiB', () => {
  assert.equal(
    parseMemAvailableMiB('MemTotal:       24684096 kB\nMemFree:  100 kB\nMemAvailable:   2097152 kB\n'),
    2048,
  );
  assert.equal(parseMemAvailableMiB('MemTotal: 1 kB\n'), undefined);
});
