/**
 * The distributor of one router process: a seat per caller that asks the ledger for agents, and the delivery of
 * offers the ledger makes to callers who are not asking right now (another caller's release, a sweep, a notice
 * from another router). The queue is level-triggered: the ledger offers whatever it can after every operation,
 * a sweep runs when a rest this process began ends and, with `sweepEveryMs`, at least that often (rests begun
 * elsewhere, leases that ran out, notices lost), so "an agent is free and a caller waits" never lasts longer.
 * An agent released is offered to the head of the line only: one dispatch, not one query per waiting caller.
 */
import { EventEmitter } from 'node:events'
import type { UnreachableLeg } from '../engine/call.js'
import type { After, Clock, Offer, QueuePosition, RingEnd, RingFor, Seat, Want } from '../engine/world.js'
import type { AgentNotice, Assignment, Ledger, Place, Reserved, RouteResult } from './ledger.js'

export type DistributorOptions = {
  clock: Clock
  /** How long an offer for this target rings (a team's `ringSeconds`, 20 for an agent alone). */
  ringSeconds(forWhom: RingFor): number
  /** A sweep at least this often (the store: other routers' rests and lost notices); none by default. */
  sweepEveryMs?: number
  /** An agent went away after unanswered offers, or could not be reached. */
  onNotice?(notice: AgentNotice): void
  /** The ledger failed (the database is away): the caller is treated as finding nobody. */
  onError?(what: string, callId: string | undefined, err: unknown): void
}

/** A caller in line, for the queue metrics. */
export type InLine = { forWhom: RingFor; since: number }

export type DistributorEvents = {
  /** A caller of this process was offered agents by someone else's operation (a release, a sweep, a notice). */
  offered: [callId: string, agents: Reserved[]]
  /** A caller of this process started waiting in line for an offer (none was ready). */
  waiting: [callId: string]
  /** A sweep ended. */
  swept: []
}

export class Distributor extends EventEmitter<DistributorEvents> {
  readonly #seats = new Map<string, LineSeat>()
  /** When sweeps are due (rests ending), and the timer of the next. */
  readonly #due = new Set<number>()
  #timer: { at: number; stop: AbortController } | undefined
  readonly #every = new AbortController()
  #closed = false

  constructor(
    readonly ledger: Ledger,
    readonly options: DistributorOptions,
  ) {
    super()
    if (options.sweepEveryMs) void this.#sweepEvery(options.sweepEveryMs)
  }

  seat(call: { id: string; caller: string }): Seat {
    let seat = this.#seats.get(call.id)
    if (!seat) this.#seats.set(call.id, (seat = new LineSeat(this, call.id, call.caller)))
    return seat
  }

  /** Offers for this process's callers made elsewhere (a notice, a sweep); others are ignored. */
  deliver(assignments: readonly Assignment[]): void {
    for (const a of assignments) this.#seats.get(a.callId)?.offered(a.agents)
  }

  /** A dispatch now, its offers delivered. */
  async sweep(): Promise<void> {
    try {
      this.deliver(await this.ledger.sweep())
    } catch (err) {
      this.options.onError?.('sweep', undefined, err)
    }
    this.emit('swept')
  }

