/**
 * The World of `serve` on the database. Per call it costs: no query to find the workflow (the
 * directory is in memory, reloaded on change notices), one query for the caller's contact when a
 * condition asks, one round trip per distributor operation (ask for an agent; a ring's end with the next
 * ask; leaving), one statement for the whole record at the end. The distributor's ledger is shared by every
 * router on the database (lib/store/ledger.ts); offers for this router's callers made elsewhere arrive on
 * `ivr_router_offer`, and a sweep every `sweepMs` catches whatever a lost notice or a lapsed rest left.
 * A record that cannot be written goes to the local spool and is replayed when the database is back.
 *
 *   const store = await openStore(storeConfig(flags))
 *   await migrateStore(store)                       // with `serve --migrate`
 *   const world = await StoreWorld.open(store, { region, spoolDir: config.spoolDir, log })
 *   new EslServer({ world, resolve: (facts) => world.resolve(facts), … })
 *   …
 *   await world.close(); await store.close()
 */
import { randomUUID } from 'node:crypto'
import { EventEmitter } from 'node:events'
import { hostname } from 'node:os'
import type { CallRecord } from '../engine/record.js'
import type { Requester } from '../engine/requests.js'
import type { CallBegun, CallbackAsk, CallbackTaken, CallStep, Clock, Seat, World } from '../engine/world.js'
import { resolveWorkflow } from '../server/resolve.js'
import { systemClock } from '../server/system-clock.js'
import type { Contact, Workflow } from '../workflow/schema.js'
import { requestCallback } from './callbacks.js'
import { findContact } from './contacts.js'
import { reachable, type Store } from './db.js'
import { loadDirectory, type StoreDirectory, type VersionedWorkflow } from './directory.js'
import { listenForChanges } from './notify.js'
import { writeRecord, writeSms } from './records.js'
import { renewLeases } from './reservations.js'
import { CallStarts, CallSteps, closeLostCalls, type LostCall } from './calls-in-progress.js'
import { OFFER_CHANNEL, parseOffer, StoreLedger } from './ledger.js'
import { Spool, type ReplayResult, type SpoolItem } from './spool.js'
import { Distributor } from '../routing/distributor.js'
import {
  DEFAULT_RETRY_DELAY_SECONDS,
  DEFAULT_UNREACHABLE_SECONDS,
  type AgentNotice,
  type Ledger,
  type RouteOp,
  type RouteResult,
} from '../routing/ledger.js'
import { queueStatsOf, type QueueStat } from '../routing/queue-stats.js'

/** pino's Logger fits. */
export type StoreLog = {
  info(obj: object, msg: string): void
  warn(obj: object, msg: string): void
  error(obj: object, msg: string): void
}

export type StoreWorldOptions = {
  /** Default region for numbers without a country code (e.g. "KR"). */
  region: string
  /** The local spool (docs/operations.md, "The spool"). */
  spoolDir: string
  clock?: Clock
  log?: StoreLog
  /**
   * How long a reservation (and a queued caller's entry) lasts unless renewed; renewed every third of it
   * while the call holds it. Default 60.
   */
  leaseSeconds?: number
  /** After a ring ends unanswered, busy or failed, its agent is not offered again for this long. Default 10. */
  retryDelaySeconds?: number
  /** After a ring that could not reach the agent at all. Default 60. */
  unreachableSeconds?: number
  /**
   * This router serves callbacks (`serve --callback-dial`): the ones it takes are its own at once. Otherwise they
   * wait, held by nobody, until a router that serves them adopts them.
   */
  holdsCallbacks?: boolean
  /** This router in `queue_entries.router` and `routers` (`queue list`). Default HOST:PID. */
  routerId?: string
  /**
   * The distributor's sweep at least this often (this router's beat; offers that a lost notice or a lapsed rest
   * or lease left undone). Default 1000; a router counts as gone after five missed sweeps.
   */
  sweepMs?: number
  /** An agent went away after unanswered offers, or could not be reached (to log and count). */
  onNotice?: (notice: AgentNotice) => void
  /** The endpoints of the `http` action. */
  requests?: Requester
  /** First pause before replaying the spool again while the database is away; doubles up to a minute. Default 5 s. */
  spoolRetryMs?: number
  /** A write that takes longer counts as failed (the record goes to the spool). Default 10 s. */
  writeTimeoutMs?: number
  /** A query during a call (contact, reservation) that takes longer counts as failed, so the caller never waits long. Default 3 s. */
  queryTimeoutMs?: number
  /** Sees how long each database call took (metrics). */
  onQuery?: (op: QueryOp, seconds: number) => void
}

