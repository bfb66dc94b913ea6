// Compose file -> StackSpec for one stack. Reads the subset kafka-lab needs and refuses the rest,
// so a lab host cannot be asked for privileged containers, host mounts or host networking.
import { z } from 'zod';
import { UserError } from '../core/errors.js';
import {
  DEFAULT_PORT_BASE,
  namePrefix,
  projectName,
  roleOf,
  type PortSpec,
  type ServiceSpec,
  type StackSpec,
  type VolumeMount,
} from '../core/stack.js';
import { readUserFile, readYaml, validate, where, type Path, type YamlSource } from './yaml-source.js';

const scalar = z.union([z.string(), z.number(), z.boolean(), z.null()]);
const stringList = z.union([z.string(), z.array(z.string())]);

const serviceSchema = z.strictObject({
  image: z.string().min(1),
  container_name: z
    .string()
    .regex(/^[a-zA-Z0-9][a-zA-Z0-9_.-]*$/, 'a container name: letters, digits, _ . -')
    .optional(),
  hostname: z.string().optional(),
  depends_on: z
    .union([z.array(z.string()), z.record(z.string(), z.strictObject({ condition: z.string().optional() }))])
    .optional(),
  ports: z.array(z.string()).optional(),
  environment: z.union([z.record(z.string(), scalar), z.array(z.string())]).optional(),
  volumes: z.array(z.string()).optional(),
  command: stringList.optional(),
  entrypoint: stringList.optional(),
});

const composeSchema = z.strictObject({
  name: z.string().optional(),
  services: z.record(
    z.string().regex(/^[a-z0-9][a-z0-9_-]*$/, 'a service name: lower-case letters, digits, _ or -'),
    serviceSchema,
  ),
  volumes: z.record(z.string(), z.union([z.null(), z.strictObject({})])).optional(),
});

type ComposeService = z.infer<typeof serviceSchema>;

export interface ResolveOptions {
  stack: string;
  portBase?: number;
  /** Maps an image named in the file to the one to run (for the offline images). */
  image?: (image: string) => string;
}

const NEXT = 'Fix the compose file, or run without --compose to use the built-in one.';

export async function loadStack(file: string, options: ResolveOptions): Promise<StackSpec> {
  return resolveStack(file, await readUserFile(file, 'Compose file', 'Check the path given to --compose.'), options);
}

export function resolveStack(file: string, text: string, options: ResolveOptions): StackSpec {
  const src = readYaml(file, text, NEXT);
  const portBase = options.portBase ?? DEFAULT_PORT_BASE;
  const vars = stackVariables(options.stack, portBase);
  const interpolated = interpolate(src, src.value, [], vars);
  const compose = validate(src, composeSchema, interpolated, NEXT);
  const project = projectName(options.stack);
  const declaredVolumes = Object.keys(compose.volumes ?? {});
  const names = Object.keys(compose.services);
  const services = names.map((name) =>
    toService(src, name, compose.services[name]!, { project, declaredVolumes, names, prefix: vars.prefix, options }),
  );
  return {
    stack: options.stack,
    project,
    network: project,
    portBase,
    services,
    volumes: declaredVolumes.map((v) => `${project}_${v}`),
  };
}

interface Variables {
  prefix: string;
  resolve(name: string, fallback: string | undefined): string | undefined;
}

/** NAME_PREFIX names the containers; every *_PORT variable moves with the stack's port base. */
function stackVariables(stack: string, portBase: number): Variables {
  const prefix = namePrefix(stack);
  const offset = portBase - DEFAULT_PORT_BASE;
  return {
    prefix,
    resolve(name, fallback) {
      if (name === 'NAME_PREFIX') return prefix;
      if (name.endsWith('_PORT') && fallback !== undefined && /^\d+$/.test(fallback))
        return String(Number(fallback) + offset);
      return fallback;
    },
  };
}

const VARIABLE = /\$\$|\$\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?-)([^}]*))?\}|\$([A-Za-z_][A-Za-z0-9_]*)/g;

