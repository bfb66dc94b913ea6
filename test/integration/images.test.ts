// An offline classroom: the stacks' images (both profiles') go to a file and back, and `up` needs no build after.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, statSync, existsSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cli, docker, expectOk } from './helpers.js';

const STACK = 'it-images';
const dir = mkdtempSync(join(tmpdir(), 'kafka-lab-images-'));
const archive = join(dir, 'classroom-images.tar');

after(async () => {
  await cli(['down', '--stack', STACK, '--volumes']);
});

test('images save, then the images removed, then images load: up works again without a build', async () => {
  const listed = JSON.parse((await cli(['images', 'list', '--json'])).stdout) as {
    images: { role: string; image: string; present: boolean }[];
  };
  // Both profiles' images: ZooKeeper and Kafka 3, Kafka 4 (KRaft), kcat.
  const runtime = listed.images
    .filter((i) => ['zookeeper', 'kafka', 'kafka4', 'kcat'].includes(i.role))
    .map((i) => i.image);
  assert.equal(runtime.length, 4);
  const ids = Object.fromEntries(
    await Promise.all(runtime.map(async (i) => [i, (await docker.getImage(i).inspect()).Id] as const)),
  );

  const saved = await cli(['images', 'save', archive, '--images', 'local', '--json']);
  expectOk(saved, 'images save');
  assert.deepEqual([...JSON.parse(saved.stdout).images].sort(), [...runtime].sort());
  assert.ok(statSync(archive).size > 50 * 1024 * 1024, 'the archive holds the images');
  assert.equal(existsSync(`${archive}.partial`), false);

  for (const image of runtime) await docker.getImage(image).remove({ force: true });
  const missing = await cli(['images', 'list']);
  assert.equal(missing.exitCode, 1, 'images list reports them missing');

  const loaded = await cli(['images', 'load', archive]);
  expectOk(loaded, 'images load');
  for (const image of runtime)
    assert.equal((await docker.getImage(image).inspect()).Id, ids[image], `${image} is the same image as before`);

  const up = await cli(['up', '--stack', STACK, '--port-base', '29892', '--images', 'local']);
  expectOk(up, 'up after load');
  assert.doesNotMatch(up.stdout + up.stderr, /missing; getting it|debootstrap|Building/i);
});

test('images load refuses what is not an image archive, saying which file', async () => {
  const junk = join(dir, 'notes.txt');
  writeFileSync(junk, 'not an archive\n');
  for (const file of [junk, join(dir, 'absent.tar')]) {
    const r = await cli(['images', 'load', file]);
    assert.equal(r.exitCode, 3, r.stderr);
    assert.ok(r.stderr.includes(file), r.stderr);
  }
});
