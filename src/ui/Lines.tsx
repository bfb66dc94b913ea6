import { memo } from 'react';
import { Box, Text } from 'ink';
import type { Line, Span } from './text.js';

const sameSpan = (a: Span, b: Span) =>
  a.text === b.text && a.color === b.color && a.bold === b.bold && a.dim === b.dim && a.inverse === b.inverse;

/**
 * One line. Lines are recomputed on every state change; comparing their spans lets React skip the
 * ones that did not change (most of the screen, most of the time).
 */
const LineView = memo(
  function LineView({ line, color }: { line: Line; color: boolean }) {
    return (
      <Text wrap="truncate-end">
        {line.length === 0
          ? ' '
          : line.map((s, j) => (
              <Text key={j} color={color ? s.color : undefined} bold={s.bold} dimColor={s.dim} inverse={s.inverse}>
                {s.text}
              </Text>
            ))}
      </Text>
    );
  },
  (a, b) => a.color === b.color && a.line.length === b.line.length && a.line.every((s, i) => sameSpan(s, b.line[i]!)),
);

/** Renders pre-laid-out lines, one <Text> each; colours are dropped when `color` is false (NO_COLOR). */
export function Lines({ lines, color }: { lines: Line[]; color: boolean }) {
  return (
    <Box flexDirection="column">
      {lines.map((line, i) => (
        <LineView key={i} line={line} color={color} />
      ))}
    </Box>
  );
}
