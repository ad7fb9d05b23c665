/**
 * The callbacks of one process, in memory, with the store's rules (lib/store/callbacks.ts): only a waiting
 * callback is begun, an attempt counts when the customer is called, an unreached customer waits `retrySeconds`,
 * the attempts run out into `failed`. For `simulate` (virtual time); each offer's end is kept, as the store's log.
 */
import type { Clock } from '../engine/world.js'
import type { AttemptEnd, CallbackBook, HeldCallback } from './callback-runner.js'

export type MemoryCallbackStatus = 'waiting' | 'serving' | 'served' | 'failed' | 'cancelled'

export type KeptCallback = {
  callback: HeldCallback
  status: MemoryCallbackStatus
  attempts: number
  maxAttempts: number
  retrySeconds: number
  /** Each offer's end and when (ms epoch). */
  log: (AttemptEnd & { at: number })[]
}

export class MemoryCallbackBook implements CallbackBook {
  readonly #kept = new Map<string, KeptCallback>()

  constructor(private readonly clock: Clock) {}

  add(callback: HeldCallback, maxAttempts: number, retrySeconds: number): void {
    this.#kept.set(callback.id, { callback, status: 'waiting', attempts: 0, maxAttempts, retrySeconds, log: [] })
  }

  get(id: string): KeptCallback | undefined {
    return this.#kept.get(id)
  }

  async held(): Promise<HeldCallback[]> {
    return [...this.#kept.values()]
      .filter((k) => k.status === 'waiting' || k.status === 'serving')
      .map((k) => k.callback)
  }

  async begin(id: string): Promise<boolean> {
    const k = this.#kept.get(id)
    if (k?.status !== 'waiting') return false
    k.status = 'serving'
    return true
  }

  async count(id: string): Promise<boolean> {
    const k = this.#kept.get(id)
    if (k?.status !== 'serving') return false
    k.attempts++
    return true
  }

  async end(id: string, end: AttemptEnd) {
    const k = this.#kept.get(id)
    if (k?.status !== 'serving') return undefined
    k.log.push({ ...end, at: this.clock.now() })
    if (end.outcome === 'served') {
      k.status = 'served'
      return { ended: 'served' as const }
    }
    if (end.outcome === 'unreached' && k.attempts >= k.maxAttempts) {
      k.status = 'failed'
      return { ended: 'failed' as const }
    }
    k.status = 'waiting'
    const next = end.outcome === 'unreached' ? this.clock.now() + k.retrySeconds * 1000 : null
    k.callback = { ...k.callback, nextAttemptAt: next }
    return { waiting: k.callback }
  }
}
