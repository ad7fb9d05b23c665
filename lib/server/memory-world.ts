/**
 * The World of `serve` on workflow files alone (no database): the directory in memory, agents
 * reserved in this process while they ring or talk, queued callers woken when an agent is released.
 * Agents go to queued callers first come, first served, by the same rule as the store's world
 * (lib/store/reservations.ts). One router process only; the store's world shares both across routers.
 */
import type { CallRecord } from '../engine/record.js'
import type { Clock, QueuePlace, RingFor, RingPlan, World } from '../engine/world.js'
import { toE164 } from '../phone/e164.js'
import { QueueArrivals, queueStatsOf, type QueueStat } from '../routing/queue-stats.js'
import { queueWait, type QueueWaiter } from '../routing/queue-wait.js'
import { newStrategyMemory, ringOrder } from '../routing/strategy.js'
import type { Directory } from '../workflow/directory.js'
import type { Agent, Contact, Schedule, Team, Workflow } from '../workflow/schema.js'

/** A queued caller rings again at least this often, even when no agent was released. */
export const QUEUE_RETRY_MS = 10_000

type Entry = { forWhom: RingFor; seq: number; waiting: boolean }

const sameTarget = (a: RingFor, b: RingFor) =>
  'agent' in a ? 'agent' in b && a.agent === b.agent : 'team' in b && a.team === b.team

export type MemoryWorldOptions = {
  clock: Clock
  region: string
  record(call: CallRecord): Promise<void>
  sendSms(sms: { callId: string; to: string; text: string }): Promise<void>
  /** After a ring ends unanswered (no answer, busy), its agents are not rung again for this long. Default 0. */
  retryDelaySeconds?: number
}

export class MemoryWorld implements World {
  readonly clock: Clock
  readonly region: string
  readonly #schedules: Map<string, Schedule>
  readonly #teams: Map<string, Team>
  readonly #agents: Map<string, Agent>
  readonly #contacts: Map<string, Contact>
  readonly #busy = new Map<string, string>()
  readonly #waiters = new Set<QueueWaiter & { forWhom: RingFor; since: number }>()
  readonly #arrivals = new QueueArrivals()
  readonly #memory = newStrategyMemory()
  /** The queue: call id → whom it waits for, in arrival order (`seq`). */
  readonly #queue = new Map<string, Entry>()
  #seq = 0
  /** Agents who did not answer (or were busy) rest until then, epoch ms (`retryDelaySeconds`). */
  readonly #restUntil = new Map<string, number>()

  constructor(
    private readonly directory: Directory,
    private readonly opts: MemoryWorldOptions,
  ) {
    this.clock = opts.clock
    this.region = opts.region
    this.#schedules = new Map(directory.schedules.map((s) => [s.name, s]))
    this.#teams = new Map(directory.teams.map((t) => [t.name, t]))
    this.#agents = new Map(directory.agents.map((a) => [a.name, a]))
    this.#contacts = new Map(directory.contacts.map((c) => [toE164(c.number, opts.region) ?? c.number, c]))
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

  #free(agent: Agent | undefined, callId: string): agent is Agent {
    return (
      agent !== undefined &&
      agent.status === 'available' &&
      !this.#busy.has(agent.name) &&
      (this.#restUntil.get(agent.name) ?? 0) <= this.clock.now() &&
      !this.#owed(agent, callId)
    )
  }

  /** A caller queued before this call (which, not queued, is the newest) still waits for this agent. */
  #owed(agent: Agent, callId: string): boolean {
    const mine = this.#queue.get(callId)?.seq ?? Number.POSITIVE_INFINITY
    const holding = new Set(this.#busy.values())
    for (const [id, e] of this.#queue) {
      if (id === callId || !e.waiting || e.seq > mine || holding.has(id)) continue
      if ('agent' in e.forWhom ? e.forWhom.agent === agent.name : agent.teams.includes(e.forWhom.team)) return true
    }
    return false
  }

  #wakeAll(): void {
    for (const waiter of [...this.#waiters]) waiter.wake()
  }

  async ringPlan(callId: string, forWhom: RingFor): Promise<RingPlan> {
    const team = 'team' in forWhom ? this.#teams.get(forWhom.team) : undefined
    const order =
      'agent' in forWhom
        ? {
            agents: [this.#agents.get(forWhom.agent)].filter((a) => this.#free(a, callId)),
            mode: 'simultaneous' as const,
          }
        : ringOrder(
            team,
            this.directory.agents.filter((a) => a.teams.includes(forWhom.team) && this.#free(a, callId)),
            this.#memory,
          )
    for (const a of order.agents) this.#busy.set(a.name, callId)
    let released = false
    const free = (keep?: string) => {
      for (const a of order.agents) if (a.name !== keep && this.#busy.get(a.name) === callId) this.#busy.delete(a.name)
      this.#wakeAll()
    }
    return {
      targets: order.agents.map((a) => ({ agent: a.name, dial: a.dial })),
      mode: order.mode,
      legSeconds: team?.ringSeconds ?? 20,
      answered: async (agent) => {
        if (!released) free(agent)
      },
      release: async (unanswered) => {
        if (released) return
        released = true
        const rest = (this.opts.retryDelaySeconds ?? 0) * 1000
        if (unanswered && rest > 0) for (const a of order.agents) this.#restUntil.set(a.name, this.clock.now() + rest)
        free()
      },
    }
  }

  async joinQueue(call: { id: string }, forWhom: RingFor): Promise<QueuePlace> {
    const id = call.id
    this.#queue.set(id, { forWhom, seq: this.#seq++, waiting: true })
    return {
      update: async (next, waiting) => {
        const entry = this.#queue.get(id)
        if (!entry) return
        const heldBack = entry.waiting && !waiting
        this.#queue.set(id, { ...entry, forWhom: next, waiting })
        if (heldBack) this.#wakeAll()
      },
      position: async () => {
        const entry = this.#queue.get(id)
        if (!entry) return undefined
        return [...this.#queue.values()].filter((e) => sameTarget(e.forWhom, entry.forWhom) && e.seq <= entry.seq)
          .length
      },
      leave: async () => {
        if (this.#queue.delete(id)) this.#wakeAll()
      },
    }
  }

  waitForAgent(forWhom: RingFor, until: number, signal: AbortSignal): Promise<'maybe-free' | 'deadline'> {
    const waiter = { forWhom, since: this.#arrivals.since(signal, this.clock.now()) }
    return queueWait({ clock: this.clock, waiters: this.#waiters, waiter, until, retryMs: QUEUE_RETRY_MS, signal })
  }

  /** Callers queued in this process, per team (metrics). */
  queueStats(): QueueStat[] {
    return queueStatsOf(this.#teams.keys(), this.#waiters, this.clock.now())
  }

  queuedWorkflow(team: string | undefined): Workflow | undefined {
    const queued = this.directory.workflows.filter((w) => w.trigger === 'queued' && w.enabled)
    return queued.find((w) => team !== undefined && w.team === team) ?? queued.find((w) => w.team === undefined)
  }

  sendSms(sms: { callId: string; to: string; text: string }) {
    return this.opts.sendSms(sms)
  }

  async record(call: CallRecord) {
    if (call.agent) this.#memory.lastCallEnd.set(call.agent, call.endedAt)
    await this.opts.record(call)
  }
}
