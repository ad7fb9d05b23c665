/**
 * The SMS delivery worker `serve` runs on the store: it claims due messages from `sms_outbox` (outbox.ts: several
 * routers share the work, the rate limit per number holds across them), sends each through the provider, and marks
 * it sent, failed with the reason, or pending again after a backoff. Texts longer than the provider takes fail as
 * `too_long` without being sent. `onSent` / `onFailed` let metrics count with one line each.
 */
import type { Logger } from 'pino'
import type { Store } from '../store/db.js'
import { smsBytes } from '../workflow/sms-length.js'
import { retryDelayMs, type Backoff } from './backoff.js'
import { claimDue, markFailed, markRetry, markSent, RATE_LIMITED, type Claimed } from './outbox.js'
import type { SmsProvider } from './provider.js'
import type { RateLimit } from './rate-limit.js'

export type SmsWorkerOptions = {
  provider: SmsProvider
  rateLimit: RateLimit
  backoff: Backoff
  /** Longest text the provider takes, in bytes as smsBytes counts them. */
  maxBytes: number
  /** How often to look for due messages when idle. */
  pollMs: number
  /** Messages claimed at once. */
  batch?: number
  log?: Logger
  onSent?: (sms: { id: string; to: string; attempts: number }) => void
  /** `reason`: `rate_limited`, `too_long`, or the provider's (`HTTP 400: …`, `timeout after 5000 ms`, …). */
  onFailed?: (reason: string, sms: { id: string; to: string; attempts?: number }) => void
  /** Called after a send failed and will be retried. */
  onRetry?: (reason: string, sms: { id: string; to: string; attempts: number }) => void
}

/** A claim lasts this long past the provider's longest wait: then another worker may take the message. */
const LEASE_MS = 5 * 60_000

export type Counts = { sent: number; failed: number; retried: number }

export class SmsWorker {
  readonly #store: Store
  readonly #o: SmsWorkerOptions
  #timer: NodeJS.Timeout | undefined
  #running: Promise<unknown> | undefined
  #stopped = true
  #again = false
  /** The outbox could not be read at the last poll: said once per outage, not every second. */
  #failing = false

  constructor(store: Store, options: SmsWorkerOptions) {
    this.#store = store
    this.#o = options
  }

  /** Starts polling; `runOnce` at once. */
  start(): void {
    if (!this.#stopped) return
    this.#stopped = false
    this.#poll()
  }

  /** One run now, then the next one `pollMs` after it ends. */
  #poll(): void {
    if (this.#stopped) return
    if (this.#running) {
      this.#again = true
      return
    }
    clearTimeout(this.#timer)
    this.#running = this.runOnce()
      .then(() => {
        if (this.#failing) this.#o.log?.info('sms worker: outbox available again')
        this.#failing = false
      })
      .catch((err: unknown) => {
        if (!this.#failing)
          this.#o.log?.warn({ err: err instanceof Error ? err.message : String(err) }, 'sms worker: outbox unavailable')
        this.#failing = true
      })
      .finally(() => {
        this.#running = undefined
        if (this.#stopped) return
        if (this.#again) {
          this.#again = false
          this.#poll()
        } else this.#timer = setTimeout(() => this.#poll(), this.#o.pollMs)
      })
  }

  /** Stops polling and waits for the messages in hand. */
  async stop(): Promise<void> {
    this.#stopped = true
    clearTimeout(this.#timer)
    await this.#running
    await this.#o.provider.close?.()
  }

  /** Claims and delivers due messages until none is due; the counts of this run. */
  async runOnce(): Promise<Counts> {
    const counts: Counts = { sent: 0, failed: 0, retried: 0 }
    const batch = this.#o.batch ?? 10
    for (;;) {
      const { claimed, limited } = await claimDue(this.#store, {
        batch,
        leaseMs: LEASE_MS,
        rateLimit: this.#o.rateLimit,
      })
      for (const sms of limited) {
        counts.failed++
        this.#o.log?.warn({ sms: sms.id }, 'sms not sent: rate limited')
        this.#o.onFailed?.(RATE_LIMITED, sms)
      }
      if (claimed.length + limited.length === 0) return counts
      await Promise.all(claimed.map((sms) => this.#deliver(sms, counts)))
    }
  }

  async #deliver(sms: Claimed, counts: Counts): Promise<void> {
    const meta = { id: sms.id, to: sms.to, attempts: sms.attempts }
    const bytes = smsBytes(sms.text)
    if (bytes > this.#o.maxBytes) {
      const reason = `too_long: ${bytes} bytes, the provider takes ${this.#o.maxBytes}`
      await markFailed(this.#store, sms.id, reason)
      counts.failed++
      this.#o.log?.warn({ sms: sms.id, reason }, 'sms not sent')
      this.#o.onFailed?.(reason, meta)
      return
    }
    const result = await this.#o.provider.send(sms)
    if (result.ok) {
      await markSent(this.#store, sms.id)
      counts.sent++
      this.#o.log?.info({ sms: sms.id, call: sms.callId, attempts: sms.attempts }, 'sms sent')
      this.#o.onSent?.(meta)
      return
    }
    if (result.retry && sms.attempts < this.#o.backoff.maxAttempts) {
      const delay = retryDelayMs(this.#o.backoff, sms.attempts, result.retryAfterMs)
      await markRetry(this.#store, sms.id, result.reason, delay)
      counts.retried++
      this.#o.log?.info({ sms: sms.id, reason: result.reason, retryInMs: delay }, 'sms not sent yet: will retry')
      this.#o.onRetry?.(result.reason, meta)
      return
    }
    await markFailed(this.#store, sms.id, result.reason)
    counts.failed++
    this.#o.log?.warn({ sms: sms.id, reason: result.reason, attempts: sms.attempts }, 'sms failed')
    this.#o.onFailed?.(result.reason, meta)
  }
}
