// Long work reports through a Sink: Ink rows on a terminal, plain lines anywhere else.
import { render } from 'ink';
import { formatEvent, type ProgressEvent, type Sink } from '../core/events.js';
import { ProgressView } from './ProgressView.js';

export interface Reporter {
  sink: Sink;
  close(): void;
}

export function plainReporter(stream: NodeJS.WritableStream): Reporter {
  return { sink: (e) => stream.write(`${formatEvent(e)}\n`), close: () => {} };
}

export function inkReporter(title: string, stream: NodeJS.WriteStream): Reporter {
  const events: ProgressEvent[] = [];
  const app = render(<ProgressView title={title} events={events} done={false} />, {
    stdout: stream,
    exitOnCtrlC: false,
    patchConsole: false,
  });
  return {
    sink(e) {
      events.push(e);
      app.rerender(<ProgressView title={title} events={[...events]} done={false} />);
    },
    close() {
      app.rerender(<ProgressView title={title} events={[...events]} done />);
      app.unmount();
    },
  };
}

export function reporterFor(title: string, interactive: boolean, stream: NodeJS.WriteStream): Reporter {
  return interactive ? inkReporter(title, stream) : plainReporter(stream);
}