  /** Callers waiting in line in this process (not ringing, not in a queued workflow). */
  inLine(): InLine[] {
    return [...this.#seats.values()].flatMap((s) => s.inLine())
  }

  /** Stops the timers; seats still answer (the ledger is closed by its owner). */
  close(): void {
    this.#closed = true
    this.#every.abort()
    this.#timer?.stop.abort()
  }

  /** @internal A seat's operation ended. */
  after(result: RouteResult): void {
    this.deliver(result.others)
    for (const notice of result.notices) this.options.onNotice?.(notice)
    if (result.restEndsAt !== undefined) this.#sweepAt(result.restEndsAt)
  }

  /** @internal A dispatch once the current operations have settled. */
  sweepSoon(): void {
    this.#sweepAt(this.options.clock.now())
  }

  /** Drops a seat without a ledger operation (its place is someone else's now: a callback another router holds). */
  forget(callId: string): void {
    this.#seats.delete(callId)
  }

  #sweepAt(at: number): void {
    if (this.#closed) return
    this.#due.add(at)
    if (this.#timer && this.#timer.at <= at) return
    this.#timer?.stop.abort(NOT_NEEDED)
    const stop = new AbortController()
    this.#timer = { at, stop }
    this.options.clock.sleep(Math.max(0, at - this.options.clock.now()), stop.signal).then(
      async () => {
        this.#timer = undefined
        const now = this.options.clock.now()
        for (const t of [...this.#due]) if (t <= now) this.#due.delete(t)
        const next = Math.min(...this.#due)
        if (Number.isFinite(next)) this.#sweepAt(next)
        await this.sweep()
      },
      () => {},
    )
  }

  async #sweepEvery(ms: number): Promise<void> {
    const signal = this.#every.signal
    while (!signal.aborted) {
      try {
        await this.options.clock.sleep(ms, signal)
      } catch {
        return
      }
      await this.sweep()
    }
  }
}

/** Why a timer no longer needed is stopped: without a reason each abort builds a DOMException with a stack trace. */
const NOT_NEEDED = new Error('no longer needed')

const asOffer = (held: readonly Reserved[], ringSeconds: number): Offer => ({
  targets: held.map((r) => ({ agent: r.name, dial: r.dial })),
  ringSeconds,
})

/**
 * One caller's seat. Operations go to the ledger one at a time; offers delivered meanwhile are kept when they are
 * newer than what the last operation saw (its watermark), so a late notice never brings back an agent the
 * caller already gave back.
 */
class LineSeat implements Seat {
  #want: Want | undefined
  /** Reservations held: being rung when `#ringing`, else waiting for the engine's next `wait`. */
  #held: Reserved[] = []
  #ringing = false
  #watermark = 0
  /** Waiting in line (asked in queue mode, not paused), since when. */
  #since: number | undefined
  #paused = false
  #waiter: ((offer: Offer) => void) | undefined
  #chain: Promise<unknown> = Promise.resolve()
  #left = false
  /** Whether the ledger holds a place for this caller (so that leaving needs a round trip). */
  #placed = false

  constructor(
    private readonly distributor: Distributor,
    private readonly id: string,
    private readonly caller: string,
  ) {}

  inLine(): InLine[] {
    return this.#want && this.#since !== undefined && !this.#paused && !this.#ringing
      ? [{ forWhom: this.#want.forWhom, since: this.#since }]
      : []
  }

  #ringSeconds(): number {
    return this.#want ? this.distributor.options.ringSeconds(this.#want.forWhom) : 20
  }

  /** Runs one ledger operation after the ones before it; the agents it leaves reserved for this caller. */
  #route(what: string, release: { end: RingEnd; keep?: string } | undefined, place: Place): Promise<void> {
    const run = async () => {
      try {
        const result = await this.distributor.ledger.route({
          callId: this.id,
          caller: this.caller,
          ...(release ? { release } : {}),
          place,
        })
        const late = this.#held.filter((r) => r.reservation > result.watermark)
        this.#held = [...result.mine, ...late]
        this.#watermark = result.watermark
        // A try that found nobody leaves no place, unless there was one; a queue ask, a pause keep one.
        if (place === 'leave') this.#placed = false
        else if (typeof place === 'object')
          this.#placed = place.ask === 'queue' || this.#placed || result.mine.length > 0
        this.distributor.after(result)
      } catch (err) {
        // Without the ledger nobody can be offered; reservations made before run out with their lease.
        this.#held = []
        this.#placed = true
        this.distributor.options.onError?.(what, this.id, err)
      }
    }
    const next = this.#chain.then(run)
    this.#chain = next
    return next
  }

  /** Hands what is held to the engine to ring. */
  #take(): Offer | undefined {
    if (this.#held.length === 0) return undefined
    this.#ringing = true
    return asOffer(this.#held, this.#ringSeconds())
  }

  async request(want: Want, mode: 'try' | 'queue'): Promise<Offer | undefined> {
    this.#want = want
    this.#paused = false
    if (mode === 'queue') this.#since ??= this.distributor.options.clock.now()
    this.#ringing = false
    await this.#route('request', undefined, { ask: mode, ...want })
    return this.#take()
  }

  async answered(agent: string, unreachable: UnreachableLeg[] = []): Promise<void> {
    if (this.#held.length < 2) return
    const end: RingEnd = unreachable.length ? { outcome: 'unused', unreachable } : { outcome: 'unused' }
    await this.#route('answered', { end, keep: agent }, 'stay')
  }

  async finish(end: RingEnd, after: After): Promise<Offer | undefined> {
    if (typeof after === 'object') {
      this.#want = { forWhom: after.forWhom, priority: after.priority }
      if (after.ask === 'queue') this.#since ??= this.distributor.options.clock.now()
    }
    this.#ringing = false
    const held = this.#held
    this.#held = []
    await this.#route('finish', held.length ? { end } : undefined, after)
    if (after === 'leave') this.#since = undefined
    // The hunt left out agents it rang; once it waits in line they may be offered again (after their rest).
    if (typeof after === 'object' && after.ask === 'queue' && after.exclude.length && this.#held.length === 0)
      this.distributor.sweepSoon()
    return typeof after === 'object' ? this.#take() : undefined
  }

  wait(until: number, signal: AbortSignal): Promise<Offer | 'deadline'> {
    const clock = this.distributor.options.clock
    return new Promise((resolve, reject) => {
      if (signal.aborted) return reject(signal.reason)
      const ready = this.#ringing ? undefined : this.#take()
      if (ready) return resolve(ready)
      const timer = new AbortController()
      const done = () => {
        this.#waiter = undefined
        timer.abort(NOT_NEEDED)
        signal.removeEventListener('abort', onAbort)
      }
      const onAbort = () => {
        done()
        reject(signal.reason)
      }
      this.#waiter = (offer) => {
        done()
        resolve(offer)
      }
      signal.addEventListener('abort', onAbort, { once: true })
      this.distributor.emit('waiting', this.id)
      // No deadline (Infinity): only an offer or the signal ends the wait.
      if (Number.isFinite(until))
        clock.sleep(Math.max(0, until - clock.now()), timer.signal).then(
          () => {
            done()
            resolve('deadline')
          },
          () => {},
        )
    })
  }

  /** A delivery from elsewhere: kept when newer than anything an operation of this seat saw. */
  offered(agents: readonly Reserved[]): void {
    const fresh = agents.filter(
      (a) => a.reservation > this.#watermark && !this.#held.some((h) => h.reservation === a.reservation),
    )
    if (fresh.length === 0 || this.#ringing || this.#left) return
    this.#held.push(...fresh)
    this.distributor.emit('offered', this.id, fresh)
    const waiter = this.#waiter
    const offer = waiter && this.#take()
    if (waiter && offer) waiter(offer)
  }

  async pause(): Promise<void> {
    this.#paused = true
    this.#ringing = false
    await this.#route('pause', undefined, 'pause')
    this.#held = []
  }

  position(): Promise<QueuePosition | undefined> {
    return this.distributor.ledger.position(this.id).catch((err: unknown) => {
      this.distributor.options.onError?.('position', this.id, err)
      return undefined
    })
  }

  async leave(): Promise<void> {
    if (this.#left) return
    this.#gone()
    this.#ringing = false
    // Queued behind the operations under way: a place they leave needs no round trip of its own.
    await this.#chain
    if (this.#placed || this.#held.length > 0) await this.#route('leave', undefined, 'leave')
    this.#held = []
  }

  #gone(): void {
    this.#left = true
    this.#since = undefined
    this.distributor.forget(this.id)
  }
}
