import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inflateRawSync } from 'node:zlib';
import { crc32, zip } from '../../src/grading/zip.js';

const has = (cmd: string, args: string[]) => spawnSync(cmd, args, { stdio: 'ignore' }).status === 0;

const ENTRIES = [
  { name: 'setup.sh', data: Buffer.from('#!/usr/bin/env bash\necho hi\n'), mode: 0o755 },
  { name: 'run_autograder', data: Buffer.from('#!/usr/bin/env bash\n'), mode: 0o755 },
  { name: 'dir/ünïcode.txt', data: Buffer.from('x'.repeat(10_000)) },
  { name: 'empty', data: Buffer.alloc(0) },
];

test('crc32 matches the standard check value', () => {
  assert.equal(crc32(Buffer.from('123456789')), 0xcbf43926);
  assert.equal(crc32(Buffer.alloc(0)), 0);
});

/** Reads the central directory back: names, modes, contents (a reader as small as the writer). */
function unzipAll(buf: Buffer): Map<string, { mode: number; data: Buffer }> {
  const end = buf.length - 22;
  assert.equal(buf.readUInt32LE(end), 0x06054b50);
  const count = buf.readUInt16LE(end + 10);
  let p = buf.readUInt32LE(end + 16);
  const out = new Map<string, { mode: number; data: Buffer }>();
  for (let i = 0; i < count; i++) {
    assert.equal(buf.readUInt32LE(p), 0x02014b50);
    const size = buf.readUInt32LE(p + 20);
    const nameLen = buf.readUInt16LE(p + 28);
    const attrs = buf.readUInt32LE(p + 38);
    const local = buf.readUInt32LE(p + 42);
    const name = buf.subarray(p + 46, p + 46 + nameLen).toString('utf8');
    const start = local + 30 + buf.readUInt16LE(local + 26) + buf.readUInt16LE(local + 28);
    const data = inflateRawSync(buf.subarray(start, start + size));
    assert.equal(crc32(data), buf.readUInt32LE(p + 16), name);
    out.set(name, { mode: attrs >>> 16, data });
    p += 46 + nameLen + buf.readUInt16LE(p + 30) + buf.readUInt16LE(p + 32);
  }
  return out;
}

test('a round trip gives back every name, content and mode', async () => {
  const files = unzipAll(await zip(ENTRIES));
  assert.deepEqual(
    [...files.keys()],
    ENTRIES.map((e) => e.name),
  );
  for (const e of ENTRIES) {
    assert.deepEqual(files.get(e.name)!.data, e.data);
    assert.equal(files.get(e.name)!.mode, 0o100000 | (e.mode ?? 0o644), e.name);
  }
});

test(
  'unzip -t and Python zipfile accept it, and see the scripts as executable',
  { skip: !has('unzip', ['-v']) && !has('python3', ['-V']) },
  async () => {
    const dir = await mkdtemp(join(tmpdir(), 'kafka-lab-zip-'));
    const file = join(dir, 'a.zip');
    await writeFile(file, await zip(ENTRIES));
    if (has('unzip', ['-v'])) {
      const out = execFileSync('unzip', ['-t', file], { encoding: 'utf8' });
      assert.match(out, /No errors detected/);
    }
    if (has('python3', ['-V'])) {
      const py = [
        'import sys, zipfile, json',
        'z = zipfile.ZipFile(sys.argv[1])',
        'assert z.testzip() is None',
        'print(json.dumps({i.filename: [i.external_attr >> 16, i.file_size] for i in z.infolist()}))',
      ].join('\n');
      const info = JSON.parse(execFileSync('python3', ['-c', py, file], { encoding: 'utf8' })) as Record<
        string,
        [number, number]
      >;
      assert.equal(info['setup.sh']![0] & 0o111, 0o111);
      assert.equal(info['run_autograder']![0] & 0o111, 0o111);
      assert.equal(info['dir/ünïcode.txt']![0] & 0o111, 0);
      assert.equal(info['dir/ünïcode.txt']![1], 10_000);
    }
  },
);

test('names that climb out of the folder are refused', async () => {
  await assert.rejects(zip([{ name: '../evil', data: Buffer.alloc(1) }]), /unsafe/);
  await assert.rejects(zip([{ name: '/abs', data: Buffer.alloc(1) }]), /unsafe/);
});
