import { Box, Text } from 'ink';
import type { Line } from './text.js';

/** Renders pre-laid-out lines, one <Text> each; colours are dropped when `color` is false (NO_COLOR). */
export function Lines({ lines, color }: { lines: Line[]; color: boolean }) {
  return (
    <Box flexDirection="column">
      {lines.map((line, i) => (
        <Text key={i} wrap="truncate-end">
          {line.length === 0
            ? ' '
            : line.map((s, j) => (
                <Text key={j} color={color ? s.color : undefined} bold={s.bold} dimColor={s.dim} inverse={s.inverse}>
                  {s.text}
                </Text>
              ))}
        </Text>
      ))}
    </Box>
  );
}
