/**
 * A queued caller's wait for an agent (World.waitForAgent), shared by the in-memory and the store's
 * worlds: woken when an agent may have become free, at the deadline, or after `retryMs` at most (a
 * missed notice must not strand a caller); rejected when the call's signal aborts.
 */
import type { Clock } from '../engine/world.js'

export type QueueWaiter = { wake(): void }

export function queueWait<W extends QueueWaiter>(options: {
  clock: Clock
  /** Where the waiter is registered while it waits; whoever frees an agent calls `wake()` on them. */
  waiters: Set<W>
  waiter: Omit<W, 'wake'>
  until: number
  retryMs: number
  signal: AbortSignal
}): Promise<'maybe-free' | 'deadline'> {
  const { clock, waiters, until, signal } = options
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(signal.reason)
    const wakeAt = Math.min(until, clock.now() + options.retryMs)
    const timer = new AbortController()
    const done = () => {
      waiters.delete(waiter)
      timer.abort()
      signal.removeEventListener('abort', onAbort)
    }
    const waiter = {
      ...options.waiter,
      wake: () => {
        done()
        resolve('maybe-free')
      },
    } as W
    const onAbort = () => {
      done()
      reject(signal.reason)
    }
    waiters.add(waiter)
    signal.addEventListener('abort', onAbort, { once: true })
    clock.sleep(Math.max(0, wakeAt - clock.now()), timer.signal).then(
      () => {
        done()
        resolve(wakeAt >= until ? 'deadline' : 'maybe-free')
      },
      () => {},
    )
  })
}
