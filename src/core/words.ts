// Splits a command line the way a POSIX shell splits words (quotes and backslashes), without
// running a shell: lab solutions are executed as argv, never through sh.

export function splitWords(line: string): string[] {
  const words: string[] = [];
  let word = '';
  let inWord = false;
  let quote: '"' | "'" | undefined;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i]!;
    if (quote === "'") {
      if (ch === "'") quote = undefined;
      else word += ch;
    } else if (quote === '"') {
      if (ch === '"') quote = undefined;
      else if (ch === '\\' && i + 1 < line.length && '"\\$`'.includes(line[i + 1]!)) word += line[++i];
      else word += ch;
    } else if (ch === "'" || ch === '"') {
      quote = ch;
      inWord = true;
    } else if (ch === '\\' && i + 1 < line.length) {
      // backslash-newline continues the line; any other escaped character is part of the word
      if (line[++i] !== '\n') {
        word += line[i];
        inWord = true;
      }
    } else if (/\s/.test(ch)) {
      if (inWord) words.push(word);
      word = '';
      inWord = false;
    } else {
      word += ch;
      inWord = true;
    }
  }
  if (quote) throw new Error(`unclosed ${quote} quote`);
  if (inWord) words.push(word);
  return words;
}

const DOCKER_ACTIONS = ['exec', 'stop', 'start', 'kill', 'pause', 'unpause', 'restart'];
const EXEC_FLAGS = ['-i', '-t', '-ti', '-it', '--interactive', '--tty'];

/**
 * A solution may only run `docker exec|stop|start|kill|pause|unpause|restart` on one of the stack's
 * own containers, written as a {{service}} template. Returns what is wrong, or undefined.
 */
export function checkRunnable(words: string[], isServiceTemplate: (word: string) => boolean): string | undefined {
  if (words[0] !== 'docker')
    return `only 'docker ${DOCKER_ACTIONS.join('|')}' commands can be run, not '${words[0] ?? ''}'`;
  const action = words[1] ?? '';
  if (!DOCKER_ACTIONS.includes(action))
    return `'docker ${action}' is not allowed; use one of: docker ${DOCKER_ACTIONS.join(', ')}`;
  let i = 2;
  while (action === 'exec' && words[i]?.startsWith('-')) {
    if (!EXEC_FLAGS.includes(words[i]!)) return `'docker exec ${words[i]}' is not allowed; only -i and -t are`;
    i++;
  }
  const targets = action === 'exec' ? [words[i]] : words.slice(i);
  if (targets.length === 0 || targets[0] === undefined) return `'docker ${action}' needs a container`;
  for (const t of targets) {
    if (t === undefined || !isServiceTemplate(t))
      return `the container '${t}' must be one of the stack's services written as {{service}}, e.g. {{kafka-2}}`;
  }
  if (action === 'exec' && words.length <= i + 1) return "'docker exec' needs a command to run in the container";
  return undefined;
}