/** The kinds of database call the world makes, for the query-time metric. */
export type QueryOp =
  | 'contact'
  | 'route'
  | 'sweep'
  | 'position'
  | 'start'
  | 'record'
  | 'sms'
  | 'reload'
  | 'renew'
  | 'lost'
  | 'ping'
  | 'callback'

export type StoreWorldEvents = {
  /** The directory was (re)loaded. */
  reload: [StoreDirectory]
  /** An item went to the spool. */
  spooled: [SpoolItem]
  /** A spool replay ended. */
  replayed: [ReplayResult]
  /** Calls of a router that stopped during them, closed here as `failed` (with an inbox row each). */
  lost: [LostCall[]]
  /**
   * A caller of this router took a callback: it is in the line in the caller's place, held by this router, which
   * serves it (lib/routing/callback-runner.ts listens); other routers learn of it by adopting it.
   */
  callback: [TakenCallback]
}

/** A callback taken here: what was asked, its id, and the place in line it kept (ms epoch). */
export type TakenCallback = CallbackAsk & { id: string; requestedAt: number }

const silent: StoreLog = { info() {}, warn() {}, error() {} }
const MAX_SPOOL_RETRY_MS = 60_000
const RELOAD_RETRY_MS = 1000

class TimedOut extends Error {}

function message(err: unknown): string {
  return err instanceof Error ? err.message : String(err)
}

export class StoreWorld extends EventEmitter<StoreWorldEvents> implements World {
  readonly clock: Clock
  readonly region: string
  readonly requests?: Requester
  readonly #store: Store
  readonly #spool: Spool
  readonly #log: StoreLog
  readonly #lease: number
  readonly #writeTimeoutMs: number
  readonly #queryTimeoutMs: number
  readonly #spoolRetryMs: number
  readonly #onQuery: StoreWorldOptions['onQuery']
  #directory: StoreDirectory
  readonly distributor: Distributor
  readonly #ledger: StoreLedger
  readonly #routerId: string
  readonly #holdsCallbacks: boolean
  readonly #starts: CallStarts
  readonly #steps: CallSteps
  /** Starts still being written, by call: the call's record waits for its start. */
  readonly #starting = new Map<string, Promise<void>>()
  readonly #timers = new Set<NodeJS.Timeout>()
  readonly #unlisten: (() => Promise<void>)[] = []
  #reloading: Promise<void> | undefined
  #reloadAgain = false
  #replaying: Promise<ReplayResult> | undefined
  #spoolRetry: NodeJS.Timeout | undefined
  #spoolPause: number
  #spoolWaiting = false
  #closed = false

