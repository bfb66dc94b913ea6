// The second Docker engine for tests of many engines (scripts/second-engine.sh), its addresses, and Docker
// contexts that name it, for every test file that needs more than one engine.
import { execa } from 'execa';
import Docker from 'dockerode';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const script = fileURLToPath(new URL('../../../scripts/second-engine.sh', import.meta.url));

export interface SecondEngine {
  /** The state directory (KAFKA_LAB_ENGINE2_DIR, default /tmp/kafka-lab-engine2). */
  dir: string;
  /** unix:///…/docker.sock */
  unix: string;
  /** ssh://root@127.0.0.1:PORT; its login's DOCKER_HOST is the second engine. */
  ssh: string;
  sshPort: number;
  /** The client's private key. */
  key: string;
  /** A home directory whose .ssh holds the key, known_hosts and config: HOME for ssh:// without prompts. */
  home: string;
  /** For `ssh -F`: Host 127.0.0.1 with the port, user, key and known_hosts. */
  sshConfig: string;
  /** True when this process started it (and so stops it after). */
  startedHere: boolean;
  /** dockerode on the second engine's socket, for assertions. */
  docker: Docker;
}

function dirOf(env: NodeJS.ProcessEnv = process.env): string {
  return env.KAFKA_LAB_ENGINE2_DIR ?? '/tmp/kafka-lab-engine2';
}

function running(dir: string): boolean {
  const pidFile = join(dir, 'dockerd.pid');
  if (!existsSync(pidFile)) return false;
  try {
    process.kill(Number(readFileSync(pidFile, 'utf8').trim()), 0);
    return true;
  } catch {
    return false;
  }
}

/** Starts the second engine and its sshd (or finds them running), with the offline images loaded. */
export async function startSecondEngine(): Promise<SecondEngine> {
  const startedHere = !running(dirOf());
  const r = await execa('bash', [script, 'start'], { reject: false, timeout: 300_000 });
  if (r.exitCode !== 0) throw new Error(`second-engine.sh start exited ${r.exitCode}\n${r.stdout}\n${r.stderr}`);
  const v = Object.fromEntries(
    r.stdout
      .split('\n')
      .filter((l) => l.startsWith('ENGINE2_'))
      .map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]),
  ) as Record<string, string>;
  const unix = v.ENGINE2_UNIX!;
  return {
    dir: v.ENGINE2_DIR!,
    unix,
    ssh: v.ENGINE2_SSH!,
    sshPort: Number(v.ENGINE2_SSH_PORT),
    key: v.ENGINE2_KEY!,
    home: v.ENGINE2_HOME!,
    sshConfig: v.ENGINE2_SSH_CONFIG!,
    startedHere,
    docker: new Docker({ socketPath: unix.slice('unix://'.length) }),
  };
}

/** Stops the second engine if this process started it; one that was running before is left running. */
export async function stopSecondEngine(engine: SecondEngine | undefined): Promise<void> {
  if (!engine?.startedHere) return;
  await execa('bash', [script, 'stop'], { timeout: 120_000 });
}

/** The environment for kafka-lab on the second engine: over its socket, or over SSH. */
export function engineEnv(engine: SecondEngine, via: 'unix' | 'ssh'): Record<string, string> {
  return via === 'unix' ? { DOCKER_HOST: engine.unix } : { DOCKER_HOST: engine.ssh, HOME: engine.home };
}

/**
 * A fresh DOCKER_CONFIG with these contexts (name -> docker host), made with `docker context create`.
 * Pass `DOCKER_CONFIG: dir` (and no DOCKER_HOST) to kafka-lab, then `--context NAME`.
 */
export async function dockerContexts(contexts: Record<string, string>): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), 'kafka-lab-docker-config-'));
  for (const [name, host] of Object.entries(contexts)) {
    await execa('docker', ['context', 'create', name, '--docker', `host=${host}`], {
      env: { DOCKER_CONFIG: dir, DOCKER_HOST: '', DOCKER_CONTEXT: '' },
    });
  }
  return dir;
}

/** Containers on this engine that carry this stack's label. */
export async function stackContainersOn(docker: Docker, stack: string) {
  const list = await docker.listContainers({ all: true, filters: { label: [`kafka-lab.stack=${stack}`] } });
  return list.map((c) => ({ name: c.Names[0]!.slice(1), id: c.Id, state: c.State, labels: c.Labels }));
}
