// Checks a host before a class: every row says what is wrong and what to do, and all rows are
// printed even when an early one fails, so one run lists everything to fix.
import type { Runtime } from '../core/runtime.js';
import { EXIT, UsageError, UserError } from '../core/errors.js';
import { stackMemoryMiB } from '../core/memory.js';
import { DEFAULT_PORT_BASE, DEFAULT_STACK, type StackSpec } from '../core/stack.js';
import { absentImages, howToGetImages, stackImages } from '../images/stack-images.js';
import { defaultComposeFile } from '../paths.js';
import { connectEngine, type EngineRequest } from '../docker/engine.js';
import { listStacks } from '../runtime/stacks.js';
import { availableMemory } from '../runtime/host.js';
import { takenPorts } from '../runtime/ports.js';
import { loadStack } from '../stack/compose.js';
import { command, engineOptions, upOptions } from '../cli/command.js';
import { choosePortBase, stackContext } from '../context/stack.js';

type Status = 'ok' | 'warn' | 'fail' | 'skip';

interface Check {
  name: string;
  status: Status;
  detail: string;
  fix?: string;
}

const MAX_STACKS = 100;
const MAX_SKEW_MS = 2000;
// Below this much memory left over, the OS and the students' own tools start to squeeze the brokers.
const SPARE_MiB = 512;

export const doctorCommand = command({
  name: 'doctor',
  usage: 'kafka-lab doctor [--stacks N] [--images confluent|local] [--profile zookeeper|kraft] [--json]',
  details:
    'Each check prints ok, warn, fail (with what to do) or skip (it needs Docker, which is not reachable).\n' +
    'Exit code 0 when nothing failed (warnings allowed), 1 when a check failed.',
  options: {
    ...engineOptions,
    stacks: {
      type: 'string',
      value: 'N',
      description: 'how many stacks this host must run at once (default 1: the default stack, then blocks for more)',
    },
    images: upOptions.images,
    profile: {
      ...upOptions.profile,
      description: 'the profile the class will run (its images and memory); also KAFKA_LAB_PROFILE',
    },
    json: { type: 'boolean', description: 'print JSON: {checks: [{name, status, detail, fix?}]}' },
  },
  async run(inv) {
    const stacks = parseStacks(inv.values.stacks);
    const checks: Check[] = [];
    const { check: dockerCheck, rt } = await checkDocker({ context: inv.values.context, env: inv.env });
    checks.push(dockerCheck);
    const skip = (name: string): Check => ({ name, status: 'skip', detail: 'needs the Docker engine' });
    let spec: StackSpec | undefined;
    if (rt) {
      // The same resolution `up` makes for the default stack: --images, KAFKA_LAB_IMAGES, what the stack recorded, confluent.
      const ctx = await stackContext({
        stack: DEFAULT_STACK,
        images: inv.values.images ?? inv.env.KAFKA_LAB_IMAGES,
        profile: inv.values.profile ?? inv.env.KAFKA_LAB_PROFILE,
        engine: { context: inv.values.context, env: inv.env },
      });
      spec = ctx.spec;
      const images = stackImages(ctx.spec);
      const missing = await absentImages(rt, images);
      checks.push(
        missing.length === 0
          ? { name: 'images', status: 'ok', detail: `${ctx.images}: ${images.join(', ')} present` }
          : {
              name: 'images',
              status: 'fail',
              detail: `${ctx.images}: missing ${missing.join(', ')}`,
              fix: howToGetImages(ctx.images, missing),
            },
      );
    } else {
      checks.push(skip('images'));
    }
    spec ??= await loadStack(defaultComposeFile, { stack: DEFAULT_STACK });
    const blocks = rt ? await stackBlocks(rt) : [];
    checks.push(await checkMemory(spec, stacks, blocks.filter((b) => b.running).length));
    checks.push(await checkPorts(spec, stacks, blocks, rt));
    checks.push(rt ? await checkClock(rt) : skip('clock'));

    const failed = checks.filter((c) => c.status === 'fail').length;
    if (inv.values.json) {
      inv.out.write(`${JSON.stringify({ checks }, null, 2)}\n`);
    } else {
      const width = Math.max(...checks.map((c) => c.name.length)) + 2;
      for (const c of checks) {
        inv.out.write(`${c.status.padEnd(5)} ${c.name.padEnd(width)}${c.detail}\n`);
        if (c.fix) inv.out.write(`${' '.repeat(6 + width)}fix: ${c.fix}\n`);
      }
      const warned = checks.filter((c) => c.status === 'warn').length;
      const skipped = checks.filter((c) => c.status === 'skip').length;
      const parts = [
        failed && `${failed} failed`,
        warned && `${warned} warning${warned > 1 ? 's' : ''}`,
        skipped && `${skipped} skipped`,
      ].filter(Boolean);
      inv.out.write(
        parts.length
          ? `\n${parts.join(', ')}.\n`
          : `\nAll checks passed for ${stacks} stack${stacks > 1 ? 's' : ''}.\n`,
      );
    }
    return failed ? EXIT.failed : EXIT.ok;
  },
});