  private constructor(store: Store, spool: Spool, directory: StoreDirectory, options: StoreWorldOptions) {
    super()
    this.#store = store
    this.#spool = spool
    this.#directory = directory
    this.region = options.region
    if (options.requests) this.requests = options.requests
    this.clock = options.clock ?? systemClock
    this.#log = options.log ?? silent
    this.#lease = options.leaseSeconds ?? 60
    this.#routerId = options.routerId ?? `${hostname()}:${process.pid}`
    this.#holdsCallbacks = options.holdsCallbacks ?? false
    const sweepMs = options.sweepMs ?? 1000
    this.#starts = new CallStarts(store.db, this.#routerId)
    this.#steps = new CallSteps(store.db, (err) =>
      this.#log.warn({ err: message(err) }, "could not write the calls' steps (the console's board)"),
    )
    this.#ledger = new StoreLedger(store.routingDb, {
      routerId: this.#routerId,
      leaseSeconds: this.#lease,
      retryDelaySeconds: options.retryDelaySeconds ?? DEFAULT_RETRY_DELAY_SECONDS,
      unreachableSeconds: options.unreachableSeconds ?? DEFAULT_UNREACHABLE_SECONDS,
      aliveSeconds: Math.max(5, Math.ceil((5 * sweepMs) / 1000)),
    })
    this.distributor = new Distributor(this.#timedLedger(), {
      clock: this.clock,
      ringSeconds: (forWhom) => ('team' in forWhom ? this.team(forWhom.team)?.ringSeconds : undefined) ?? 20,
      sweepEveryMs: sweepMs,
      ...(options.onNotice ? { onNotice: options.onNotice } : {}),
      onError: (what, callId, err) =>
        this.#log.error({ ...(callId ? { call: callId } : {}), err: message(err) }, `distributor: ${what} failed`),
    })
    this.#writeTimeoutMs = options.writeTimeoutMs ?? 10_000
    this.#queryTimeoutMs = options.queryTimeoutMs ?? 3000
    this.#spoolRetryMs = options.spoolRetryMs ?? 5000
    this.#spoolPause = this.#spoolRetryMs
    this.#onQuery = options.onQuery
  }

  /** Loads the directory, listens for changes and released agents, and replays what the spool holds. */
  static async open(store: Store, options: StoreWorldOptions): Promise<StoreWorld> {
    const spool = new Spool(options.spoolDir)
    let directory: StoreDirectory
    try {
      directory = await loadDirectory(store.db)
    } catch (err) {
      spool.close()
      throw err
    }
    const world = new StoreWorld(store, spool, directory, options)
    try {
      await world.#start()
    } catch (err) {
      await world.close()
      throw err
    }
    return world
  }

  async #start(): Promise<void> {
    this.#warnSkipped(this.#directory)
    // This router's first beat, before any caller of it takes a place in line.
    await this.distributor.sweep()
    this.#unlisten.push(
      await listenForChanges(this.#store, (what) => {
        void this.reload()
        // An agent made available, or notices missed while the listener was away: offer now.
        if (what === 'agents' || what === 'reconnected') void this.distributor.sweep()
      }),
      await this.#store.listen(OFFER_CHANNEL, {
        onNotify: (payload) => {
          const offer = parseOffer(payload)
          if (offer) this.distributor.deliver([offer])
        },
        onReconnect: () => void this.distributor.sweep(),
      }),
    )
    const renew = setInterval(
      () =>
        void this.#measured('renew', renewLeases(this.#store.db, this.#routerId, this.#lease)).catch((err: unknown) =>
          this.#log.warn({ err: message(err) }, 'could not renew agent reservations'),
        ),
      (this.#lease * 1000) / 3,
    )
    renew.unref()
    this.#timers.add(renew)
    const closeLost = setInterval(() => void this.closeLostCalls(), (this.#lease * 1000) / 3)
    closeLost.unref()
    this.#timers.add(closeLost)
    if (await this.#spool.pending()) this.replaySpool().catch(() => {})
  }

  /** The routing directory in use now. */
  get directory(): StoreDirectory {
    return this.#directory
  }

  /** The workflow a call runs, and its version (`EslServer`'s `resolve`); no query unless a filter reads the contact. */
  async resolve(facts: { caller: string; dialed: string }): Promise<VersionedWorkflow | undefined> {
    const directory = this.#directory
    const workflow = await resolveWorkflow(directory.candidates, facts, this)
    const found = workflow && directory.workflows.get(workflow.name)
    return found ? { workflow: found.workflow, version: found.version } : undefined
  }

  /** Lines waiting in the spool (metrics). */
  spoolDepth(): Promise<number> {
    return this.#spool.depth()
  }

  /** Reloads the directory now (change notices do this by themselves). */
  reload(): Promise<void> {
    if (this.#reloading) {
      this.#reloadAgain = true
      return this.#reloading
    }
    this.#reloading = (async () => {
      do {
        this.#reloadAgain = false
        const directory = await this.#measured('reload', loadDirectory(this.#store.db))
        this.#directory = directory
        this.#warnSkipped(directory)
        this.emit('reload', directory)
      } while (this.#reloadAgain)
    })()
      .catch((err: unknown) => {
        this.#log.error({ err: message(err) }, 'could not reload workflows from the database: keeping the ones loaded')
        this.#later(() => void this.reload(), RELOAD_RETRY_MS)
      })
      .finally(() => (this.#reloading = undefined))
    return this.#reloading
  }

  #warnSkipped(directory: StoreDirectory): void {
    if (directory.skipped.length > 0)
      this.#log.warn({ skipped: directory.skipped }, 'stored documents that no longer pass the schema are left out')
  }

  schedule(name: string) {
    return this.#directory.schedules.get(name)
  }
  team(name: string) {
    return this.#directory.teams.get(name)
  }
  agent(name: string) {
    return this.#directory.agents.get(name)
  }

  async contact(e164: string): Promise<Contact | undefined> {
    try {
      return await this.#timed(this.#measured('contact', findContact(this.#store.db, e164)), this.#queryTimeoutMs)
    } catch (err) {
      // Without the database the call goes on as for an unknown caller.
      this.#log.warn({ err: message(err) }, 'contact lookup failed')
      return undefined
    }
  }

  seat(call: { id: string; caller: string }): Seat {
    return this.distributor.seat(call)
  }

  /**
   * The ledger with the world's time limit on each operation, so a caller never waits long on the database: an
   * operation that gives up finds nobody; if it completes later having reserved agents, they go back at once.
   */
  #timedLedger(): Ledger {
    const ledger = this.#ledger
    return {
      route: (op: RouteOp): Promise<RouteResult> => {
        const running = this.#measured('route', ledger.route(op))
        return this.#timed(running, this.#queryTimeoutMs).catch((err: unknown) => {
          if (err instanceof TimedOut)
            void running
              .then((late) =>
                late.mine.length
                  ? ledger.route({
                      callId: op.callId,
                      caller: op.caller,
                      release: { end: { outcome: 'unused' } },
                      place: 'stay',
                    })
                  : undefined,
              )
              .catch(() => {})
          throw err
        })
      },
      sweep: () => this.#timed(this.#measured('sweep', ledger.sweep()), this.#queryTimeoutMs),
      position: (callId) => this.#timed(this.#measured('position', ledger.position(callId)), this.#queryTimeoutMs),
    }
  }

  /** Callers waiting in line on this router, per team (metrics); other routers' callers are theirs to report. */
  queueStats(): QueueStat[] {
    return queueStatsOf(this.#directory.teams.keys(), this.distributor.inLine(), this.clock.now())
  }

  queuedWorkflow(team: string | undefined): Workflow | undefined {
    const queued = [...this.#directory.workflows.values()].map((v) => v.workflow).filter((w) => w.trigger === 'queued')
    return queued.find((w) => team !== undefined && w.team === team) ?? queued.find((w) => w.team === undefined)
  }

  /** This router, as its callers' places and its callbacks name it. */
  get routerId(): string {
    return this.#routerId
  }

  /**
   * Takes the callback in the store (the caller's place passes to it, under the distributor's lock). A database that
   * fails or does not answer in time throws: the call's error handling takes over, as for any failure of the router.
   */
  async requestCallback(ask: CallbackAsk): Promise<CallbackTaken> {
    const id = `cb-${randomUUID()}`
    const result = await this.#timed(
      this.#measured(
        'callback',
        requestCallback(this.#store.db, {
          id,
          callId: ask.callId,
          router: this.#routerId,
          forWhom: ask.forWhom,
          priority: ask.priority,
          number: ask.number,
          caller: ask.caller,
          dialed: ask.dialed,
          fields: ask.fields,
          maxAttempts: ask.attempts,
          retrySeconds: ask.retrySeconds,
          ...(ask.limit !== undefined ? { limit: ask.limit } : {}),
          hold: this.#holdsCallbacks,
        }),
      ),
    )
    if (!result.ok) {
      this.#log.info({ call: ask.callId, ...ask.forWhom, open: result.open }, 'callback refused: the line is full')
      return { ok: false, reason: 'full' }
    }
    this.#log.info({ call: ask.callId, callback: id, ...ask.forWhom }, 'callback taken')
    this.emit('callback', { ...ask, id, requestedAt: result.requestedAt.getTime() })
    return { ok: true, id }
  }

  async sendSms(sms: { callId: string; to: string; text: string }): Promise<void> {
    const message_ = { id: randomUUID(), ...sms, createdAt: Date.now() }
    try {
      await this.#timed(this.#measured('sms', writeSms(this.#store.db, message_)))
    } catch (err) {
      this.#log.warn({ call: sms.callId, err: message(err) }, 'database unavailable: SMS spooled')
      await this.#toSpool({ kind: 'sms', sms: message_ }).catch(() => {})
    }
  }

  started(call: CallBegun): void {
    const writing = this.#measured('start', this.#starts.add(call))
      .catch((err: unknown) => {
        // Only a trace in case this router dies: the call's record does not depend on it.
        this.#log.warn({ call: call.id, err: message(err) }, 'could not write the call as under way')
      })
      // Written (or failed): the record need not wait, nor set a timer for it.
      .finally(() => this.#starting.delete(call.id))
    this.#starting.set(call.id, writing)
  }

  stepped(callId: string, step: CallStep): void {
    // After the call's start, or the update would find no row.
    const starting = this.#starting.get(callId)
    if (starting) void starting.then(() => this.#steps.add(callId, step))
    else this.#steps.add(callId, step)
  }

  /**
   * Closes the calls of routers that stopped during them (each `failed`, with an inbox row): every router does
   * it, a third of the lease apart, for routers silent for the lease.
   */
  async closeLostCalls(): Promise<LostCall[]> {
    try {
      const lost = await this.#measured('lost', closeLostCalls(this.#store.db, this.#lease))
      for (const call of lost)
        this.#log.warn(
          { call: call.id, router: call.router, workflow: call.workflow },
          'call closed as failed: its router stopped during it (inbox: router_lost)',
        )
      if (lost.length) this.emit('lost', lost)
      return lost
    } catch (err) {
      this.#log.warn({ err: message(err) }, 'could not close the calls of stopped routers')
      return []
    }
  }

  async record(call: CallRecord): Promise<void> {
    // After the start (a call that ends at once must not leave its start behind), but never held up by it: a start
    // stuck on an unanswering database would keep the record from the spool.
    const starting = this.#starting.get(call.id)
    if (starting) await this.#timed(starting).catch(() => {})
    try {
      await this.#timed(this.#measured('record', writeRecord(this.#store.db, call)))
    } catch (err) {
      this.#log.warn({ call: call.id, err: message(err) }, 'database unavailable: call record spooled')
      await this.#toSpool({ kind: 'call', record: call })
      return
    }
    if (this.#spoolWaiting) this.replaySpool().catch(() => {})
  }

  async #toSpool(item: SpoolItem): Promise<void> {
    try {
      await this.#spool.append(item)
    } catch (err) {
      // The last place the record still exists is this log line.
      this.#log.error({ item, err: message(err) }, 'spool write failed: record kept only in this log')
      throw err
    }
    this.#spoolWaiting = true
    this.emit('spooled', item)
    this.#scheduleReplay()
  }

  #scheduleReplay(): void {
    if (this.#spoolRetry || this.#closed) return
    this.#spoolRetry = this.#later(() => {
      this.#spoolRetry = undefined
      this.replaySpool().catch(() => {})
    }, this.#spoolPause)
    this.#spoolPause = Math.min(this.#spoolPause * 2, MAX_SPOOL_RETRY_MS)
  }

  /** Writes what the spool holds (one replay at a time; a call while one runs gets that one). */
  replaySpool(): Promise<ReplayResult> {
    this.#replaying ??= this.#spool
      .replay(
        (item) =>
          this.#timed(
            item.kind === 'call'
              ? this.#measured('record', writeRecord(this.#store.db, item.record))
              : this.#measured('sms', writeSms(this.#store.db, item.sms)),
          ).then(() => {}),
        async () =>
          !(await this.#timed(this.#measured('ping', reachable(this.#store)), this.#queryTimeoutMs).catch(() => false)),
      )
      .then((result) => {
        this.#spoolWaiting = result.remaining > 0
        if (result.remaining > 0) this.#scheduleReplay()
        else this.#spoolPause = this.#spoolRetryMs
        if (result.replayed + result.rejected > 0)
          this.#log.info(result, result.remaining > 0 ? 'spool partly replayed' : 'spool replayed')
        if (result.rejected > 0)
          this.#log.error({ dir: this.#spool.dir }, 'spooled items refused by the database: see rejected.jsonl')
        this.emit('replayed', result)
        return result
      })
      .catch((err: unknown) => {
        // The spool directory itself failed (not the database): try again later, keep what is there.
        this.#log.error({ dir: this.#spool.dir, err: message(err) }, 'spool replay failed')
        this.#scheduleReplay()
        throw err
      })
      .finally(() => (this.#replaying = undefined))
    return this.#replaying
  }

  /** `p` itself, its duration reported to `onQuery` when it settles (however long it takes). */
  #measured<T>(op: QueryOp, p: Promise<T>): Promise<T> {
    const onQuery = this.#onQuery
    if (!onQuery) return p
    const start = performance.now()
    const done = () => onQuery(op, (performance.now() - start) / 1000)
    p.then(done, done)
    return p
  }

  /** Rejects with TimedOut when `p` takes longer than `ms`; `p` may still finish later. */
  #timed<T>(p: Promise<T>, ms = this.#writeTimeoutMs): Promise<T> {
    p.catch(() => {})
    return new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => reject(new TimedOut('the database did not answer in time')), ms)
      timer.unref()
      p.then(resolve, reject).finally(() => clearTimeout(timer))
    })
  }

  #later(fn: () => void, ms: number): NodeJS.Timeout {
    const timer = setTimeout(() => {
      this.#timers.delete(timer)
      if (!this.#closed) fn()
    }, ms)
    timer.unref()
    this.#timers.add(timer)
    return timer
  }

  /** Stops listening and retrying; the store stays open (its owner closes it). */
  async close(): Promise<void> {
    this.#closed = true
    this.distributor.close()
    // Display only: a stopping router does not hold its shutdown up (or write after its store closed) for them.
    this.#steps.stop()
    for (const timer of this.#timers) clearTimeout(timer)
    this.#timers.clear()
    for (const unlisten of this.#unlisten.splice(0)) await unlisten().catch(() => {})
    await this.#replaying?.catch(() => {})
    await this.#reloading
    this.#spool.close()
  }
}
