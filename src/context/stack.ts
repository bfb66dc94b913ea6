// Turns command-line options plus what the stack's labels recorded into one StackSpec.
import type { Runtime } from '../core/runtime.js';
import { DEFAULT_SOCKET } from '../core/docker-engine.js';
import { UsageError, UserError } from '../core/errors.js';
import {
  checkStackName,
  DEFAULT_PORT_BASE,
  DEFAULT_PROFILE,
  DEFAULT_STACK,
  LABEL,
  PROFILES,
  profileOf,
  publishAddressOf,
  publishedOn,
  stackFlag,
  type Profile,
  type StackSpec,
} from '../core/stack.js';
import { localImages, recipeTag, toLocalImage, type ImageChoice } from '../images/kit.js';
import { defaultCacheDir, defaultComposeFile, imageKitDir, kraftComposeFile } from '../paths.js';
import { connectEngine, type EngineRequest } from '../docker/engine.js';
import { routeKafka } from '../cluster/route.js';
import { classroomRefOf, locateStack, type ClassroomRef } from '../classroom/engines.js';
import { stackContainers } from '../runtime/find.js';
import { takenPorts } from '../runtime/ports.js';
import { claimPorts, portClaimOf } from '../runtime/port-claims.js';
import { loadStack } from '../stack/compose.js';
import type { ObservedContainer } from '../core/reconcile.js';
import type { Invocation, StackValues } from '../cli/command.js';

export const IMAGES_LABEL = 'kafka-lab.images';

/** What the CLI reads from its flags and environment, once, at the edge. */
export interface StackOptions {
  stack: string;
  compose?: string;
  images?: string;
  profile?: string;
  portBase?: string;
  /** --publish-address: the brokers on this address instead of 127.0.0.1. */
  publishAddress?: string;
  /** The engine: --context and the environment (docker/engine.ts resolves it). */
  engine?: EngineRequest;
  cacheDir?: string;
  /** The classroom's engines, where the stack is looked for by its label; unset once an engine is chosen. */
  classroom?: ClassroomRef;
  /** false: only the spec and images are wanted, no Kafka traffic, so no route to its brokers is made. */
  route?: boolean;
}

export interface StackContext {
  rt: Runtime;
  spec: StackSpec;
  images: ImageChoice;
  profile: Profile;
  /** The profile the stack has, or the one asked for; undefined when neither is known yet. */
  knownProfile?: Profile;
  existing: ObservedContainer[];
  labels: Record<string, string>;
  imageTag: string;
  /** With `claimPorts`: gives up the claim on the stack's ports, once its containers publish them (or it failed). */
  releasePorts: () => Promise<void>;
}

export function cacheDirOf(o: { cacheDir?: string }): string {
  return o.cacheDir ?? defaultCacheDir;
}

/**
 * `claimPorts`: for commands that create the stack's containers (up, reset). The block is claimed host-wide
 * (runtime/port-claims.ts) until the caller releases it, and a block chosen here is one nobody else claims.
 */
export async function stackContext(o: StackOptions, how: { claimPorts?: boolean } = {}): Promise<StackContext> {
  const bad = checkStackName(o.stack);
  if (bad) throw new UsageError(bad);
  const explicitBase = parsePortBase(o.portBase);
  const explicitImages = parseImages(o.images);
  const explicitProfile = parseProfile(o.profile);
  // The image recipe's hash reads the kit's files: beside the engine's answers, not after them.
  const tag = recipeTag(imageKitDir);
  tag.catch(() => {});
  const rt = await stackRuntime(o);
  const existing = await stackContainers(rt, o.stack);
  // Consumers kafka-lab started carry the stack label too; settings live on the stack's own services.
  const recorded = existing.find((c) => c.labels[LABEL.portBase] !== undefined)?.labels ?? {};
  const images = explicitImages ?? (recorded[IMAGES_LABEL] as ImageChoice | undefined) ?? 'confluent';
  // Stacks made before profiles existed carry no profile label: they are ZooKeeper stacks.
  const kept = recorded[LABEL.portBase] === undefined ? undefined : (recorded[LABEL.profile] ?? DEFAULT_PROFILE);
  if (explicitProfile && kept && explicitProfile !== kept) {
    throw new UserError(
      `Stack '${o.stack}' runs the ${kept} profile; --profile ${explicitProfile} cannot change it in place (its data is kept differently).`,
      `Remove it first with 'kafka-lab down${stackFlag(o.stack)} --volumes', or use another --stack.`,
    );
  }
  const profile = explicitProfile ?? (kept as Profile | undefined) ?? DEFAULT_PROFILE;
  const composeFile = composeFileOf({ ...o, profile });
  const given =
    explicitBase ??
    (recorded[LABEL.portBase] ? Number(recorded[LABEL.portBase]) : undefined) ??
    (o.stack === DEFAULT_STACK ? DEFAULT_PORT_BASE : undefined);
  let releasePorts = async () => {};
  let portBase: number;
  if (given !== undefined) portBase = given;
  else if (how.claimPorts) ({ base: portBase, release: releasePorts } = await claimPortBase(rt, composeFile, o.stack));
  else portBase = await choosePortBase(rt, composeFile, o.stack);
  let spec: StackSpec;
  let publish: string | undefined;
  try {
    const imageTag = await tag;
    const local = localImages(imageTag);
    const loaded = await loadStack(composeFile, {
      stack: o.stack,
      portBase,
      image: images === 'local' ? (i) => toLocalImage(i, local) : undefined,
    });
    publish = parsePublishAddress(o.publishAddress) ?? recorded[LABEL.publishAddress];
    spec = publish ? publishedOn(loaded, publish) : loaded;
    if (how.claimPorts && given !== undefined) releasePorts = await claimGivenBlock(rt, spec);
    if (o.route !== false) await routeStack(rt, spec);
  } catch (err) {
    await releasePorts();
    throw err;
  }
  const imageTag = await tag;
  const known = o.compose !== undefined ? profileOf(spec) : (explicitProfile ?? (kept as Profile | undefined));
  return {
    rt,
    spec,
    images,
    profile: known ?? profile,
    knownProfile: known,
    existing,
    labels: {
      [IMAGES_LABEL]: images,
      [LABEL.profile]: known ?? profile,
      ...(publish ? { [LABEL.publishAddress]: publish } : {}),
    },
    imageTag,
    releasePorts,
  };
}

