// Component tests: the real App, LabSession and ClusterWatch, with fake engine dependencies and
// snapshot fixtures. Every wait polls the last frame with a deadline.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { render } from 'ink-testing-library';
import type { Lab } from '../../src/core/lab.js';
import type { ClusterSnapshot } from '../../src/core/snapshot.js';
import { labNeeds } from '../../src/core/needs.js';
import type { ProgressStore } from '../../src/core/progress.js';
import { LabSession } from '../../src/core/session.js';
import { fileProgressStore } from '../../src/lab/progress.js';
import { LabApp } from '../../src/ui/lab-app.js';
import { ClusterWatch } from '../../src/ui/watch.js';
import { App } from '../../src/ui/App.js';
import { KEYMAP } from '../../src/ui/keymap.js';
import { clusterPanel } from '../../src/ui/panel.js';
import { lineText } from '../../src/ui/text.js';
import type { Size } from '../../src/ui/screen.js';
import {
  brokerFailover,
  broker2Stopped,
  fakeDeps,
  MemoryStore,
  nonPreferredLeader,
  quizLab,
  realClock,
  shrunkIsr,
  snapshot,
  templates,
  TOPIC,
  waitForFrame,
} from './ui-fixtures.js';

const SMALL: Size = { columns: 80, rows: 24 };

function mount(o: { lab?: Lab; snap?: () => ClusterSnapshot; store?: ProgressStore; size?: Size } = {}) {
  const deps = fakeDeps({ store: o.store ?? new MemoryStore() });
  const opened: string[] = [];
  const watches: ClusterWatch[] = [];
  const app = new LabApp(
    {
      labs: async () => [brokerFailover, quizLab],
      stack: 'ui-t',
      rows: async () => [
        {
          id: 'broker-failover',
          title: brokerFailover.title,
          minutes: 30,
          steps: 8,
          passed: 2,
          current: 2,
          started: true,
        },
        { id: 'quiz', title: 'Quiz', minutes: 5, steps: 2, passed: 0, current: 0, started: false },
      ],
      async open(ref) {
        const lab = [brokerFailover, quizLab].find((l) => l.ref === ref.ref)!;
        opened.push(lab.id);
        const { progress } = await deps.store.load(lab);
        const session = new LabSession(deps, { lab, stack: 'ui-t', templates, progress });
        const watch = new ClusterWatch({
          inspector: { snapshot: async () => (o.snap ?? snapshot)() },
          needs: labNeeds(lab),
          clock: realClock,
          intervalMs: 20,
        });
        watches.push(watch);
        return { session, watch };
      },
    },
    o.lab,
  );
  const inst = render(<App app={app} stack="ui-t" color={false} size={o.size ?? SMALL} now={() => 0} />);
  return {
    app,
    inst,
    deps,
    opened,
    watches,
    press: (keys: string) => inst.stdin.write(keys),
    frame: (ok: (f: string) => boolean, what: string) => waitForFrame(inst, ok, what),
    async close() {
      inst.unmount();
      await app.quit();
      for (const w of watches) await w.ended();
    },
  };
}

const lineOf = (frame: string, re: RegExp) => frame.split('\n').find((l) => re.test(l)) ?? '';

test('the step list shows each step as passed, failed or not started', async () => {
  const store = new MemoryStore({
    'broker-failover': {
      version: 1,
      lab: 'broker-failover',
      stack: 'ui-t',
      current: 2,
      answers: {},
      updatedAtMs: 0,
      steps: {
        'create-topic': { status: 'passed', atMs: 0, tookMs: 1, lines: [], unknown: [] },
        'start-consumers': {
          status: 'failed',
          atMs: 0,
          tookMs: 1,
          lines: [{ pass: false, text: 'expected 2 members in group mygroup; found 1.' }],
          unknown: [],
        },
      },
    },
  });
  const m = mount({ lab: brokerFailover, store });
  try {
    const f = await m.frame((x) => x.includes('Steps'), 'the step strip');
    assert.match(lineOf(f, /^Steps/), /✔1 +✘2 +\[·3\] +·4/);
    assert.match(lineOf(f, /^Steps/), /1\/8 passed/);
    m.inst.rerender(<App app={m.app} stack="ui-t" color={false} size={{ columns: 160, rows: 50 }} now={() => 0} />);
    const wide = await m.frame((x) => /create-topic/.test(x), 'the step list');
    assert.match(lineOf(wide, /create-topic/), /✔ +1 create-topic +Create the replicated topic +passed/);
    assert.match(lineOf(wide, /start-consumers/), /✘ +2 start-consumers .* failed/);
    assert.match(lineOf(wide, /send-messages/), /· +3 send-messages .* not started/);
    assert.match(lineOf(wide, /send-messages/), /^› /, 'the current step is marked');
  } finally {
    await m.close();
  }
});

