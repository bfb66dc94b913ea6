// Plausible wrong attempts, made with real clients, fail their checks with messages that name
// what was expected and what was found.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { cli, dockerExec, expectOk } from './helpers.js';
import { execa } from 'execa';

const STACK = 'it-wrong';
const at = ['--stack', STACK];
const K1 = `${STACK}-kafka-1`;

interface CheckJson {
  pass: boolean;
  steps: { id: string; pass: boolean; checks: { kind: string; pass: boolean; message: string }[] }[];
}

async function check(lab: string, step: string, wait = 0): Promise<CheckJson['steps'][number]['checks']> {
  const r = await cli(['check', lab, step, ...at, '--json', '--wait', String(wait)]);
  assert.ok(r.exitCode === 0 || r.exitCode === 1, r.stderr);
  const j = JSON.parse(r.stdout) as CheckJson;
  assert.equal(j.pass, r.exitCode === 0);
  return j.steps[0]!.checks;
}

function failing(checks: { kind: string; pass: boolean; message: string }[], kind: string): string {
  const c = checks.find((x) => x.kind === kind && !x.pass);
  assert.ok(c, `expected a failing ${kind} check, got ${JSON.stringify(checks, null, 2)}`);
  return c.message;
}

async function topics(...args: string[]) {
  const r = await dockerExec(K1, ['kafka-topics', '--bootstrap-server', 'kafka-1:19092', ...args]);
  assert.equal(r.exitCode, 0, r.stderr);
}

before(async () => {
  await cli(['down', ...at, '--volumes']);
  expectOk(await cli(['up', ...at, '--port-base', '29392']), 'up');
});
after(async () => {
  await cli(['down', ...at, '--volumes']);
});

test('replication factor 2 instead of 3, and 6 partitions instead of 3', async () => {
  await topics('--create', '--topic', 'my-failsafe-topic', '--partitions', '13', '--replication-factor', '2');
  await topics('--create', '--topic', 'purchases', '--partitions', '6', '--replication-factor', '3');
  const checks = await check('replicated-topic', 'create-topics');
  assert.equal(checks.filter((c) => c.kind === 'topic-exists' && !c.pass).length, 2);
  assert.match(checks[0]!.message, /topic my-failsafe-topic has replication factor 2, the lab asks for 3/);
  assert.match(checks[1]!.message, /topic purchases has 6 partitions, the lab asks for 3/);
});

test('doing nothing: no messages, no committed offsets', async () => {
  const checks = await check('broker-failover', 'send-messages');
  assert.match(failing(checks, 'topic-contains'), /expected my-failsafe-topic to hold 14 messages; missing 14: m1, m2/);
  assert.match(
    failing(checks, 'group-offsets'),
    /expected group mygroup to have read 14 messages; its commits stop before 14: m1, m2, m3, m4, m5, \.\.\. \(14 of them are not in my-failsafe-topic/,
  );
});

test('consumers in separate groups where one group was asked for', async () => {
  const kcat = `${STACK}-kcat`;
  for (const g of ['group-a', 'group-b', 'group-c']) {
    await execa('docker', ['exec', '-d', kcat, 'kcat', '-b', 'kafka-1:19092', '-G', g, '-q', 'my-failsafe-topic']);
  }
  const checks = await check('consumer-groups', 'join-one-group');
  assert.match(failing(checks, 'group-members'), /expected 3 members in group mygroup; found no such group/);
  assert.match(failing(checks, 'group-covers'), /expected consumer group mygroup, found none/);
  assert.match(failing(checks, 'group-share'), /expected members in group mygroup; found no such group/);
});

test('stopping kafka-3 where kafka-2 was asked for', async () => {
  await execa('docker', ['stop', `${STACK}-kafka-3`]);
  const checks = await check('broker-failover', 'stop-broker', 5);
  assert.match(
    failing(checks, 'broker-state'),
    /expected broker 2 stopped; found its container running and it is still in the cluster/,
  );
  assert.match(
    failing(checks, 'broker-leads-none'),
    /expected a leader other than broker 2; found partition \d+ is still led by broker 2/,
  );
  assert.match(failing(checks, 'isr'), /expected an ISR of 2 and broker 2 out of the ISR; found partition \d+ has ISR/);
  const recovered = await check('broker-failover', 'restart-broker');
  assert.match(
    failing(recovered, 'fully-replicated'),
    /expected every replica in sync; found partition \d+ has ISR [\d,]+ of replicas [\d,]+/,
  );
  expectOk(await cli(['heal', ...at]), 'heal');
});

test('a partition whose only broker is running is not offline; stopping it makes it leaderless', async () => {
  await topics('--create', '--topic', 'atu', '--partitions', '1', '--replication-factor', '1');
  const before = await check('single-broker', 'stop-leader');
  assert.match(
    failing(before, 'partitions-offline'),
    /expected atu to have a partition with no live leader; found every partition led/,
  );
  const r = await cli(['fault', 'stop', 'leader:atu/0', ...at]);
  expectOk(r, 'fault stop leader:atu/0');
  assert.match(
    r.stdout,
    new RegExp(`^stop ${STACK}-kafka-\\d  \\(leader of atu/0 = broker \\d = ${STACK}-kafka-\\d\\)`),
  );
  const led = await check('single-broker', 'find-leader', 15);
  assert.match(
    failing(led, 'leaders-live'),
    /expected a live leader; found partition 0 (has no leader|is led by broker \d, which is down)/,
  );
  expectOk(await cli(['heal', ...at]), 'heal');
});
