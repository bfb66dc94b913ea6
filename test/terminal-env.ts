// The environment of a real terminal for the lab screen under tmux: no CI (that would mean plain output),
// UTF-8, the offline images; `extra` adds the caller's state directory and the like.
export function terminalEnv(extra: Record<string, string>): Record<string, string> {
  return {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    HOME: process.env.HOME ?? '/root',
    TERM: 'xterm-256color',
    LANG: 'C.UTF-8',
    LC_ALL: 'C.UTF-8',
    KAFKA_LAB_IMAGES: 'local',
    ...extra,
  };
}
