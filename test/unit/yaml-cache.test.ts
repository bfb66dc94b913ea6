// A YAML text that parsed cleanly once is read back from the cache as JSON; places in it
// (file:line:column) still come from the text, and a broken cache entry is no cache.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readYaml, where } from '../../src/stack/yaml-source.js';

const dir = mkdtempSync(join(tmpdir(), 'kafka-lab-yaml-cache-'));
process.env.KAFKA_LAB_CACHE = dir;
const entries = () => readdirSync(join(dir, 'yaml')).filter((f) => f.endsWith('.json'));

test('a clean text is cached once; a second reader gets the same value and the same places', () => {
  const text = `# ${Date.now()}\nid: demo\nsteps:\n  - id: one\n    checks: [{ kind: topic-exists, topic: t }]\n`;
  const first = readYaml('a.yaml', text, 'Fix it.');
  assert.equal(entries().length, 1);
  // Another file name with the same text: not the in-process memo, the cache on disk.
  const again = readYaml('b.yaml', text, 'Fix it.');
  assert.notEqual(again, first);
  assert.deepEqual(again.value, first.value);
  assert.equal(where(again, ['steps', 0, 'checks', 0, 'topic']), 'b.yaml:5:43');
  assert.equal(where(first, ['steps', 0, 'checks', 0, 'topic']), 'a.yaml:5:43');
});

test('values JSON cannot keep (.inf, .nan) are not cached; a bad YAML text is refused with its place', () => {
  const before = entries().length;
  const inf = readYaml('inf.yaml', `limit: .inf\nat: ${Date.now()}\n`, 'Fix it.');
  assert.equal((inf.value as { limit: number }).limit, Infinity);
  assert.equal(entries().length, before);
  assert.throws(() => readYaml('bad.yaml', 'a: 1\na: 2\n', 'Fix it.'), /bad\.yaml:2:1: Map keys must be unique/);
  assert.equal(entries().length, before);
});

test('a broken cache entry is parsed again and replaced', () => {
  const text = `id: broken-${Date.now()}\n`;
  readYaml('c.yaml', text, 'Fix it.');
  const file = entries()
    .map((f) => join(dir, 'yaml', f))
    .find((f) => readFileSync(f, 'utf8').includes('broken-'))!;
  writeFileSync(file, '{ torn');
  const src = readYaml('d.yaml', text, 'Fix it.');
  assert.match(String((src.value as { id: string }).id), /^broken-/);
  assert.deepEqual(JSON.parse(readFileSync(file, 'utf8')), src.value);
});
