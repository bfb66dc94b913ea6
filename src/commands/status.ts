import { EXIT, UserError } from '../core/errors.js';
import { bootstrapServers, brokerServices, LABEL, stackFlag, usesKraft } from '../core/stack.js';
import { describeCluster, type ClusterInfo } from '../cluster/kafka.js';
import { describeQuorum } from '../cluster/quorum.js';
import { quorumProblem, type QuorumState } from '../core/quorum.js';
import { command, stackOptions } from '../cli/command.js';
import { stackContext } from '../context/stack.js';
import { engineOf, engineWords, stackOptionsOf } from '../context/stack.js';

/** The stack's services in file order, then anything else it labelled (consumers kafka-lab started). */
function rank(order: string[], service: string): number {
  const i = order.indexOf(service);
  return i < 0 ? order.length : i;
}

const KAFKA_WAY = {
  loopback: '',
  ssh: ' (Kafka through SSH forwarding)',
  published: ' (Kafka published on its address, without authentication)',
};

export const statusCommand = command({
  name: 'status',
  usage: 'kafka-lab status [--stack NAME] [--json]',
  details: 'Exit code 0 when every container runs and the cluster lists every broker with a controller, 1 otherwise.',
  options: {
    ...stackOptions,
    json: {
      type: 'boolean',
      description: 'print JSON: stack, profile, containers, brokers, controller, quorum (KRaft), bootstrap, healthy',
    },
  },
  async run(inv) {
    const ctx = await stackContext(stackOptionsOf(inv));
    if (ctx.existing.length === 0) {
      throw new UserError(
        `Stack '${ctx.spec.stack}' does not exist on ${engineWords(ctx.rt)}.`,
        `Create it with 'kafka-lab up${stackFlag(ctx.spec.stack)}'.`,
      );
    }
    const order = ctx.spec.services.map((s) => s.service);
    const containers = ctx.existing
      .map((c) => ({ service: c.labels[LABEL.service] ?? '?', name: c.name, state: c.state, id: c.id.slice(0, 12) }))
      .sort((a, b) => rank(order, a.service) - rank(order, b.service) || a.name.localeCompare(b.name));
    const bootstrap = bootstrapServers(ctx.spec);
    let cluster: ClusterInfo | undefined;
    let problem: string | undefined;
    try {
      cluster = await describeCluster(bootstrap);
    } catch (err) {
      problem = `the cluster did not answer at ${bootstrap}: ${(err as Error).message}`;
    }
    // KRaft: the active controller is the quorum's leader; Metadata's "controller" is a random broker.
    const kraft = usesKraft(ctx.spec);
    const quorum: QuorumState | undefined = kraft
      ? await describeQuorum(ctx.rt, ctx.spec, { replication: true })
      : undefined;
    const controller = kraft
      ? quorum && quorum.leaderId >= 0
        ? quorum.leaderId
        : null
      : (cluster?.controller ?? null);
    const quorumIssue = kraft ? quorumProblem(quorum) : undefined;
    const wanted = brokerServices(ctx.spec).length;
    const allRunning = ctx.spec.services.every((s) =>
      containers.some((c) => c.service === s.service && c.state === 'running'),
    );
    const healthy = allRunning && !!cluster && cluster.brokers.length === wanted && controller !== null && !quorumIssue;
    if (!problem && !healthy)
      problem = !allRunning
        ? 'not every container is running'
        : cluster?.brokers.length !== wanted
          ? `the cluster lists ${cluster?.brokers.length} of ${wanted} brokers`
          : (quorumIssue ?? 'the cluster reports no controller');
    const report = {
      stack: ctx.spec.stack,
      images: ctx.images,
      profile: ctx.profile,
      portBase: ctx.spec.portBase,
      network: ctx.spec.network,
      engine: engineOf(ctx.rt, ctx.spec),
      containers,
      clusterId: cluster?.clusterId ?? null,
      brokers: cluster?.brokers ?? [],
      controller,
      ...(kraft ? { quorum: quorum ?? null } : {}),
      bootstrap,
      healthy,
      ...(problem ? { problem } : {}),
    };
    if (inv.values.json) {
      inv.out.write(`${JSON.stringify(report, null, 2)}\n`);
    } else {
      const lines = [
        `Stack ${report.stack}  (${healthy ? 'healthy' : `NOT healthy: ${problem}`})`,
        `  images ${report.images}, profile ${report.profile}, network ${report.network}`,
        `  engine ${ctx.rt.where}${KAFKA_WAY[report.engine.kafka]}`,
        '',
        `  ${'SERVICE'.padEnd(14)}${'CONTAINER'.padEnd(22)}${'STATE'.padEnd(10)}ID`,
        ...containers.map((c) => `  ${c.service.padEnd(14)}${c.name.padEnd(22)}${c.state.padEnd(10)}${c.id}`),
        '',
        cluster
          ? `  Cluster ${cluster.clusterId}: ${cluster.brokers.length} brokers, controller ${controller ?? 'none'}`
          : '  Cluster: not reachable',
        ...(cluster?.brokers ?? []).map(
          (b) => `    broker ${b.id}  ${b.host}:${b.port}${b.id === controller ? '  (controller)' : ''}`,
        ),
        ...(kraft ? ['', ...quorumLines(quorum)] : []),
        '',
        `  Bootstrap servers: ${bootstrap}`,
      ];
      inv.out.write(`${lines.join('\n')}\n`);
    }
    return healthy ? EXIT.ok : EXIT.failed;
  },
});

/** The controller quorum: its leader and epoch, then each voter with how far it is behind. */
function quorumLines(q: QuorumState | undefined): string[] {
  if (!q) return ['  Quorum: no node answered kafka-metadata-quorum'];
  const lead =
    q.leaderId >= 0 ? `leader ${q.leaderId}, epoch ${q.leaderEpoch}` : `no leader (${q.unanswered ?? 'none named'})`;
  return [
    `  Quorum: ${lead}, high watermark ${q.highWatermark}, voters ${q.voters.join(',')}`,
    ...(q.replication ?? []).map(
      (v) =>
        `    ${v.status === 'Observer' ? 'observer' : 'voter'} ${v.id}  ${v.status.padEnd(9)} ${v.logEndOffset < 0 ? 'not fetching' : `lag ${v.lag}`}`,
    ),
  ];
}
