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
  let chain: Promise<void> = Promise.resolve();
  return {
    async load(lab, o = {}) {
      const file = progressPath(stateDir, stack, lab.ref);
      let text: string;
      try {
        text = await readFile(file, 'utf8');
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === 'ENOENT') return { progress: emptyProgress(lab, stack, now()) };
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
      const next = chain.then(() => writeFileAtomic(file, text));
      chain = next.catch(() => {});
      return next;
    },
  };
}