test('cluster panel: a stopped broker is down, offline in every partition, and the ISRs shrink', async () => {
  const m = mount({ lab: brokerFailover, snap: broker2Stopped });
  try {
    const f = await m.frame((x) => x.includes('kafka-2 down'), 'kafka-2 down');
    assert.match(f, /2 of 3 brokers up/);
    assert.match(f, /13 under-replicated/);
    assert.equal((lineOf(f, /^kafka-2 down/).match(/!/g) ?? []).length, 13, lineOf(f, /^kafka-2/));
    assert.doesNotMatch(lineOf(f, /^kafka-1/), /!/);
    assert.match(lineOf(f, /^kafka-1/), /ctrl/);
  } finally {
    await m.close();
  }
});

test('cluster panel: a replica out of the ISR is marked x, and in the table as out of sync', async () => {
  const m = mount({ lab: brokerFailover, snap: shrunkIsr });
  try {
    const f = await m.frame((x) => x.includes('under-replicated'), 'the shrunk ISR');
    assert.match(f, /1 under-replicated/);
    // Partition 4: replicas 2,3,1; broker 3 is up but not in sync.
    const row = lineOf(f, /^kafka-3/);
    const header = lineOf(f, /^partition/);
    assert.equal(row[header.indexOf(' 4 ') + 1], 'x', `${header}\n${row}`);
    m.inst.rerender(<App app={m.app} stack="ui-t" color={false} size={{ columns: 100, rows: 50 }} now={() => 0} />);
    const tall = await m.frame((x) => /Part +Leader +Replicas +ISR/.test(x), 'the partition table');
    assert.match(lineOf(tall, /^ {2}4 /), /4 +2 +2,3x,1 +2,1 +out of sync: 3/);
  } finally {
    await m.close();
  }
});

test('cluster panel: a leader that is not the preferred replica is marked L* and counted', async () => {
  const m = mount({ lab: brokerFailover, snap: nonPreferredLeader });
  try {
    const f = await m.frame((x) => x.includes('not preferred'), 'the non-preferred leader');
    assert.match(f, /1 not preferred/);
    const row = lineOf(f, /^kafka-3/);
    const header = lineOf(f, /^partition/);
    assert.equal(row.slice(header.indexOf(' 1 ') + 1, header.indexOf(' 1 ') + 3), 'L*');
    m.inst.rerender(<App app={m.app} stack="ui-t" color={false} size={{ columns: 100, rows: 50 }} now={() => 0} />);
    const tall = await m.frame((x) => /Part +Leader/.test(x), 'the partition table');
    assert.match(lineOf(tall, /^ {2}1 /), /1 +3\* +2,3,1 +2,3,1 +preferred: 2/);
  } finally {
    await m.close();
  }
});

test('cluster panel: consumer groups with members, their partitions and lag, in a stable order', async () => {
  const m = mount({ lab: brokerFailover, size: { columns: 100, rows: 50 } });
  try {
    const f = await m.frame((x) => x.includes('group mygroup'), 'the group');
    assert.match(f, /group mygroup +Stable · 2 members · lag 3/);
    const members = f.split('\n').filter((l) => /rdkafka 10\.0\.0\./.test(l));
    assert.deepEqual(
      members.map((l) => l.trim().replace(/\s+/g, ' ')),
      ['rdkafka 10.0.0.7 p0-6 lag 3', 'rdkafka 10.0.0.8 p7-12 lag 0'],
    );
  } finally {
    await m.close();
  }
});

test('cluster panel: what the snapshot could not learn is marked, not hidden', async () => {
  const unknown = () =>
    snapshot({
      brokers: [],
      controller: null,
      topics: {},
      groups: {},
      gaps: [
        { scope: 'cluster', via: 'kafkajs', reason: 'Connection error: connect ECONNREFUSED' },
        { scope: 'cluster', via: 'kcat', reason: 'timed out' },
      ],
    });
  const m = mount({ lab: brokerFailover, snap: unknown, size: { columns: 100, rows: 40 } });
  try {
    const f = await m.frame((x) => x.includes('controller ?'), 'an unknown controller');
    assert.match(f, /\? of 3 brokers up/);
    assert.match(f, /kafka-1 up\?/);
    assert.match(f, /my-failsafe-topic +\? could not be read/);
    assert.match(f, /\? kcat -L: timed out/);
  } finally {
    await m.close();
  }
});

test('? shows the help generated from the keymap, and closes it again', async () => {
  const m = mount({ lab: brokerFailover, size: { columns: 100, rows: 40 } });
  try {
    await m.frame((x) => x.includes('Step 1/8'), 'the lab screen');
    m.press('?');
    const f = await m.frame((x) => x.includes('Lab screen'), 'the help');
    for (const b of KEYMAP.filter((x) => ['lab', 'quiz', 'any'].includes(x.scope)))
      assert.ok(f.includes(b.help), `help lacks: ${b.help}`);
    m.press('c'); // does nothing while the help is open
    m.press('?');
    await m.frame((x) => x.includes('Step 1/8') && !x.includes('Lab screen'), 'the help closed');
    assert.equal(m.deps.calls.check.length, 0);
  } finally {
    await m.close();
  }
});

