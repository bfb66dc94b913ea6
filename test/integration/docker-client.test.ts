// The one Docker client against the real engine: exec through the Engine API (stdin in, stdout and
// stderr apart, the command's own exit code), absent things as undefined, and errors that say what failed.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { ExternalError } from '../../src/core/errors.js';
import type { Runtime } from '../../src/core/runtime.js';
import { connectDocker } from '../../src/docker/client.js';
import { localImages, recipeTag } from '../../src/images/kit.js';
import { imageKitDir } from '../../src/paths.js';

const NAME = 'kafka-lab-it-docker-client';
let rt: Runtime;

before(async () => {
  rt = await connectDocker();
  await rt.remove(NAME);
  const image = localImages(await recipeTag(imageKitDir)).kcat;
  // Not a stack's container: its own label, so no stack listing ever counts it.
  await rt.create({
    name: NAME,
    image,
    entrypoint: ['sleep'],
    cmd: ['300'],
    labels: { 'kafka-lab.test': 'docker-client' },
    network: 'bridge',
  });
  await rt.start(NAME);
});

after(async () => {
  await rt.remove(NAME);
});

test('exec sends stdin, keeps stdout and stderr apart, and returns the exit code of the command', async () => {
  const r = await rt.exec(NAME, ['sh', '-c', 'cat; echo oops >&2; exit 3'], {
    stdin: 'line 1\nline 2\n',
    timeoutMs: 10_000,
  });
  assert.equal(r.exitCode, 3);
  assert.equal(r.stdout, 'line 1\nline 2\n');
  assert.equal(r.stderr, 'oops\n');
  // Docker reads the two pipes apart, so only each stream's own order is kept in the interleaving.
  assert.deepEqual(
    r.all.split('\n').filter((l) => l !== 'oops'),
    ['line 1', 'line 2', ''],
  );
  assert.equal(r.all.split('\n').filter((l) => l === 'oops').length, 1);
});

test('exec without stdin gives the command none: cat ends at once', async () => {
  const r = await rt.exec(NAME, ['cat'], { timeoutMs: 10_000 });
  assert.deepEqual([r.exitCode, r.stdout], [0, '']);
});

test('exec that runs past its deadline is an error that names the command', async () => {
  await assert.rejects(rt.exec(NAME, ['sleep', '5'], { timeoutMs: 300 }), (err: unknown) => {
    assert.ok(err instanceof ExternalError);
    assert.match(err.message, /sleep 5 in kafka-lab-it-docker-client did not finish within 300 ms/);
    return true;
  });
});

test('absent things are undefined or false; other failures say what was attempted', async () => {
  assert.equal(await rt.inspect('kafka-lab-no-such-container'), undefined);
  assert.equal(await rt.volume('kafka-lab-no-such-volume'), undefined);
  assert.equal(await rt.imageExists('kafka-lab/no-such-image:0'), false);
  assert.equal(await rt.logs('kafka-lab-no-such-container', 5), '');
  await rt.remove('kafka-lab-no-such-container'); // nothing to remove is not an error
  await assert.rejects(rt.exec('kafka-lab-no-such-container', ['true']), (err: unknown) => {
    assert.ok(err instanceof ExternalError);
    assert.match(err.message, /^Docker could not run true in kafka-lab-no-such-container: /);
    return true;
  });
  const info = await rt.inspect(NAME);
  assert.ok(info?.running && info.labels['kafka-lab.test'] === 'docker-client');
});

test("events follow the engine's events on labelled objects only, until the signal aborts", async () => {
  const seen: string[] = [];
  const stop = new AbortController();
  const following = rt.events(
    { label: ['kafka-lab.test=docker-client'] },
    (e) => seen.push(`${e.type} ${e.action.split(':')[0]} ${e.name}`),
    stop.signal,
  );
  // An exec is an event on the container: run one until the feed reports it (the feed is live then).
  const execSeen = () => seen.includes(`container exec_start ${NAME}`);
  for (let i = 0; i < 50 && !execSeen(); i++) {
    await rt.exec(NAME, ['true'], { timeoutMs: 10_000 });
    await new Promise((r) => setTimeout(r, 50));
  }
  await rt.pause(NAME);
  await rt.unpause(NAME);
  const deadline = Date.now() + 10_000;
  while (!seen.includes(`container unpause ${NAME}`) && Date.now() < deadline)
    await new Promise((r) => setTimeout(r, 50));
  stop.abort();
  await following;
  for (const action of ['exec_start', 'pause', 'unpause'])
    assert.ok(seen.includes(`container ${action} ${NAME}`), `${action} seen: ${seen.join('; ')}`);
  assert.ok(
    seen.every((s) => s.endsWith(NAME)),
    `only the labelled container's events: ${seen.join('; ')}`,
  );
});
