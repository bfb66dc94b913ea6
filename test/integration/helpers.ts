// Helpers for tests against the real engine: the built CLI as a subprocess, Docker through its CLI.
import assert from 'node:assert/strict';
import { execa, type ResultPromise } from 'execa';
import Docker from 'dockerode';
import { fileURLToPath } from 'node:url';

// kafkajs sometimes rejects a promise nobody holds when a broker drops a connection during a
// fault (an abandoned socket's retry). That is not a test failure; anything else still is.
process.on('unhandledRejection', (err) => {
  if ((err as Error)?.name?.startsWith('KafkaJS')) return;
  throw err;
});

const cliPath = fileURLToPath(new URL('../../bin/kafka-lab.js', import.meta.url));
export const docker = new Docker();

export interface CliResult {
  exitCode: number;
  stdout: string;
  stderr: string;
}

export async function cli(args: string[], env: Record<string, string> = {}): Promise<CliResult> {
  const r = await execa('node', [cliPath, ...args], {
    reject: false,
    env: { CI: '1', KAFKA_LAB_IMAGES: 'local', ...env },
    timeout: 300_000,
  });
  return { exitCode: r.exitCode ?? -1, stdout: r.stdout, stderr: r.stderr };
}

export function cliProcess(args: string[]): ResultPromise<{ reject: false; all: true; env: Record<string, string> }> {
  return execa('node', [cliPath, ...args], { reject: false, all: true, env: { CI: '1', KAFKA_LAB_IMAGES: 'local' } });
}

/** Every Docker resource that carries this stack's label. */
export async function labelled(stack: string) {
  const filters = { label: [`kafka-lab.stack=${stack}`] };
  const [containers, networks, volumes] = await Promise.all([
    docker.listContainers({ all: true, filters }),
    docker.listNetworks({ filters }),
    docker.listVolumes({ filters }),
  ]);
  return {
    containers: containers.map((c) => ({
      name: c.Names[0]!.slice(1),
      id: c.Id,
      state: c.State,
      service: c.Labels['kafka-lab.service']!,
    })),
    networks: networks.map((n) => n.Name),
    volumes: (volumes.Volumes ?? []).map((v) => v.Name),
  };
}

export async function idsByService(stack: string): Promise<Record<string, string>> {
  return Object.fromEntries((await labelled(stack)).containers.map((c) => [c.service, c.id]));
}

export async function dockerExec(container: string, cmd: string[], input?: string) {
  const r = await execa('docker', ['exec', '-i', container, ...cmd], { reject: false, input, timeout: 120_000 });
  return { exitCode: r.exitCode ?? -1, stdout: r.stdout, stderr: r.stderr };
}

export function expectOk(r: CliResult, what: string): void {
  if (r.exitCode !== 0) throw new Error(`${what} exited ${r.exitCode}\nstdout:\n${r.stdout}\nstderr:\n${r.stderr}`);
}

/** `verify durability` with a fault mid-stream, RF 3 and min.insync.replicas 2: nothing acknowledged is lost. */
export async function durableThrough(at: string[], fault: string): Promise<void> {
  const r = await cli([
    'verify',
    'durability',
    ...at,
    '--topic',
    'durable',
    '--messages',
    '600',
    '--fault',
    fault,
    '--json',
  ]);
  assert.ok(r.exitCode === 0 || r.exitCode === 1, `exit ${r.exitCode}: ${r.stderr}`);
  const report = JSON.parse(r.stdout) as { lost: number; acked: number; readPastLastAcked: boolean; fault: string };
  assert.equal(report.lost, 0, r.stdout);
  assert.ok(report.acked > 0, r.stdout);
  assert.equal(report.readPastLastAcked, true, r.stdout);
  assert.equal(report.fault, fault);
}
