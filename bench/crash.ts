// The kill -9 loop at full size: the product's writers (progress saves, event log, acknowledged-write
// records, a grade output) killed with SIGKILL at random moments, every file then read back with the
// product's readers; then the careless writer (in place, records in pieces) the same way.
//   node dist/bench/crash.js [--kills 1000] [--torn-kills 100] [--max-delay-ms 40]
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { killLoop } from '../test/crash-loop.js';

const { values } = parseArgs({
  options: {
    kills: { type: 'string', default: '1000' },
    'torn-kills': { type: 'string', default: '100' },
    'max-delay-ms': { type: 'string', default: '40' },
  },
});
const maxDelayMs = Number(values['max-delay-ms']);
const out: Record<string, unknown> = {};
for (const [mode, kills] of [
  ['atomic', Number(values.kills)],
  ['torn', Number(values['torn-kills'])],
] as const) {
  const dir = mkdtempSync(join(tmpdir(), `kafka-lab-bench-crash-${mode}-`));
  const r = await killLoop({ dir, mode, kills, maxDelayMs });
  rmSync(dir, { recursive: true, force: true });
  out[mode] = r;
  console.error(
    `${mode}: ${r.kills} kills in ${(r.ms / 1000).toFixed(1)} s; ${r.midWrite} landed during a write ` +
      `(${Object.entries(r.inFlight)
        .map(([k, n]) => `${k} ${n}`)
        .join(', ')}); torn after ${r.tornKills}; ` +
      `written: ${r.written.progress} progress saves, ${r.written.events} events, ${r.written.batches} acked batches; ` +
      `${r.skippedLines} line(s) skipped at the end; ${r.leftoverTemps} temporary file(s) left`,
  );
}
console.log(JSON.stringify(out, null, 2));