test('keys dispatch intents to the engine: check, run it, fault, heal, copy', async () => {
  const m = mount({ lab: brokerFailover });
  try {
    await m.frame((x) => x.includes('Step 1/8'), 'step 1');
    m.press('c');
    await m.frame((x) => x.includes('✔ PASSED'), 'the check result');
    assert.deepEqual(
      m.deps.calls.check.map((c) => c.step),
      ['create-topic'],
    );
    m.press('nnnn');
    await m.frame((x) => x.includes('Step 5/8') && x.includes('stop-broker'), 'step 5');
    m.press('f');
    await m.frame((x) => x.includes('Injected at'), 'the fault notice');
    assert.deepEqual(m.deps.calls.fault, [{ action: 'stop', target: 'kafka-2' }]);
    m.press('H');
    await m.frame((x) => x.includes('Nothing to heal'), 'the heal notice');
    m.press('y');
    await m.frame((x) => x.includes('Copied'), 'the copy notice');
    assert.deepEqual(m.deps.calls.copy, ['docker stop ui-t-kafka-2']);
    m.press('r');
    await m.frame((x) => /Step 5\/8.*✔ passed/.test(x), 'the solved step');
    assert.deepEqual(m.deps.calls.solve, ['stop-broker']);
  } finally {
    await m.close();
  }
});

test('quitting and opening again resumes at the same step with the same results', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'kafka-lab-ui-resume-'));
  const first = mount({ lab: brokerFailover, store: fileProgressStore(dir, 'ui-t') });
  try {
    await first.frame((x) => x.includes('Step 1/8'), 'step 1');
    first.press('r');
    await first.frame((x) => x.includes('✔ PASSED'), 'step 1 passed');
    first.press('nn');
    await first.frame((x) => x.includes('Step 3/8'), 'step 3');
    first.press('q');
    assert.equal(await first.app.done, 0);
  } finally {
    await first.close();
  }
  const again = mount({ lab: brokerFailover, store: fileProgressStore(dir, 'ui-t') });
  try {
    const f = await again.frame((x) => x.includes('Step 3/8'), 'step 3 again');
    assert.match(lineOf(f, /^Steps/), /✔1 +·2 +\[·3\]/);
    again.press('p');
    again.press('p');
    const back = await again.frame((x) => x.includes('Step 1/8'), 'step 1 again');
    assert.match(back, /✔ PASSED/);
    assert.match(back, /topic-exists holds/);
  } finally {
    await again.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

test('the picker lists the labs with their progress, and Enter opens the marked one', async () => {
  const m = mount();
  try {
    const f = await m.frame((x) => x.includes('Choose a lab'), 'the picker');
    assert.match(lineOf(f, /broker-failover/), /2\/8 passed, at step 3/);
    assert.match(lineOf(f, /^› /), /broker-failover/, 'the lab in progress is marked first');
    m.press('j');
    await m.frame((x) => /^› quiz/m.test(x), 'the quiz marked');
    m.press('\r');
    await m.frame((x) => x.includes('Two questions'), 'the quiz lab');
    assert.deepEqual(m.opened, ['quiz']);
  } finally {
    await m.close();
  }
});

test('quiz steps: number keys answer and the step is checked with the answers', async () => {
  const m = mount({ lab: quizLab });
  try {
    await m.frame((x) => x.includes('Two questions'), 'the quiz');
    m.press('2');
    await m.frame((x) => x.includes('Answered q1'), 'the first answer');
    m.press('1');
    await m.frame((x) => x.includes('✔ PASSED'), 'the quiz passed');
    assert.deepEqual(m.deps.calls.check, [{ step: 'questions', answers: { q1: 1, q2: 0 } }]);
  } finally {
    await m.close();
  }
});

test('every frame fits the terminal: no line wider than 80, fewer lines than 24', async () => {
  const m = mount({ lab: brokerFailover, snap: broker2Stopped });
  try {
    await m.frame((x) => x.includes('kafka-2 down'), 'the panel');
    for (const key of ['nnnn', '?', '?', 's', 'h', 'jjjj']) {
      m.press(key);
      const f = await m.frame((x) => x.length > 0, 'a frame');
      const lines = f.split('\n');
      assert.ok(lines.length < 24, `${lines.length} lines after ${key}`);
      for (const l of lines) assert.ok([...l].length <= 80, `too wide after ${key}: ${l}`);
    }
  } finally {
    await m.close();
  }
});

test('changed rows and cells are highlighted (inverse, so it shows without colours too)', () => {
  const lines = clusterPanel({
    snapshot: broker2Stopped(),
    topics: [TOPIC],
    groups: ['mygroup'],
    highlight: ['broker:2', `cell:${TOPIC}:1:2`],
    width: 80,
    height: 12,
  });
  const row = lines.find((l) => lineText(l).startsWith('kafka-2'))!;
  assert.equal(row[0]!.inverse, true, 'the broker label');
  const inverse = row.filter((s) => s.inverse).map((s) => s.text.trim());
  assert.deepEqual(inverse, ['kafka-2', 'down', '!'], 'the label, its state and the one changed cell');
  const other = lines.find((l) => lineText(l).startsWith('kafka-3'))!;
  assert.ok(other.every((s) => !s.inverse));
});
