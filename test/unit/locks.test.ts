// Lock files and port claims across real processes: one holder at a time, a dead holder's lock taken over,
// and claims made side by side never overlap.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';
import { lockPath, tryLock, waitLock, withStackLock } from '../../src/runtime/lock.js';
import { claimPorts } from '../../src/runtime/port-claims.js';

process.env.KAFKA_LAB_LOCK_DIR = mkdtempSync(join(tmpdir(), 'kafka-lab-locks-unit-'));
const claimsModule = fileURLToPath(new URL('../../src/runtime/port-claims.js', import.meta.url));

async function deadPid(): Promise<number> {
  const child = await execa('node', ['-e', 'process.stdout.write(String(process.pid))']);
  return Number(child.stdout);
}

test('a lock has one holder; the other is told who holds it; a dead holder is taken over', async () => {
  const path = lockPath('unit-one');
  const first = await tryLock(path, 'first');
  assert.ok('release' in first);
  const second = await tryLock(path, 'second');
  assert.ok('holder' in second);
  assert.equal(second.holder.pid, process.pid);
  assert.equal(second.holder.what, 'first');
  await first.release();
  const third = await tryLock(path, 'third');
  assert.ok('release' in third);
  await third.release();

  writeFileSync(path, JSON.stringify({ pid: await deadPid(), what: 'crashed', since: 'then' }));
  const taken = await tryLock(path, 'after a crash');
  assert.ok('release' in taken, 'the lock of a process that is gone is taken over');
  await taken.release();
});

test('waitLock returns once the holder lets go', async () => {
  const path = lockPath('unit-wait');
  const held = await tryLock(path, 'holder');
  assert.ok('release' in held);
  const waiting = waitLock(path, 'waiter');
  await held.release();
  const release = await waiting;
  await release();
});

test("a stack's lock refuses a second command, naming the first", async () => {
  await withStackLock('unit-stack', 'up --stack unit-stack', async () => {
    await assert.rejects(
      withStackLock('unit-stack', 'down --stack unit-stack', async () => {}),
      /Stack 'unit-stack' is busy: another kafka-lab is running 'up --stack unit-stack' on it \(pid \d+/,
    );
  });
  await withStackLock('unit-stack', 'down --stack unit-stack', async () => {});
});

test('port claims: all or none, named holder, the same stack may claim again', async () => {
  const one = await claimPorts([41001, 41002], { stack: 's1', engine: 'e' });
  assert.ok('release' in one);
  const two = await claimPorts([41002, 41003], { stack: 's2', engine: 'e' });
  assert.ok('holder' in two);
  assert.equal(two.port, 41002);
  assert.equal(two.holder.stack, 's1');
  const again = await claimPorts([41001, 41002], { stack: 's1', engine: 'e' });
  assert.ok('release' in again);
  await one.release();
  const three = await claimPorts([41002, 41003], { stack: 's2', engine: 'e' });
  assert.ok('release' in three, 'released ports can be claimed');
  await three.release();
});

test('eight processes claiming the first free block at once each get a different one', async () => {
  const script = `
    const { claimPorts } = await import(${JSON.stringify(claimsModule)});
    for (let base = 42000; ; base += 100) {
      const got = await claimPorts([base, base + 1, base + 2], { stack: process.argv[1], engine: 'e' });
      if ('release' in got) { process.stdout.write(String(base)); break; }
    }
    // hold the claim until the parent has heard from everyone
    process.stdin.resume();
    process.stdin.on('end', () => process.exit(0));
  `;
  const children = Array.from({ length: 8 }, (_, i) =>
    execa('node', ['--input-type=module', '-e', script, `s${i}`], {
      env: { KAFKA_LAB_LOCK_DIR: process.env.KAFKA_LAB_LOCK_DIR },
      buffer: true,
    }),
  );
  const bases = await Promise.all(
    children.map(
      (c, i) =>
        new Promise<string>((resolve, reject) => {
          let out = '';
          c.stdout!.on('data', (d: Buffer) => {
            out += d.toString();
            if (out.length >= 5) resolve(out);
          });
          // A child that fails ends the test with its error instead of leaving it waiting.
          c.catch((err: Error) => reject(new Error(`claimer s${i}: ${err.message}`)));
          void c.then((r) => reject(new Error(`claimer s${i} ended before claiming: ${r.stderr}`)));
        }),
    ),
  );
  for (const c of children) c.stdin!.end();
  await Promise.all(children);
  assert.equal(new Set(bases).size, 8, `blocks: ${bases.join(', ')}`);
});

test('six processes taking and releasing one lock 25 times each: every take succeeds, never two at once', async () => {
  const path = lockPath('unit-busy');
  const trace = join(process.env.KAFKA_LAB_LOCK_DIR!, 'busy-trace');
  const lockModule = fileURLToPath(new URL('../../src/runtime/lock.js', import.meta.url));
  const script = `
    const { appendFileSync } = await import('node:fs');
    const { waitLock } = await import(${JSON.stringify(lockModule)});
    for (let i = 0; i < 25; i++) {
      const release = await waitLock(${JSON.stringify(path)}, 'busy');
      appendFileSync(${JSON.stringify(trace)}, 'in ' + process.pid + '\\n');
      appendFileSync(${JSON.stringify(trace)}, 'out ' + process.pid + '\\n');
      await release();
    }
  `;
  const results = await Promise.all(
    Array.from({ length: 6 }, () =>
      execa('node', ['--input-type=module', '-e', script], {
        env: { KAFKA_LAB_LOCK_DIR: process.env.KAFKA_LAB_LOCK_DIR },
        reject: false,
      }),
    ),
  );
  for (const r of results) assert.equal(r.exitCode, 0, r.stderr);
  const lines = readFileSync(trace, 'utf8').trim().split('\n');
  assert.equal(lines.length, 6 * 25 * 2);
  for (let i = 0; i < lines.length; i += 2) {
    const pid = lines[i]!.split(' ')[1];
    assert.deepEqual([lines[i], lines[i + 1]], [`in ${pid}`, `out ${pid}`], `line ${i + 1}: two holders at once`);
  }
});
