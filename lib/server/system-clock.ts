/** Real time for live calls. Its timers never keep the process alive by themselves: a server's sockets do. */
import { setTimeout as sleep } from 'node:timers/promises'
import type { Clock } from '../engine/world.js'

export const systemClock: Clock = {
  now: () => Date.now(),
  sleep: (ms, signal) => sleep(ms, undefined, { ref: false, ...(signal ? { signal } : {}) }),
}