function parseStacks(text: string | undefined): number {
  if (text === undefined) return 1;
  const n = Number(text);
  if (!Number.isInteger(n) || n < 1 || n > MAX_STACKS)
    throw new UsageError(
      `--stacks ${text} is not a whole number from 1 to ${MAX_STACKS}.`,
      'For example: --stacks 12.',
    );
  return n;
}

async function checkDocker(engine: EngineRequest): Promise<{ check: Check; rt?: Runtime }> {
  let where = 'the Docker engine';
  try {
    const rt = await connectEngine(engine);
    where = rt.where;
    const v = await rt.info();
    return {
      check: {
        name: 'docker',
        status: 'ok',
        detail: `engine ${v.version} (API ${v.apiVersion}, ${v.os}/${v.arch}) at ${where}`,
      },
      rt,
    };
  } catch (err) {
    if (err instanceof UserError)
      return { check: { name: 'docker', status: 'fail', detail: err.message, fix: err.next } };
    return {
      check: {
        name: 'docker',
        status: 'fail',
        detail: `Docker at ${where} answered a ping but not a version request: ${(err as Error).message.split('\n')[0]}`,
        fix: 'Restart the Docker engine and run the command again.',
      },
    };
  }
}

interface StackBlock {
  stack: string;
  portBase: number;
  running: boolean;
}

/** Every kafka-lab stack on this host with the port base it recorded, and whether any of its containers runs. */
async function stackBlocks(rt: Runtime): Promise<StackBlock[]> {
  return (await listStacks(rt))
    .filter((s) => s.portBase !== null)
    .map((s) => ({ stack: s.stack, portBase: s.portBase!, running: s.containers.some((c) => c.state === 'running') }));
}

async function checkMemory(spec: StackSpec, stacks: number, running: number): Promise<Check> {
  const perStack = stackMemoryMiB(spec);
  const need = stacks * perStack;
  const available = await availableMemory();
  const have = Math.floor(available.mib);
  // Running stacks already use part of the host's memory: say so, since they may be this class's own.
  const already = running ? `; ${running} kafka-lab stack${running > 1 ? 's are' : ' is'} running already` : '';
  const detail = `${stacks} stack${stacks === 1 ? ' needs' : 's need'} about ${need} MiB (${perStack} MiB each); ${have} MiB available (${available.source})${already}`;
  const fits = Math.floor(Math.max(0, have - SPARE_MiB) / perStack);
  const fix = `Stop other programs or containers to free memory, or run fewer stacks: about ${fits} fit${fits === 1 ? 's' : ''} with ${SPARE_MiB} MiB to spare.`;
  if (have < need) return { name: 'memory', status: 'fail', detail, fix };
  if (have - need < SPARE_MiB)
    return { name: 'memory', status: 'warn', detail: `${detail}; less than ${SPARE_MiB} MiB would be left`, fix };
  return { name: 'memory', status: 'ok', detail };
}

