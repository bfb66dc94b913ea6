// The progress file: saved with an atomic write (files.ts), so a crash leaves the old file or the new
// one; a file that cannot be read is set aside, not fatal.
import { readFile, rename } from 'node:fs/promises';
import { join } from 'node:path';
import { writeFileAtomic } from '../files.js';
import { emptyProgress, fitToLab, type ProgressStore } from '../core/progress.js';
import { parseProgress } from '../core/progress-file.js';

export function progressPath(stateDir: string, stack: string, labId: string): string {
  return join(stateDir, stack, 'progress', `${labId}.json`);
}

export function fileProgressStore(stateDir: string, stack: string, now: () => number = Date.now): ProgressStore {
  // Saves are chained: the last state saved is the one on disk, whatever the timing of the writes.
  let chain: Promise<unknown> = Promise.resolve();
  // What this process last read or wrote, per file: a save that finds something else there was preceded by
  // another window's (or command's) save on the same stack and lab. The last save wins; the user is told.
  const known = new Map<string, string | undefined>();
  return {
    async load(lab, o = {}) {
      const file = progressPath(stateDir, stack, lab.ref);
      let text: string;
      try {
        text = await readFile(file, 'utf8');
        known.set(file, text);
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === 'ENOENT') {
          known.set(file, undefined);
          return { progress: emptyProgress(lab, stack, now()) };
        }
        return {
          progress: emptyProgress(lab, stack, now()),
          warning: `Progress file ${file} cannot be read (${(err as Error).message}); starting from step 1 without saving over it.`,
        };
      }
      const problem = parseProgress(text, lab.ref, stack);
      if (typeof problem !== 'string') return { progress: fitToLab(problem, lab) };
      if (o.setAside === false)
        return {
          progress: emptyProgress(lab, stack, now()),
          warning: `Progress file ${file} is not usable (${problem}).`,
        };
      const aside = `${file}.corrupt-${new Date(now()).toISOString().replace(/[:.]/g, '-')}`;
      let moved = true;
      await rename(file, aside).catch(() => {
        moved = false;
      });
      return {
        progress: emptyProgress(lab, stack, now()),
        warning: moved
          ? `Progress file ${file} was not usable (${problem}); it was set aside as ${aside} and the lab starts again from step 1.`
          : `Progress file ${file} was not usable (${problem}) and could not be set aside; the lab starts again from step 1.`,
      };
    },
    save(p) {
      const file = progressPath(stateDir, stack, p.lab);
      const text = `${JSON.stringify(p, null, 2)}\n`;
      const next = chain.then(async () => {
        const there = await readFile(file, 'utf8').catch(() => undefined);
        const replaced = known.has(file) && there !== undefined && there !== known.get(file);
        await writeFileAtomic(file, text);
        known.set(file, text);
        if (replaced)
          return {
            notice:
              "Another kafka-lab window or command saved this lab's progress too; this window's progress replaced it (the last to save wins).",
          };
      });
      chain = next.catch(() => {});
      return next;
    },
  };
}
