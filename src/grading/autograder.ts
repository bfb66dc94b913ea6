// A Gradescope autograder (gradescope-autograders.readthedocs.io, "Autograder Specifications"): a zip
// with setup.sh and run_autograder at its root. Gradescope unzips it to /autograder/source and runs
// setup.sh once while it builds the image (with internet); run_autograder then runs once per
// submission, in /autograder, with the upload in /autograder/submission. kafka-lab itself travels in
// the zip as its npm package, so grading needs no registry.
import { readFile, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { ExternalError, UserError } from '../core/errors.js';
import { zip, type ZipEntry } from './zip.js';

/** The CLI inside the unpacked package: the bundle carries its dependencies, so no npm install. */
const CLI = 'package/dist/bin/kafka-lab.js';

/** The package `npm pack` makes of kafka-lab as installed here (its `files` list decides what is in it). */
export async function packKafkaLab(root: string): Promise<Buffer> {
  const dir = await mkdtemp(join(tmpdir(), 'kafka-lab-pack-'));
  try {
    const argv = ['pack', '--ignore-scripts', '--json', '--pack-destination', dir];
    const r = await execa('npm', argv, { cwd: root, reject: false, timeout: 300_000 });
    if (r.exitCode !== 0)
      throw new ExternalError(
        'npm pack could not make the kafka-lab package.',
        `npm ${argv.join(' ')}`,
        r.exitCode,
        r.stderr,
      );
    const [packed] = JSON.parse(r.stdout) as { filename: string; files: { path: string }[] }[];
    if (!packed?.files.some((f) => `package/${f.path}` === CLI))
      throw new UserError(
        `The package npm pack made of ${root} has no ${CLI.slice('package/'.length)}.`,
        "Build it first ('npm run build'), then make the autograder again.",
      );
    return await readFile(join(dir, packed.filename));
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** Shell words in single quotes. */
const quote = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;

export function setupScript(nodeVersion: string): string {
  return `#!/usr/bin/env bash
# Run once by Gradescope while it builds the autograder's image: Node (the one in this zip, else one
# already on PATH, else nodejs.org's), and kafka-lab from the package in this zip (no registry).
# AUTOGRADER_ROOT moves /autograder elsewhere (for trying it out).
set -euo pipefail
ROOT="\${AUTOGRADER_ROOT:-/autograder}"
SRC="$ROOT/source"
APP="$ROOT/kafka-lab"
NODE_VERSION=${quote(nodeVersion)}
rm -rf "$APP"
mkdir -p "$APP"
tar -xzf "$SRC/kafka-lab.tgz" -C "$APP"
node_ok() { "$1" -e 'process.exit(Number(process.versions.node.split(".")[0]) >= 20 ? 0 : 1)' 2>/dev/null; }
if [ -f "$SRC/node/bin/node" ] && chmod +x "$SRC/node/bin/node" && node_ok "$SRC/node/bin/node"; then
  NODE="$SRC/node/bin/node"
  echo "setup.sh: Node from the zip"
elif command -v node >/dev/null && node_ok "$(command -v node)"; then
  NODE="$(command -v node)"
  echo "setup.sh: Node from PATH ($NODE)"
else
  url="https://nodejs.org/dist/v$NODE_VERSION/node-v$NODE_VERSION-linux-x64.tar.gz"
  echo "setup.sh: downloading $url"
  mkdir -p "$APP/node"
  if command -v curl >/dev/null; then curl -fsSL "$url"; else wget -qO- "$url"; fi |
    tar -xz -C "$APP/node" --strip-components=1
  NODE="$APP/node/bin/node"
fi
printf '%s\\n' "$NODE" >"$APP/node-path"
echo "setup.sh: kafka-lab $("$NODE" "$APP/${CLI}" --version) on Node $("$NODE" --version)"
`;
}

export function runScript(labRef: string): string {
  return `#!/usr/bin/env bash
# Run by Gradescope for each submission: grades the kafka-lab submission file uploaded to
# $ROOT/submission with the lab's rubric into $ROOT/results/results.json.
set -uo pipefail
ROOT="\${AUTOGRADER_ROOT:-/autograder}"
APP="$ROOT/kafka-lab"
mkdir -p "$ROOT/results"
"$(cat "$APP/node-path")" "$APP/${CLI}" grade ${quote(labRef)} \\
  --submissions "$ROOT/submission" --format gradescope --out "$ROOT/results/results.json"
code=$?
# Below full marks exits 1; what counts is the results file.
if [ -s "$ROOT/results/results.json" ]; then exit 0; fi
exit "$code"
`;
}

export async function autograderZip(o: {
  labRef: string;
  pkg: Buffer;
  nodeVersion: string;
  /** a linux-x64 node binary to carry in the zip */
  node?: Buffer;
}): Promise<{ zip: Buffer; entries: string[] }> {
  const entries: ZipEntry[] = [
    { name: 'setup.sh', data: Buffer.from(setupScript(o.nodeVersion)), mode: 0o755 },
    { name: 'run_autograder', data: Buffer.from(runScript(o.labRef)), mode: 0o755 },
    { name: 'kafka-lab.tgz', data: o.pkg },
    ...(o.node ? [{ name: 'node/bin/node', data: o.node, mode: 0o755 }] : []),
  ];
  return { zip: await zip(entries), entries: entries.map((e) => e.name) };
}
