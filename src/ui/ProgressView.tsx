import { useEffect, useState } from 'react';
import { Box, Text } from 'ink';
import type { Phase, ProgressEvent } from '../core/events.js';

interface Row {
  container: string;
  phase: Phase;
  detail?: string;
  atMs: number;
}

const COLOR: Partial<Record<Phase, string>> = {
  ready: 'green',
  kept: 'green',
  removed: 'gray',
  failed: 'red',
  waiting: 'yellow',
  removing: 'yellow',
};

/** Pure: the latest state of each container, in the order they first appeared. */
export function rowsOf(events: ProgressEvent[]): Row[] {
  const rows = new Map<string, Row>();
  for (const e of events)
    if (e.kind === 'service')
      rows.set(e.container, { container: e.container, phase: e.phase, detail: e.detail, atMs: e.atMs });
  return [...rows.values()];
}

export function ProgressView({
  title,
  events,
  done,
  color = true,
}: {
  title: string;
  events: ProgressEvent[];
  done: boolean;
  color?: boolean;
}) {
  const [now, setNow] = useState(Date.now());
  const [start] = useState(Date.now());
  useEffect(() => {
    if (done) return;
    const timer = setInterval(() => setNow(Date.now()), 200);
    return () => clearInterval(timer);
  }, [done]);
  const steps = events.filter((e) => e.kind === 'step').slice(-3);
  return (
    <Box flexDirection="column">
      <Text bold>
        {title} <Text color={color ? 'gray' : undefined}>{((now - start) / 1000).toFixed(1)}s</Text>
      </Text>
      {rowsOf(events).map((r) => (
        <Text key={r.container}>
          {'  '}
          {r.container.padEnd(20)}
          <Text color={color ? COLOR[r.phase] : undefined}>{r.phase.padEnd(9)}</Text>
          <Text color={color ? 'gray' : undefined}>
            {' '}
            {(r.atMs / 1000).toFixed(1).padStart(5)}s{r.detail ? `  ${r.detail}` : ''}
          </Text>
        </Text>
      ))}
      {steps.map((e, i) => (
        <Text key={i} color={color ? 'gray' : undefined}>
          {'  '}
          {e.kind === 'step' ? e.message : ''}
        </Text>
      ))}
    </Box>
  );
}