/**
 * The engine of the stack: --context when given; else, in a classroom, the engine that holds the stack's
 * label; else DOCKER_HOST, DOCKER_CONTEXT or the current context.
 */
export async function stackRuntime(o: Pick<StackOptions, 'stack' | 'classroom' | 'engine'>): Promise<Runtime> {
  const located = o.classroom && !o.engine?.context ? await locateStack(o.stack, o.classroom) : undefined;
  return located ?? connectEngine(o.engine ?? { env: {} });
}

function parsePortBase(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const n = Number(text);
  if (!Number.isInteger(n) || n < 1024 || n > 65000) {
    throw new UsageError(
      `--port-base ${text} is not a port number between 1024 and 65000.`,
      'For example: --port-base 19092.',
    );
  }
  return n;
}

function parsePublishAddress(text: string | undefined): string | undefined {
  if (text === undefined || text === '') return undefined;
  const parts = text.split('.');
  const ok = parts.length === 4 && parts.every((p) => /^\d{1,3}$/.test(p) && Number(p) <= 255);
  if (!ok || text === '0.0.0.0')
    throw new UsageError(
      `--publish-address ${text} is not one IPv4 address of this engine's host.`,
      'Give the address other machines reach it on, for example --publish-address 10.0.0.5 (brokers advertise it).',
    );
  return text;
}

function parseImages(text: string | undefined): ImageChoice | undefined {
  if (text === undefined || text === '') return undefined;
  if (text === 'local' || text === 'confluent') return text;
  throw new UsageError(
    `--images ${text} is not known: use 'confluent' (Confluent's public images) or 'local' (kafka-lab's offline images).`,
  );
}

/** The stack file: --compose, else the profile's own. */
export function composeFileOf(o: { compose?: string; profile?: string }): string {
  return o.compose ?? (parseProfile(o.profile) === 'kraft' ? kraftComposeFile : defaultComposeFile);
}

function parseProfile(text: string | undefined): Profile | undefined {
  if (text === undefined || text === '') return undefined;
  if ((PROFILES as readonly string[]).includes(text)) return text as Profile;
  throw new UsageError(
    `--profile ${text} is not known: use 'zookeeper' (ZooKeeper and Kafka 3, the tutorials') or 'kraft' (KRaft and Kafka 4).`,
  );
}

/**
 * Another stack's block is 9092 + 100*k: the first one no stack records, none in `exclude` (blocks
 * handed out to stacks being created in the same run), and whose ports are free.
 */
export async function choosePortBase(
  rt: Runtime,
  composeFile: string,
  stack: string,
  exclude: Set<number> = new Set(),
): Promise<number> {
  const atDefault = await loadStack(composeFile, { stack, portBase: DEFAULT_PORT_BASE });
  const ports = atDefault.services.flatMap((s) => s.ports.map((p) => p.hostPort));
  const used = new Set((await stackContainers(rt)).map((c) => Number(c.labels[LABEL.portBase])));
  for (let base = DEFAULT_PORT_BASE + 100; base < 60000; base += 100) {
    if (used.has(base) || exclude.has(base)) continue;
    const block = ports.map((p) => p + base - DEFAULT_PORT_BASE);
    // Claimed by another kafka-lab that is creating a stack there right now: its containers do not exist yet.
    if ((await Promise.all(block.map((p) => portClaimOf(p, stack)))).some(Boolean)) continue;
    if ((await takenPorts('127.0.0.1', block)).length === 0) return base;
  }
  throw new UserError('No free block of ports was found for a new stack.', 'Give one with --port-base.');
}

