// The brokers' start and size, the old JVM recipe against the new one, side by side in one run:
//   node dist/bench/footprint.js [--runs N] [--profile zookeeper|kraft] [--images local|confluent]
// New: the stack file as it is (serial GC, C1 only, capped metaspace, code cache and direct memory,
// a 16 MiB log-cleaner buffer, smaller heaps) and, with the offline images, their class-data-sharing
// archive. Old: the same file with those settings taken out and the heaps as they were (brokers
// -Xmx256m -Xms256m, ZooKeeper -Xmx128m -Xms64m, KRaft controllers -Xmx128m -Xms128m), and the JDK's
// own archive instead of kafka-lab's. Runs alternate old and new on one stack name. For each: up from
// no containers to ready, resident memory once ready and after a lab (broker-failover solved), and
// `verify durability` (3000 messages, kill of partition 0's leader mid-stream): throughput and lost.
import { execa } from 'execa';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { parse, stringify } from 'yaml';
import { stackContext } from '../src/context/stack.js';
import { defaultComposeFile, kraftComposeFile } from '../src/paths.js';

const { values } = parseArgs({
  options: {
    runs: { type: 'string', default: '3' },
    profile: { type: 'string', default: 'zookeeper' },
    images: { type: 'string', default: 'local' },
  },
});
const runs = Number(values.runs);
const profile = values.profile === 'kraft' ? 'kraft' : 'zookeeper';
const cliPath = fileURLToPath(new URL('../bin/kafka-lab.js', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'kafka-lab-footprint-'));
const env = { CI: '1', KAFKA_LAB_IMAGES: values.images!, KAFKA_LAB_STATE: join(dir, 'state') };
const STACK = 'bench-footprint';
const at = ['--stack', STACK, '--port-base', '26392'];
const JDK_ARCHIVE = '-XX:SharedArchiveFile=/usr/lib/jvm/java-17-openjdk-amd64/lib/server/classes.jsa';

type Env = Record<string, string>;
/** The stack file with the new settings taken out: the recipe before them. */
function oldRecipe(file: string): string {
  const doc = parse(readFileSync(file, 'utf8'), { merge: true }) as { services: Record<string, { environment?: Env }> };
  for (const [name, svc] of Object.entries(doc.services)) {
    const e = svc.environment;
    if (!e?.KAFKA_HEAP_OPTS) continue;
    delete e.KAFKA_JVM_PERFORMANCE_OPTS;
    delete e.KAFKA_LOG_CLEANER_DEDUPE_BUFFER_SIZE;
    e.KAFKA_HEAP_OPTS =
      name === 'zookeeper'
        ? '-Xmx128m -Xms64m'
        : name.startsWith('controller')
          ? '-Xmx128m -Xms128m'
          : '-Xmx256m -Xms256m';
    if (values.images === 'local') e.KAFKA_OPTS = JDK_ARCHIVE;
  }
  const out = join(dir, `old-${profile}.yaml`);
  writeFileSync(out, stringify(doc));
  return out;
}

const current = profile === 'kraft' ? kraftComposeFile : defaultComposeFile;
const RECIPES = [
  { name: 'old', compose: oldRecipe(current) },
  { name: 'new', compose: current },
] as const;

async function kl(args: string[], ok = [0, 1]): Promise<{ stdout: string; ms: number }> {
  const started = Date.now();
  const r = await execa('node', [cliPath, ...args], { env, reject: false });
  if (!ok.includes(r.exitCode ?? -1)) throw new Error(`kafka-lab ${args.join(' ')} exited ${r.exitCode}: ${r.stderr}`);
  return { stdout: r.stdout, ms: Date.now() - started };
}

async function memoryMiB(): Promise<number> {
  const ctx = await stackContext({ stack: STACK, images: values.images });
  const mem = await Promise.all(ctx.spec.services.map((s) => ctx.rt.memory(s.containerName)));
  return mem.reduce<number>((a, b) => a + (b ?? 0), 0) / (1024 * 1024);
}

interface Figures {
  up: number[];
  ready: number[];
  afterLab: number[];
  throughput: number[];
  lost: number[];
}
const figures: Record<string, Figures> = Object.fromEntries(
  RECIPES.map((r) => [r.name, { up: [], ready: [], afterLab: [], throughput: [], lost: [] }]),
);

try {
  for (let i = 0; i < runs; i++) {
    for (const r of RECIPES) {
      const f = figures[r.name]!;
      await kl(['down', '--stack', STACK, '--volumes'], [0]);
      f.up.push((await kl(['up', ...at, '--profile', profile, '--compose', r.compose], [0])).ms);
      f.ready.push(await memoryMiB());
      await kl(['solve', 'broker-failover', '--stack', STACK, '--quiet']);
      await kl(['heal', '--stack', STACK], [0]);
      f.afterLab.push(await memoryMiB());
      const v = JSON.parse(
        (
          await kl([
            'verify',
            'durability',
            '--stack',
            STACK,
            '--topic',
            'footprint',
            '--messages',
            '3000',
            '--fault',
            'kill:leader:footprint/0',
            '--json',
          ])
        ).stdout,
      ) as { messagesPerSecond: number; lost: number };
      f.throughput.push(v.messagesPerSecond);
      f.lost.push(v.lost);
      process.stderr.write(
        `run ${i + 1} ${r.name}: up ${f.up.at(-1)} ms, ${Math.round(f.ready.at(-1)!)} MiB ready, ${Math.round(f.afterLab.at(-1)!)} MiB after the lab, ${v.messagesPerSecond} msg/s, ${v.lost} lost\n`,
      );
    }
  }
} finally {
  await kl(['down', '--stack', STACK, '--volumes'], [0]);
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const [o, n] = [figures.old!, figures.new!];
const row = (name: string, a: number, b: number, unit: string, digits = 0) =>
  console.log(
    `${name.padEnd(46)} ${a.toFixed(digits).padStart(8)} ${unit.padEnd(5)} ${b.toFixed(digits).padStart(8)} ${unit.padEnd(5)} x${(b / a).toFixed(2)}`,
  );
console.log(
  `${profile} stack, ${values.images} images, old JVM recipe vs new, ${runs} runs each alternating, medians; last column new / old`,
);
console.log(`${''.padEnd(46)} ${'old'.padStart(14)} ${'new'.padStart(14)}`);
row('up, no containers to ready', median(o.up) / 1000, median(n.up) / 1000, 's', 2);
row('resident memory once ready', median(o.ready), median(n.ready), 'MiB');
row('resident memory after broker-failover', median(o.afterLab), median(n.afterLab), 'MiB');
row('verify durability, 3000 messages, kill leader', median(o.throughput), median(n.throughput), 'msg/s');
console.log(
  `${'messages lost (every run)'.padEnd(46)} ${o.lost.join(',').padStart(14)} ${n.lost.join(',').padStart(14)}`,
);
console.log(JSON.stringify(figures));