/** The default stack needs its own block (9092-9094, 2181); every other stack gets one from choosePortBase. */
async function checkPorts(
  spec: StackSpec,
  stacks: number,
  blocks: StackBlock[],
  rt: Runtime | undefined,
): Promise<Check> {
  const base = spec.services.flatMap((s) => s.ports.map((p) => ({ host: p.hostIp, port: p.hostPort })));
  const taken = async (offset: number) => {
    const result: number[] = [];
    for (const host of new Set(base.map((p) => p.host))) {
      result.push(
        ...(await takenPorts(
          host,
          base.filter((p) => p.host === host).map((p) => p.port + offset),
        )),
      );
    }
    return result.sort((a, b) => a - b);
  };
  const notes: string[] = [];
  let status: Status = 'ok';
  let fix: string | undefined;

  const owner = blocks.find((b) => b.portBase === DEFAULT_PORT_BASE && b.running);
  const takenDefault = await taken(0);
  if (takenDefault.length > 0 && owner) {
    notes.push(`the default block (${portList(takenDefault)}) is held by the running stack '${owner.stack}'`);
  } else if (takenDefault.length > 0) {
    status = 'fail';
    notes.push(`the default stack's ${portsAre(takenDefault)} in use by another process`);
    fix = `Stop what listens there (see 'ss -ltnp'), or move the default stack: 'kafka-lab up --port-base 19092'.`;
  } else {
    notes.push(`the default stack's ports ${portList(base.map((p) => p.port))} are free`);
  }

  const more = stacks - 1;
  if (more > 0 && rt) {
    // The blocks `up --stacks` would hand out, by the same rule.
    const chosen = new Set<number>();
    try {
      for (let i = 0; i < more; i++) chosen.add(await choosePortBase(rt, defaultComposeFile, `doctor-${i}`, chosen));
      notes.push(
        `${more} more stack${more > 1 ? 's' : ''} would get port base${more > 1 ? 's' : ''} ${[...chosen].join(', ')}`,
      );
    } catch (err) {
      status = 'fail';
      notes.push(`only ${chosen.size} of ${more} more stacks find a free block of ports`);
      fix = `${(err as Error).message} Stop other listeners, or run fewer stacks.`;
    }
  }
  return { name: 'ports', status, detail: notes.join('; '), ...(fix ? { fix } : {}) };
}

/** 'port 9093 is' or 'ports 2181, 9092-9094 are' */
function portsAre(ports: number[]): string {
  return new Set(ports).size === 1 ? `port ${ports[0]} is` : `ports ${portList(ports)} are`;
}

/** '2181, 9092-9094' */
function portList(ports: number[]): string {
  const sorted = [...new Set(ports)].sort((a, b) => a - b);
  const ranges: string[] = [];
  for (let i = 0; i < sorted.length;) {
    let j = i;
    while (j + 1 < sorted.length && sorted[j + 1] === sorted[j]! + 1) j++;
    ranges.push(j === i ? `${sorted[i]}` : `${sorted[i]}-${sorted[j]}`);
    i = j + 1;
  }
  return ranges.join(', ');
}

async function checkClock(rt: Runtime): Promise<Check> {
  const before = Date.now();
  const info = await rt.info();
  const after = Date.now();
  const engine = Date.parse(info.systemTime);
  if (Number.isNaN(engine))
    return { name: 'clock', status: 'warn', detail: `the engine reported an unreadable time '${info.systemTime}'` };
  // The engine read its clock somewhere during the request: compare with the middle of it.
  const skew = engine - (before + after) / 2;
  const size = Math.abs(skew) < 1000 ? `${Math.round(Math.abs(skew))} ms` : `${(Math.abs(skew) / 1000).toFixed(1)} s`;
  const detail = `engine clock is ${size} ${skew > 0 ? 'ahead of' : 'behind'} the host's (±${Math.ceil((after - before) / 2)} ms)`;
  if (Math.abs(skew) <= MAX_SKEW_MS) return { name: 'clock', status: 'ok', detail };
  return {
    name: 'clock',
    status: 'warn',
    detail,
    fix: "Timestamps in messages and logs will disagree with the host's. Sync the clocks ('sudo timedatectl set-ntp true'); on Docker Desktop, restart it (its VM drifts after sleep).",
  };
}
