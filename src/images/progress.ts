// Progress of a long byte transfer (image save/load): one line redrawn on a terminal,
// occasional plain lines anywhere else so logs stay readable.

const MiB = 1024 * 1024;
const REDRAW_MS = 150;
const PLAIN_EVERY_MS = 2000;

export function formatMiB(bytes: number): string {
  return `${(bytes / MiB).toFixed(1)} MiB`;
}

export function formatRate(bytes: number, ms: number): string {
  return ms > 0 ? `${(bytes / MiB / (ms / 1000)).toFixed(1)} MiB/s` : '-';
}

/** '412.3 MiB of 650.0 MiB (63%), 85.1 MiB/s' */
export function formatTransfer(bytes: number, ms: number, total?: number): string {
  const done = total
    ? `${formatMiB(bytes)} of ${formatMiB(total)} (${Math.floor((100 * bytes) / total)}%)`
    : formatMiB(bytes);
  return `${done}, ${formatRate(bytes, ms)}`;
}

export interface TransferMeter {
  add(bytes: number): void;
  readonly bytes: number;
  /** Ends the redrawn line; call it on success and on failure. */
  done(): void;
}

export interface MeterOptions {
  out: { write(text: string): unknown; isTTY?: boolean };
  label: string;
  total?: number;
  now?: () => number;
}

export function transferMeter(o: MeterOptions): TransferMeter {
  const now = o.now ?? Date.now;
  const started = now();
  const tty = o.out.isTTY === true;
  let bytes = 0;
  let lastDraw = 0;
  let lastTenth = 0;
  let drawn = false;
  let finished = false;
  const line = () => `${o.label}: ${formatTransfer(bytes, now() - started, o.total)}`;
  return {
    get bytes() {
      return bytes;
    },
    add(n) {
      bytes += n;
      const t = now();
      if (tty) {
        if (t - lastDraw < REDRAW_MS) return;
        o.out.write(`\r${line()}\x1b[K`);
        drawn = true;
        lastDraw = t;
        return;
      }
      // The clock starts at the first bytes: Docker may think for a while first, and '0.0 MiB' says nothing.
      if (lastDraw === 0) lastDraw = t;
      const tenth = o.total ? Math.floor((10 * bytes) / o.total) : 0;
      if (tenth > lastTenth || t - lastDraw >= PLAIN_EVERY_MS) {
        lastTenth = tenth;
        lastDraw = t;
        o.out.write(`${line()}\n`);
      }
    },
    done() {
      if (finished) return;
      finished = true;
      if (tty && drawn) o.out.write(`\r${line()}\x1b[K\n`);
    },
  };
}
