import { setTimeout as delay } from 'node:timers/promises';
import { Interrupted } from '../core/errors.js';
import type { Clock } from '../core/wait.js';

export const systemClock: Clock = {
  now: () => Date.now(),
  async pause(ms, signal) {
    try {
      await delay(ms, undefined, { signal });
    } catch {
      throw new Interrupted();
    }
  },
};
