/**
 * Virtual time for the simulator: timers fire in order of due time (then creation), and time jumps
 * straight to the next timer once every pending promise has settled, so a 60 s queue wait takes
 * microseconds and the run is deterministic.
 */
import type { Clock } from '../engine/world.js'

type Timer = { at: number; seq: number; fire: () => void }

export class VirtualClock implements Clock {
  #now: number
  #seq = 0
  #timers: Timer[] = []

  constructor(startMs: number) {
    this.#now = startMs
  }

  now(): number {
    return this.#now
  }

  /** Runs `fire` after `ms` of virtual time; returns a function that cancels it. */
  schedule(ms: number, fire: () => void): () => void {
    const timer: Timer = { at: this.#now + Math.max(0, ms), seq: this.#seq++, fire }
    let i = this.#timers.length
    while (i > 0 && this.#timers[i - 1]!.at > timer.at) i--
    this.#timers.splice(i, 0, timer)
    return () => {
      const j = this.#timers.indexOf(timer)
      if (j >= 0) this.#timers.splice(j, 1)
    }
  }

  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    return new Promise((resolve, reject) => {
      if (signal?.aborted) return reject(signal.reason)
      const onAbort = () => {
        cancel()
        reject(signal!.reason)
      }
      const cancel = this.schedule(ms, () => {
        signal?.removeEventListener('abort', onAbort)
        resolve()
      })
      signal?.addEventListener('abort', onAbort, { once: true })
    })
  }

  /** Advances time until `work` settles. Throws when nothing is left to happen but `work` is still pending. */
  async drive<T>(work: Promise<T>): Promise<T> {
    let settled = false
    work.then(
      () => (settled = true),
      () => (settled = true),
    )
    for (;;) {
      // setImmediate runs after the microtask queue is empty: every promise that could settle has.
      await new Promise<void>((resolve) => setImmediate(resolve))
      if (settled) return work
      const next = this.#timers.shift()
      if (!next) throw new Error('simulation stalled: the call waits for something that never happens')
      this.#now = next.at
      next.fire()
    }
  }
}
