/**
 * Serving the callbacks one router holds (issue 15). Each callback has a seat with the distributor like a live
 * caller, under its own id, so it is offered agents from the place it kept; when offered one it is claimed
 * (`begin`: no other router can serve it then), the agent is rung first and, once answered, the customer is
 * called (the dialer: FreeSWITCH's inbound socket in `serve`, a fake in tests). How it ends decides the rest:
 * an agent who did not take it is given back like any unanswered offer and the next is offered; a customer who did
 * not answer sends the callback back to wait its interval (its place kept, offered nobody meanwhile), until the
 * attempts run out; outside the line's opening hours it waits for the next open period.
 *
 * The runner learns of its callbacks from `book.held()` (the ones asked on this router, and the ones it adopted
 * from routers that stopped), called on start and every `syncMs`: a callback is never forgotten by a router
 * that missed something.
 */
import type { After, Clock, Offer, RingEnd, RingFor, Seat, Want, World } from '../engine/world.js'
import { isOpen, nextChange } from '../schedule/open.js'
import type { Distributor } from './distributor.js'

export type HeldCallback = {
  id: string
  forWhom: RingFor
  priority: number
  /** The number called back, and the number the customer dialled (the caller ID they see). */
  number: string
  dialed: string
  fields: Record<string, string>
  /** The place kept (ms epoch): when the customer joined the line or asked. */
  requestedAt: number
  /** Not offered an agent before then (ms epoch); null: now. */
  nextAttemptAt: number | null
}

/** How an offer ended for the metrics: `failed` is the last attempt, unreached. */
export type AttemptResult = 'served' | 'unreached' | 'unserved' | 'failed'

/** How an offer of a callback ended, as the book records it. */
export type AttemptEnd =
  | { outcome: 'served'; agent: string; talkSeconds: number }
  /** The customer did not answer (or was busy): another attempt after the interval, unless they are used up. */
  | { outcome: 'unreached'; cause: string; agent: string }
  /** No agent took it (nobody answered, or the agent hung up before the customer was called): waiting again now. */
  | { outcome: 'unserved'; agents: string[]; cause?: string }

/** The store's callbacks as this router sees them (lib/store/callbacks.ts). */
export interface CallbackBook {
  /** Adopts the callbacks of routers that stopped; every open callback this router holds. */
  held(): Promise<HeldCallback[]>
  /** Claims a waiting callback for an attempt; false when this router may not serve it (any more). */
  begin(id: string): Promise<boolean>
  /** The agent answered: the customer is about to be called and the attempt counts. */
  count(id: string): Promise<boolean>
  /** How the attempt ended; the callback as it is now when it waits again, else undefined (it ended, or is not ours). */
  end(id: string, end: AttemptEnd): Promise<{ waiting: HeldCallback } | { ended: 'served' | 'failed' } | undefined>
}

/** How serving one offer went. */
export type ServeResult =
  /** No agent took it: how the ring ended, for the agent's rest and counters. */
  | { agent: 'unanswered'; end: Exclude<RingEnd, { outcome: 'answered' }> }
  | { agent: 'answered'; name: string; customer: 'answered'; talkSeconds: number }
  /** The agent answered, the customer did not. */
  | { agent: 'answered'; name: string; customer: 'unreached'; cause: string; agentSeconds: number }
  /** The agent answered but the callback was no longer this router's to make (`counted` false): nobody called. */
  | { agent: 'answered'; name: string; customer: 'not-ours'; agentSeconds: number }

export interface AgentFirstDialer {
  /**
   * Rings the offered agents; when one answers, calls `counted` (false: hang the agent up, the customer is not
   * called) and then the customer, and bridges them. Resolves when it is all over.
   */
  serve(callback: HeldCallback, offer: Offer, counted: () => Promise<boolean>): Promise<ServeResult>
}