function interpolate(src: YamlSource, value: unknown, path: Path, vars: Variables): unknown {
  if (typeof value === 'string') {
    return value.replace(VARIABLE, (whole, braced?: string, op?: string, fallback?: string, bare?: string) => {
      if (whole === '$$') return '$';
      const name = (braced ?? bare)!;
      const result = vars.resolve(name, op ? fallback : undefined);
      if (result === undefined) {
        throw new UserError(
          `${where(src, path)}: variable ${name} has no value; give it a default as \${${name}:-value}.`,
          NEXT,
        );
      }
      return result;
    });
  }
  if (Array.isArray(value)) return value.map((v, i) => interpolate(src, v, [...path, i], vars));
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, interpolate(src, v, [...path, k], vars)]));
  }
  return value;
}

interface ServiceContext {
  project: string;
  declaredVolumes: string[];
  names: string[];
  prefix: string;
  options: ResolveOptions;
}

function toService(src: YamlSource, name: string, svc: ComposeService, ctx: ServiceContext): ServiceSpec {
  const at = (...rest: Path) => where(src, ['services', name, ...rest]);
  const dependsOn = Array.isArray(svc.depends_on) ? svc.depends_on : Object.keys(svc.depends_on ?? {});
  for (const dep of dependsOn) {
    if (!ctx.names.includes(dep))
      throw new UserError(`${at('depends_on')}: service ${name} depends on unknown service '${dep}'.`, NEXT);
  }
  const environment = toEnvironment(svc.environment, at('environment'));
  return {
    service: name,
    ...roleOf(environment),
    containerName: svc.container_name ?? `${ctx.prefix}${name}`,
    image: ctx.options.image ? ctx.options.image(svc.image) : svc.image,
    hostname: svc.hostname,
    dependsOn,
    ports: (svc.ports ?? []).map((p, i) => parsePort(p, at('ports', i))),
    environment,
    volumes: (svc.volumes ?? []).map((v, i) => parseVolume(v, at('volumes', i), ctx)),
    command: toList(svc.command),
    entrypoint: toList(svc.entrypoint),
  };
}

function parsePort(text: string, place: string): PortSpec {
  const m = /^(?:(\d+\.\d+\.\d+\.\d+):)?(\d+):(\d+)(?:\/tcp)?$/.exec(text);
  if (!m) throw new UserError(`${place}: port '${text}' is not of the form 127.0.0.1:HOST:CONTAINER.`, NEXT);
  const hostIp = m[1] ?? '';
  if (!hostIp.startsWith('127.')) {
    throw new UserError(
      `${place}: port '${text}' would be published beyond this machine; publish it on 127.0.0.1 only.`,
      NEXT,
    );
  }
  const hostPort = Number(m[2]);
  const containerPort = Number(m[3]);
  for (const p of [hostPort, containerPort]) {
    if (p < 1 || p > 65535)
      throw new UserError(`${place}: port ${p} is out of range (1-65535); choose another --port-base.`, NEXT);
  }
  return { hostIp, hostPort, containerPort };
}

function parseVolume(text: string, place: string, ctx: ServiceContext): VolumeMount {
  const [source = '', target = '', mode, ...rest] = text.split(':');
  if (/^[./~]/.test(source) || source.includes('/')) {
    throw new UserError(
      `${place}: host mount '${source}' is not allowed; use a named volume declared under 'volumes:'.`,
      NEXT,
    );
  }
  if (!ctx.declaredVolumes.includes(source)) {
    throw new UserError(`${place}: volume '${source}' is not declared under the top-level 'volumes:'.`, NEXT);
  }
  if (!target.startsWith('/') || rest.length || (mode !== undefined && mode !== 'ro' && mode !== 'rw')) {
    throw new UserError(`${place}: volume '${text}' is not of the form NAME:/path[:ro].`, NEXT);
  }
  return { volume: `${ctx.project}_${source}`, target, readOnly: mode === 'ro' };
}

function toEnvironment(env: ComposeService['environment'], place: string): Record<string, string> {
  if (!env) return {};
  if (Array.isArray(env)) {
    return Object.fromEntries(
      env.map((entry) => {
        const eq = entry.indexOf('=');
        if (eq <= 0) throw new UserError(`${place}: environment entry '${entry}' is not of the form KEY=VALUE.`, NEXT);
        return [entry.slice(0, eq), entry.slice(eq + 1)];
      }),
    );
  }
  return Object.fromEntries(Object.entries(env).map(([k, v]) => [k, v === null ? '' : String(v)]));
}

function toList(value: string | string[] | undefined): string[] | undefined {
  if (value === undefined) return undefined;
  return Array.isArray(value) ? value : value.split(/\s+/).filter(Boolean);
}
