/**
 * The World of `serve` on workflow files alone (no database): the directory in memory and the distributor on
 * a memory ledger (lib/routing): one agent offered per caller (every free one for a ring-all team), callers in
 * line by priority then arrival, agents resting after a ring that failed and after each call's wrap-up. One
 * router process only; the store's world shares all of it across routers. Callbacks are taken and kept here, counted
 * against a team's limit, but not served: calling customers back needs the database (docs/routing.md, "Callbacks").
 */
import type { CallRecord } from '../engine/record.js'
import type { Requester } from '../engine/requests.js'
import type { CallbackAsk, CallbackTaken, Clock, RingFor, Seat, World } from '../engine/world.js'
import { toE164 } from '../phone/e164.js'
import { Distributor } from '../routing/distributor.js'
import { DEFAULT_UNREACHABLE_SECONDS, type AgentNotice } from '../routing/ledger.js'
import { MemoryLedger } from '../routing/memory-ledger.js'
import { queueStatsOf, type QueueStat } from '../routing/queue-stats.js'
import type { Directory } from '../workflow/directory.js'
import type { Agent, Contact, Schedule, Team, Workflow } from '../workflow/schema.js'

export type MemoryWorldOptions = {
  clock: Clock
  region: string
  record(call: CallRecord): Promise<void>
  sendSms(sms: { callId: string; to: string; text: string }): Promise<void>
  /** After a ring ends unanswered, busy or failed, its agent is not offered again for this long. Default 0 (`serve` passes its setting, `simulate` the default). */
  retryDelaySeconds?: number
  /** After a ring that could not reach the agent at all (not registered, no route). Default 60. */
  unreachableSeconds?: number
  /** Something happened to an agent that operators should hear of. */
  onNotice?(notice: AgentNotice): void
  /** For `random` teams (tests pass a seeded one). */
  random?: () => number
  /** Whether a caller may be offered an agent now (the simulator's script); default always. */
  available?: (callId: string, asked: boolean) => boolean
  /** The endpoints of the `http` action (`serve`: over HTTP; the simulator: scripted). */
  requests?: Requester
}

/** A callback taken in memory. */
export type MemoryCallback = CallbackAsk & { id: string }

export class MemoryWorld implements World {
  readonly clock: Clock
  /** The callbacks taken, in order; all of them count as open (none is served in memory). */
  readonly callbacks: MemoryCallback[] = []
  readonly region: string
  readonly requests?: Requester
  readonly ledger: MemoryLedger
  readonly distributor: Distributor
  readonly #schedules: Map<string, Schedule>
  readonly #teams: Map<string, Team>
  readonly #agents: Map<string, Agent>
  readonly #contacts: Map<string, Contact>

  constructor(
    private readonly directory: Directory,
    private readonly opts: MemoryWorldOptions,
  ) {
    this.clock = opts.clock
    this.region = opts.region
    if (opts.requests) this.requests = opts.requests
    this.#schedules = new Map(directory.schedules.map((s) => [s.name, s]))
    this.#teams = new Map(directory.teams.map((t) => [t.name, t]))
    this.#agents = new Map(directory.agents.map((a) => [a.name, a]))
    this.#contacts = new Map(directory.contacts.map((c) => [toE164(c.number, opts.region) ?? c.number, c]))
    this.ledger = new MemoryLedger(directory.teams, directory.agents, {
      clock: opts.clock,
      retryDelaySeconds: opts.retryDelaySeconds ?? 0,
      unreachableSeconds: opts.unreachableSeconds ?? DEFAULT_UNREACHABLE_SECONDS,
      ...(opts.random ? { random: opts.random } : {}),
      ...(opts.available ? { available: opts.available } : {}),
    })
    this.distributor = new Distributor(this.ledger, {
      clock: opts.clock,
      ringSeconds: (forWhom) => this.ringSeconds(forWhom),
      ...(opts.onNotice ? { onNotice: opts.onNotice } : {}),
    })
  }

  /** How long an offer rings: the team's `ringSeconds`, 20 for an agent alone. */
  ringSeconds(forWhom: RingFor): number {
    return ('team' in forWhom ? this.#teams.get(forWhom.team)?.ringSeconds : undefined) ?? 20
  }

  schedule(name: string) {
    return this.#schedules.get(name)
  }
  team(name: string) {
    return this.#teams.get(name)
  }
  agent(name: string) {
    return this.#agents.get(name)
  }
  async contact(e164: string) {
    return this.#contacts.get(e164)
  }

  seat(call: { id: string; caller: string }): Seat {
    return this.distributor.seat(call)
  }

  /** Callers waiting in line in this process, per team (metrics). */
  queueStats(): QueueStat[] {
    return queueStatsOf(this.#teams.keys(), this.distributor.inLine(), this.clock.now())
  }

  queuedWorkflow(team: string | undefined): Workflow | undefined {
    const queued = this.directory.workflows.filter((w) => w.trigger === 'queued' && w.enabled)
    return queued.find((w) => team !== undefined && w.team === team) ?? queued.find((w) => w.team === undefined)
  }

  async requestCallback(ask: CallbackAsk): Promise<CallbackTaken> {
    const key = (f: RingFor) => ('team' in f ? `team:${f.team}` : `agent:${f.agent}`)
    const open = this.callbacks.filter((c) => key(c.forWhom) === key(ask.forWhom)).length
    if (ask.limit !== undefined && open >= ask.limit) return { ok: false, reason: 'full' }
    // A call takes one callback at most (it ends once taken): its id names the callback.
    const id = `cb-${ask.callId}`
    this.callbacks.push({ ...ask, id })
    return { ok: true, id }
  }

  sendSms(sms: { callId: string; to: string; text: string }) {
    return this.opts.sendSms(sms)
  }

  async record(call: CallRecord) {
    await this.opts.record(call)
  }

  close(): void {
    this.distributor.close()
  }
}