export type CallbackRunnerOptions = {
  clock: Clock
  book: CallbackBook
  dialer: AgentFirstDialer
  /** When the line is closed at `at` (its team's schedule), when it opens next; undefined when it is open. */
  closedUntil?(forWhom: RingFor, at: number): number | undefined
  /** `book.held()` at least this often. */
  syncMs: number
  /** A callback failed for good (attempts used up): its record and inbox row. */
  onFailed?(callback: HeldCallback): void
  /** How each offer of a callback ended (metrics); `failed`: the last attempt, unreached. */
  onAttempt?(callback: HeldCallback, end: AttemptEnd, result: AttemptResult): void
  onError?(what: string, id: string | undefined, err: unknown): void
}

export class CallbackRunner {
  /** The callbacks being served by this process, by id. */
  readonly #running = new Map<string, { done: Promise<void>; drop: AbortController }>()
  readonly #stop = new AbortController()

  constructor(
    private readonly distributor: Distributor,
    private readonly options: CallbackRunnerOptions,
  ) {}

  /** Syncs now and then every `syncMs`, until `close()`. */
  async start(): Promise<void> {
    await this.sync()
    void this.#every()
  }

  /**
   * Starts serving every callback this router holds that it is not serving yet, and lets go of the ones it no
   * longer holds (cancelled, ended elsewhere, adopted by another router) once their waits end.
   */
  async sync(): Promise<void> {
    let held: HeldCallback[]
    try {
      held = await this.options.book.held()
    } catch (err) {
      this.options.onError?.('held', undefined, err)
      return
    }
    const ids = new Set(held.map((cb) => cb.id))
    for (const [id, run] of this.#running) if (!ids.has(id)) run.drop.abort(new Error('not held'))
    for (const cb of held) this.serve(cb)
  }

  /** Serves a callback (one asked on this router starts at once); nothing when it is served already. */
  serve(callback: HeldCallback): void {
    if (this.#running.has(callback.id) || this.#stop.signal.aborted) return
    const drop = new AbortController()
    const done = this.#run(callback, drop.signal)
      .catch((err: unknown) => {
        if (!this.#stop.signal.aborted && !drop.signal.aborted) this.options.onError?.('serve', callback.id, err)
      })
      .finally(() => this.#running.delete(callback.id))
    this.#running.set(callback.id, { done, drop })
  }

  /** Resolves once nothing is being served (tests; the runner goes on with callbacks that come later). */
  async idle(): Promise<void> {
    while (this.#running.size) await Promise.all([...this.#running.values()].map((r) => r.done))
  }

  /** Ids being served now. */
  serving(): string[] {
    return [...this.#running.keys()]
  }

  /** Stops every wait; the callbacks stay in the store for this router's next start or another's adoption. */
  async close(): Promise<void> {
    this.#stop.abort(new Error('closed'))
    await Promise.all([...this.#running.values()].map((r) => r.done))
  }

  async #every(): Promise<void> {
    const signal = this.#stop.signal
    while (!signal.aborted) {
      try {
        await this.options.clock.sleep(this.options.syncMs, signal)
      } catch {
        return
      }
      await this.sync()
    }
  }

  async #run(first: HeldCallback, dropped: AbortSignal): Promise<void> {
    const { clock, book, dialer } = this.options
    const signal = AbortSignal.any([this.#stop.signal, dropped])
    const seat: Seat = this.distributor.seat({ id: first.id, caller: first.number })
    let callback = first
    const want: Want = { forWhom: callback.forWhom, priority: callback.priority }
    /** Agents rung for this attempt and not taking it: the next offer is someone else. */
    let rung: string[] = []
    /** Whether the callback's place was given up (it ended, or is not ours): else it is kept, paused, on the way out. */
    let left = false
    /**
     * Not this router's any more (cancelled, ended, adopted meanwhile): the agents go back after `end`, but the place
     * is not ours to touch (an adopter holds it, or the sweep drops it), nor are its offers.
     */
    const letGo = async (end: RingEnd) => {
      await seat.finish(end, 'stay')
      this.distributor.forget(callback.id)
      left = true
    }
    try {
      for (;;) {
        const notBefore = Math.max(
          callback.nextAttemptAt ?? 0,
          this.options.closedUntil?.(callback.forWhom, clock.now()) ?? 0,
        )
        if (notBefore > clock.now()) {
          // Its place is kept but offered nobody until then.
          await seat.pause()
          await clock.sleep(notBefore - clock.now(), signal)
          callback = { ...callback, nextAttemptAt: null }
          continue
        }
        let offer = await seat.request(want, 'queue')
        if (!offer) {
          const next = await seat.wait(Infinity, signal)
          if (next === 'deadline') continue
          offer = next
        }
        // Stopping: no attempt begins any more (the place is kept below).
        if (signal.aborted) return
        if (!(await book.begin(callback.id))) return await letGo({ outcome: 'unused' })
        const result = await dialer.serve(callback, offer, () => book.count(callback.id))
        if (result.agent === 'unanswered') {
          rung = [...rung, ...offer.targets.map((t) => t.agent)]
          const unserved: AttemptEnd = {
            outcome: 'unserved',
            agents: offer.targets.map((t) => t.agent),
            ...('cause' in result.end && result.end.cause !== undefined ? { cause: result.end.cause } : {}),
          }
          await book.end(callback.id, unserved)
          this.options.onAttempt?.(callback, unserved, 'unserved')
          const after: After = { ask: 'queue', exclude: rung, ...want }
          await seat.finish(result.end, after)
          continue
        }
        rung = []
        if (result.customer === 'not-ours')
          return await letGo({ outcome: 'answered', agent: result.name, talkSeconds: result.agentSeconds })
        if (result.customer === 'answered') {
          // Served before the place goes: a router dying in between leaves an ended callback, whose place the
          // sweep drops, rather than a place without its callback's state.
          const served: AttemptEnd = { outcome: 'served', agent: result.name, talkSeconds: result.talkSeconds }
          await book.end(callback.id, served)
          this.options.onAttempt?.(callback, served, 'served')
          await seat.finish({ outcome: 'answered', agent: result.name, talkSeconds: result.talkSeconds }, 'leave')
          left = true
          return
        }
        const unreached: AttemptEnd = { outcome: 'unreached', cause: result.cause, agent: result.name }
        const now = await book.end(callback.id, unreached)
        this.options.onAttempt?.(callback, unreached, now && 'ended' in now ? 'failed' : 'unreached')
        const talked: RingEnd = { outcome: 'answered', agent: result.name, talkSeconds: result.agentSeconds }
        if (now && 'waiting' in now) {
          await seat.finish(talked, 'stay')
          callback = now.waiting
          continue
        }
        if (!now) return await letGo(talked)
        await seat.finish(talked, 'leave')
        left = true
        if (now.ended === 'failed') this.options.onFailed?.(callback)
        return
      }
    } finally {
      // Stopping (or a failure) keeps the place for this router's next start or another router's adoption; an
      // agent offered meanwhile goes back. A callback no longer held is not this router's to touch.
      if (!left && dropped.aborted && !this.#stop.signal.aborted) this.distributor.forget(first.id)
      else if (!left) await seat.pause().catch(() => {})
    }
  }
}

/**
 * When a line's callbacks may be served again, if not now: a team's `callback.schedule` closed at `at` opens at
 * its next change (looked at again in 14 days when it stays closed that long); an agent's own line is never closed.
 */
export function callbackClosedUntil(
  world: Pick<World, 'team' | 'schedule'>,
  forWhom: RingFor,
  at: number,
): number | undefined {
  const name = 'team' in forWhom ? world.team(forWhom.team)?.callback?.schedule : undefined
  const schedule = name === undefined ? undefined : world.schedule(name)
  if (!schedule || isOpen(schedule, at)) return undefined
  return nextChange(schedule, at) ?? at + 14 * 86_400_000
}