/** A free block, claimed: another `up` that chose the same block at the same moment makes this one move on. */
async function claimPortBase(
  rt: Runtime,
  composeFile: string,
  stack: string,
): Promise<{ base: number; release: () => Promise<void> }> {
  const atDefault = await loadStack(composeFile, { stack, portBase: DEFAULT_PORT_BASE });
  const exclude = new Set<number>();
  for (;;) {
    const base = await choosePortBase(rt, composeFile, stack, exclude);
    const block = atDefault.services.flatMap((s) => s.ports.map((p) => p.hostPort + base - DEFAULT_PORT_BASE));
    const got = await claimPorts(block, { stack, engine: rt.where });
    if ('release' in got) return { base, release: got.release };
    exclude.add(base);
  }
}

/** The block the stack has or was given (--port-base): claimed, or refused naming the stack that claims it. */
async function claimGivenBlock(rt: Runtime, spec: StackSpec): Promise<() => Promise<void>> {
  const ports = spec.services.flatMap((s) => s.ports.map((p) => p.hostPort));
  const got = await claimPorts(ports, { stack: spec.stack, engine: rt.where });
  if ('release' in got) return got.release;
  const h = got.holder;
  throw new UserError(
    `Port ${got.port} (stack ${spec.stack}, --port-base ${spec.portBase}) is being taken by another kafka-lab creating stack '${h.stack}' on ${h.engine} (pid ${h.pid}).`,
    `Give this stack another block (--port-base), or wait for that one and run this again. Nothing was created.`,
  );
}

/** "this host" for the default socket, else the engine's context and address: for messages. */
export function engineWords(rt: Runtime): string {
  return rt.engine && rt.engine.host !== `unix://${DEFAULT_SOCKET}` ? rt.where : 'this host';
}

/** Which engine the stack is on, and how kafka-lab reaches its brokers. */
export function engineOf(
  rt: Runtime,
  spec?: StackSpec,
): { host: string; context: string | null; kafka: 'loopback' | 'ssh' | 'published' } {
  return {
    host: rt.engine?.host ?? rt.where,
    context: rt.engine?.context ?? null,
    kafka: spec && publishAddressOf(spec) ? 'published' : rt.forwardLoopback ? 'ssh' : 'loopback',
  };
}

/**
 * A stack on another host's engine (ssh://): its published loopback ports are forwarded through SSH, and
 * kafka-lab's Kafka clients reach the addresses the brokers advertise (127.0.0.1:PORT there) that way. A
 * stack on this host's engine claims its ports as direct, so that two engines' stacks never share a port
 * in one run without a clear message.
 */
async function routeStack(rt: Runtime, spec: StackSpec): Promise<void> {
  // Only 127.0.0.1: a stack published elsewhere (--publish-address) is reached there, directly.
  const ports = spec.services.flatMap((s) => s.ports.filter((p) => p.hostIp === '127.0.0.1').map((p) => p.hostPort));
  const forwards = rt.forwardLoopback ? await rt.forwardLoopback(ports) : new Map(ports.map((p) => [p, undefined]));
  routeKafka(rt.where, spec.stack, forwards);
}

/** For `up`: builds kafka-lab's own images on first use, or pulls the public ones. */
export function imageProvider(
  ctx: StackContext,
  o: StackOptions,
  onLine: (line: string) => void,
  signal?: AbortSignal,
) {
  if (ctx.images !== 'local') return undefined;
  let build: Promise<unknown> | undefined;
  return async (_image: string) => {
    // Loaded only here: building images is rare, and the builder brings execa.
    build ??= import('../images/build.js').then(({ buildImages }) =>
      buildImages({
        rt: ctx.rt,
        kitDir: imageKitDir,
        tag: ctx.imageTag,
        cacheDir: cacheDirOf(o),
        onLine,
        signal,
      }),
    );
    await build;
  };
}

/** The stack options every command takes, from its flags and the environment. */
export function stackOptionsOf(inv: Pick<Invocation<StackValues>, 'values' | 'env'>): StackOptions {
  const v = inv.values;
  return {
    stack: v.stack ?? DEFAULT_STACK,
    compose: v.compose,
    images: v.images ?? inv.env.KAFKA_LAB_IMAGES,
    profile: v.profile ?? inv.env.KAFKA_LAB_PROFILE,
    portBase: v['port-base'],
    publishAddress: v['publish-address'],
    engine: { context: v.context, env: inv.env },
    cacheDir: inv.env.KAFKA_LAB_CACHE,
    classroom: classroomRefOf(v, inv.env, process.cwd()),
  };
}

/** The profile a lab is worded for: the stack's own or the one asked for, if Docker can say. */
export async function knownProfile(
  inv: Pick<Invocation<StackValues>, 'values' | 'env'>,
  seen?: StackContext,
): Promise<Profile | undefined> {
  const o = stackOptionsOf(inv);
  return (seen ?? (await stackContext(o).catch(() => undefined)))?.knownProfile ?? parseProfile(o.profile);
}
