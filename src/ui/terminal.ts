// Terminal control sequences the lab screen writes itself: the alternate screen (so quitting
// leaves the shell as it was), the cursor, and OSC 52, which asks the terminal to put text on the
// clipboard (works over SSH and inside tmux with set-clipboard on).

export const ALT_SCREEN_ON = '\x1b[?1049h\x1b[H';
export const ALT_SCREEN_OFF = '\x1b[?1049l';
export const SHOW_CURSOR = '\x1b[?25h';

export function osc52(text: string): string {
  return `\x1b]52;c;${Buffer.from(text, 'utf8').toString('base64')}\x07`;
}

/** NO_COLOR (https://no-color.org): present and not empty means no colours. */
export function colorAllowed(env: NodeJS.ProcessEnv): boolean {
  return !(env.NO_COLOR !== undefined && env.NO_COLOR !== '');
}
