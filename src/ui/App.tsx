// The Ink root of `kafka-lab lab`: renders the app's state and turns keys into intents through the
// keymap. It never calls Docker or Kafka; the only effects here start and stop the cluster watch
// (cancelled on unmount) and tick a clock while something runs.
import { useEffect, useRef, useState, useSyncExternalStore } from 'react';
import { Box, Text, useInput, useStdout } from 'ink';
import type { LabSession } from '../core/session.js';
import type { AppState, LabApp } from './lab-app.js';
import type { ClusterWatch, WatchState } from './watch.js';
import { intentFor, keyNames, scopesOf, statusBar, type Scope } from './keymap.js';
import { Lines } from './Lines.js';
import { ProgressView } from './ProgressView.js';
import { labScreen, pickerScreen, type Size } from './screen.js';
import { fit, span, wrapMarkup } from './text.js';

const sizeOf = (stdout: NodeJS.WriteStream): Size => ({ columns: stdout.columns || 80, rows: stdout.rows || 24 });

export function useTerminalSize(fixed?: Size): Size {
  const { stdout } = useStdout();
  const [size, setSize] = useState<Size>(() => sizeOf(stdout));
  useEffect(() => {
    if (fixed) return;
    const onResize = () => setSize(sizeOf(stdout));
    stdout.on('resize', onResize);
    return () => {
      stdout.off('resize', onResize);
    };
  }, [stdout, fixed]);
  return fixed ?? size;
}

const NO_WATCH = { subscribe: () => () => {}, getState: (): WatchState | null => null };

function scopesFor(state: AppState): Scope[] {
  if (state.phase === 'picker') return scopesOf('picker', { help: state.help, quiz: false });
  if (state.phase === 'lab') {
    const s = state.session.getState();
    const step = s.lab.steps[s.progress.current]!;
    return scopesOf('lab', { help: s.view.help, quiz: !!step.quiz?.length });
  }
  return scopesOf('other', { help: false, quiz: false });
}

export interface AppProps {
  app: LabApp;
  stack: string;
  color: boolean;
  /** A fixed size (tests); otherwise the terminal's, following resizes. */
  size?: Size;
  /** The clock the busy timer reads; tests pass a fixed one. */
  now?: () => number;
}

export function App({ app, stack, color, size: fixed, now = Date.now }: AppProps) {
  const state = useSyncExternalStore(app.subscribe, app.getState);
  const size = useTerminalSize(fixed);
  const maxScroll = useRef(0);

  useInput((input, key) => {
    for (const name of keyNames(input, key)) {
      const intent = intentFor(name, scopesFor(app.getState()));
      if (!intent) continue;
      app.dispatch(intent.type === 'scrollDown' ? { type: 'scrollDown', max: maxScroll.current } : intent);
    }
  });

  switch (state.phase) {
    case 'picker':
      return <Lines lines={pickerScreen(state.rows, state.cursor, stack, state.help, size)} color={color} />;
    case 'loading':
      return <Lines lines={[[span(state.text)], [], [span('q or Ctrl-C to quit', { dim: true })]]} color={color} />;
    case 'starting':
      return (
        <Box flexDirection="column">
          <ProgressView title={state.title} events={state.events} done={false} color={color} />
          <Text dimColor>{'\n'}Ctrl-C or q stops and removes what this start created.</Text>
        </Box>
      );
    case 'error':
      return (
        <Lines
          lines={[
            [span('kafka-lab could not open the lab', { bold: true, color: 'red' })],
            [],
            ...state.text.split('\n').flatMap((l) => wrapMarkup(l.replace(/[`*]/g, "'"), size.columns)),
            [],
            fit(statusBar(['any'], size.columns), size.columns),
          ]}
          color={color}
        />
      );
    case 'lab':
      return (
        <LabView
          session={state.session}
          watch={state.watch}
          size={size}
          color={color}
          now={now}
          onLayout={(m) => (maxScroll.current = m)}
        />
      );
    case 'closed':
      return null;
  }
}

interface LabViewProps {
  session: LabSession;
  watch: ClusterWatch | null;
  size: Size;
  color: boolean;
  now: () => number;
  onLayout: (maxScroll: number) => void;
}

export function LabView({ session, watch, size, color, now, onLayout }: LabViewProps) {
  const s = useSyncExternalStore(session.subscribe, session.getState);
  const w = useSyncExternalStore(watch?.subscribe ?? NO_WATCH.subscribe, watch?.getState ?? NO_WATCH.getState);
  const [nowMs, setNow] = useState(now);

  // The watch polls while this view is mounted: unmounting (quit, crash) stops it.
  useEffect(() => {
    if (!watch) return;
    watch.start();
    return () => watch.stop();
  }, [watch]);

  // A clock for the spinner and elapsed time, only while something runs.
  useEffect(() => {
    if (!s.busy) return;
    setNow(now());
    const timer = setInterval(() => setNow(now()), 250);
    return () => clearInterval(timer);
  }, [s.busy, now]);

  // The panel shows what the watch asks for (no watch: a lab without a cluster, no panel rows).
  const needs = watch?.needs ?? { topics: s.lab.topics, groups: [] };
  const screen = labScreen({ session: s, watch: watch ? w : null, needs, size, nowMs: s.busy ? nowMs : now() });
  onLayout(screen.maxScroll);
  return <Lines lines={screen.lines} color={color} />;
}
