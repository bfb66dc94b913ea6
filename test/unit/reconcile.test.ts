import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { planUp, type ObservedContainer } from '../../src/core/reconcile.js';
import { LABEL } from '../../src/core/stack.js';
import { resolveStack } from '../../src/stack/compose.js';
import { configHashes } from '../../src/stack/hash.js';
import { defaultComposeFile } from '../../src/paths.js';

const spec = resolveStack('c.yaml', readFileSync(defaultComposeFile, 'utf8'), { stack: 'default' });
const hashes = configHashes(spec);

function ours(service: string, state: ObservedContainer['state'], hash = hashes[service]!): ObservedContainer {
  const name = spec.services.find((s) => s.service === service)!.containerName;
  return {
    id: `id-${service}`,
    name,
    state,
    labels: { [LABEL.stack]: 'default', [LABEL.service]: service, [LABEL.configHash]: hash },
  };
}

function plan(containers: ObservedContainer[]) {
  return planUp(spec, hashes, new Map(containers.map((c) => [c.name, c])), LABEL);
}

test('nothing there: create everything', () => {
  const p = plan([]);
  assert.ok(p.ok);
  assert.deepEqual(
    p.actions.map((a) => a.kind),
    ['create', 'create', 'create', 'create', 'create'],
  );
});

test('a healthy stack is kept as it is', () => {
  const p = plan(['zookeeper', 'kafka-1', 'kafka-2', 'kafka-3', 'kcat'].map((s) => ours(s, 'running')));
  assert.ok(p.ok);
  assert.deepEqual(
    p.actions.map((a) => a.kind),
    ['keep', 'keep', 'keep', 'keep', 'keep'],
  );
});

test('a half-created stack is completed: stopped ones start, paused ones resume, missing ones are created', () => {
  const p = plan(
    [
      ours('zookeeper', 'running'),
      ours('kafka-1', 'exited'),
      ours('kafka-2', 'paused'),
      ours('kafka-3', 'created'),
    ].slice(0, 3),
  );
  assert.ok(p.ok);
  assert.deepEqual(
    p.actions.map((a) => `${a.service}:${a.kind}`),
    ['zookeeper:keep', 'kafka-1:start', 'kafka-2:unpause', 'kafka-3:create', 'kcat:create'],
  );
});

test('only the service whose definition changed is recreated', () => {
  const p = plan([
    ours('zookeeper', 'running'),
    ours('kafka-1', 'running'),
    ours('kafka-2', 'running', 'old-hash'),
    ours('kafka-3', 'running'),
    ours('kcat', 'running'),
  ]);
  assert.ok(p.ok);
  assert.deepEqual(
    p.actions.map((a) => a.kind),
    ['keep', 'keep', 'recreate', 'keep', 'keep'],
  );
});

test('a container with our name but without our labels is a clash, never touched', () => {
  const stranger: ObservedContainer = { id: 'x', name: 'kafka-2', state: 'running', labels: {} };
  const otherStack: ObservedContainer = {
    ...ours('kafka-3', 'running'),
    labels: { [LABEL.stack]: 'team-01', [LABEL.service]: 'kafka-3' },
  };
  const p = plan([ours('zookeeper', 'running'), stranger, otherStack]);
  assert.equal(p.ok, false);
  if (!p.ok)
    assert.deepEqual(
      p.clashes.map((c) => [c.name, c.owner]),
      [
        ['kafka-2', undefined],
        ['kafka-3', 'team-01'],
      ],
    );
});
