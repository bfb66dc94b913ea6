// The stack as kafka-lab means to run it: compose resolved for one stack name.

export interface PortSpec {
  hostIp: string;
  hostPort: number;
  containerPort: number;
}

export interface VolumeMount {
  /** Full Docker volume name, already prefixed with the stack's project name. */
  volume: string;
  target: string;
  readOnly: boolean;
}

/** What a service is to kafka-lab, set once by the compose reader from what the file says. */
export type Role = 'zookeeper' | 'broker' | 'controller' | 'tool';

export interface ServiceSpec {
  service: string;
  role: Role;
  /** A broker's (or KRaft node's) id. */
  brokerId?: number;
  /** ZooKeeper's client port inside its container. */
  clientPort?: number;
  containerName: string;
  image: string;
  hostname?: string;
  dependsOn: string[];
  ports: PortSpec[];
  environment: Record<string, string>;
  volumes: VolumeMount[];
  command?: string[];
  entrypoint?: string[];
}

export interface StackSpec {
  stack: string;
  project: string;
  network: string;
  portBase: number;
  services: ServiceSpec[];
  volumes: string[];
}

export const LABEL = {
  stack: 'kafka-lab.stack',
  service: 'kafka-lab.service',
  configHash: 'kafka-lab.config-hash',
  portBase: 'kafka-lab.port-base',
  composeFile: 'kafka-lab.compose-file',
  profile: 'kafka-lab.profile',
  publishAddress: 'kafka-lab.publish-address',
} as const;

/** How the cluster keeps its metadata: ZooKeeper (the tutorials', the default) or KRaft (Kafka 4). */
export const PROFILES = ['zookeeper', 'kraft'] as const;
export type Profile = (typeof PROFILES)[number];
export const DEFAULT_PROFILE: Profile = 'zookeeper';

export const DEFAULT_STACK = 'default';
export const DEFAULT_PORT_BASE = 9092;
const STACK_NAME = /^[a-z0-9][a-z0-9-]{0,30}$/;

export function checkStackName(name: string): string | undefined {
  if (STACK_NAME.test(name)) return undefined;
  return `Stack name '${name}' is not valid: use 1-31 lower-case letters, digits or '-', starting with a letter or digit.`;
}

/** The default stack uses the tutorials' bare names so that `docker stop kafka-2` works verbatim. */
export function namePrefix(stack: string): string {
  return stack === DEFAULT_STACK ? '' : `${stack}-`;
}

/** ' --stack NAME' for commands suggested in messages; nothing for the default stack. */
export function stackFlag(stack: string): string {
  return stack === DEFAULT_STACK ? '' : ` --stack ${stack}`;
}

export function projectName(stack: string): string {
  return `kafka-lab-${stack}`;
}

/** Services started before the rest, in dependency order (stable: file order breaks ties). */
export function startOrder(services: ServiceSpec[]): ServiceSpec[][] {
  const byName = new Map(services.map((s) => [s.service, s]));
  const level = new Map<string, number>();
  const visiting = new Set<string>();
  const depth = (name: string): number => {
    const known = level.get(name);
    if (known !== undefined) return known;
    if (visiting.has(name)) throw new Error(`dependency cycle through service ${name}`);
    visiting.add(name);
    const deps = byName.get(name)?.dependsOn ?? [];
    const d = deps.length === 0 ? 0 : 1 + Math.max(...deps.map(depth));
    visiting.delete(name);
    level.set(name, d);
    return d;
  };
  const waves: ServiceSpec[][] = [];
  for (const s of services) (waves[depth(s.service)] ??= []).push(s);
  return waves.filter(Boolean);
}

/** The host's bootstrap list: every broker's published port on 127.0.0.1 (or the address asked for). */
export function bootstrapServers(spec: StackSpec): string {
  return brokerServices(spec)
    .map((s) => `${s.ports[0]?.hostIp || '127.0.0.1'}:${s.ports[0]?.hostPort}`)
    .join(',');
}

/**
 * The brokers published and advertised on `address` instead of 127.0.0.1 (up --publish-address): reachable
 * from other machines, without authentication. ZooKeeper and the controllers stay on loopback.
 */
export function publishedOn(spec: StackSpec, address: string): StackSpec {
  return {
    ...spec,
    services: spec.services.map((s) =>
      s.role !== 'broker'
        ? s
        : {
            ...s,
            ports: s.ports.map((p) => (p.hostIp === '127.0.0.1' ? { ...p, hostIp: address } : p)),
            environment: Object.fromEntries(
              Object.entries(s.environment).map(([k, v]) => [
                k,
                k.endsWith('ADVERTISED_LISTENERS') ? v.replace(/\/\/127\.0\.0\.1:/g, `//${address}:`) : v,
              ]),
            ),
          },
    ),
  };
}

/** The address the brokers are published on when it is not loopback's 127.0.0.1. */
export function publishAddressOf(spec: StackSpec): string | undefined {
  const ip = brokerServices(spec)[0]?.ports[0]?.hostIp;
  return ip && ip !== '127.0.0.1' ? ip : undefined;
}

export function brokerServices(spec: StackSpec): ServiceSpec[] {
  return spec.services.filter((s) => s.role === 'broker');
}

export function zookeeperServices(spec: StackSpec): ServiceSpec[] {
  return spec.services.filter((s) => s.role === 'zookeeper');
}

/** Where a ZooKeeper service publishes its client port on the host (else its first published port). */
export function clientPortOf(zk: ServiceSpec): PortSpec | undefined {
  return zk.ports.find((p) => p.containerPort === zk.clientPort) ?? zk.ports[0];
}

/** A stack without ZooKeeper keeps its metadata in a KRaft controller quorum. */
export function usesKraft(spec: StackSpec): boolean {
  return zookeeperServices(spec).length === 0;
}

/** The profile a stack's services make it, whichever file they came from. */
export function profileOf(spec: StackSpec): Profile {
  return usesKraft(spec) ? 'kraft' : 'zookeeper';
}

export function serviceOfBroker(spec: StackSpec, id: number): ServiceSpec | undefined {
  return brokerServices(spec).find((s) => s.brokerId === id);
}

/** A broker or a KRaft controller, by its node id. */
export function serviceOfNode(spec: StackSpec, id: number): ServiceSpec | undefined {
  return spec.services.find((s) => (s.role === 'broker' || s.role === 'controller') && s.brokerId === id);
}

/** The role a service's environment declares (Confluent's images' variables). */
export function roleOf(env: Record<string, string>): { role: Role; brokerId?: number; clientPort?: number } {
  const id = env.KAFKA_BROKER_ID ?? env.KAFKA_NODE_ID;
  const roles = (env.KAFKA_PROCESS_ROLES ?? '').split(',').map((r) => r.trim());
  if (id !== undefined && roles.includes('controller') && !roles.includes('broker'))
    return { role: 'controller', brokerId: Number(id) };
  if (id !== undefined) return { role: 'broker', brokerId: Number(id) };
  if (env.ZOOKEEPER_CLIENT_PORT !== undefined)
    return { role: 'zookeeper', clientPort: Number(env.ZOOKEEPER_CLIENT_PORT) };
  return { role: 'tool' };
}
