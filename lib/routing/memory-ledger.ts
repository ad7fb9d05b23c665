/**
 * The distributor's ledger in one process's memory (`serve FILE…`, `simulate`): the same rules as the store's
 * SQL (lib/store/ledger.ts), checked against it by a shared test. Operations are synchronous, so each is atomic.
 */
import type { Clock, QueuePosition, RingEnd, RingFor } from '../engine/world.js'
import type { Agent, Team } from '../workflow/schema.js'
import {
  sameTarget,
  type AgentNotice,
  type Assignment,
  type Ledger,
  type Reserved,
  type RestSettings,
  type RouteOp,
  type RouteResult,
} from './ledger.js'
import { pickAgents, type Candidate } from './pick-agents.js'
import { AGENT_HALF_LIFE_SECONDS, TEAM_HALF_LIFE_SECONDS, estimatedWaitSeconds, faded } from './recent.js'

type AgentState = {
  agent: Agent
  order: number
  status: Agent['status']
  reservedBy?: string
  reservation?: number
  restUntil?: number
  restReason?: 'no-answer' | 'busy' | 'failed' | 'wrap-up' | 'unreachable'
  restCause?: string
  noAnswers: number
  lastCallEnd?: number
  recentCalls: number
  recentTalkSeconds: number
  recentAt?: number
}

/** `queued`: asked in queue mode once (a place in the queue, kept by a try that finds nobody). */
type Entry = { forWhom: RingFor; priority: number; seq: number; waiting: boolean; queued: boolean; caller: string }

type TeamState = { team: Team; cursor?: number; handoffs: number; handoffsAt?: number }

export type MemoryLedgerOptions = RestSettings & {
  clock: Clock
  random?: () => number
  /**
   * Asked each time the ledger would offer a caller agents (`asked`: the caller is asking right now — a try, the
   * next agent of a hunt, a first place in line — not a sweep, another caller's release or a return to the line):
   * false means nobody is free for it this time (the simulator's scripted `none`). Default: always true.
   */
  available?: (callId: string, asked: boolean) => boolean
}

/** An agent as `agent list` shows its state (and the tests read it). */
export type AgentView = Pick<
  AgentState,
  'status' | 'reservedBy' | 'restUntil' | 'restReason' | 'restCause' | 'noAnswers' | 'lastCallEnd'
>

export class MemoryLedger implements Ledger {
  readonly #agents = new Map<string, AgentState>()
  readonly #teams = new Map<string, TeamState>()
  /** Callers in line, by call id. */
  readonly #entries = new Map<string, Entry>()
  #seq = 0
  #reservations = 0

  constructor(
    teams: readonly Team[],
    agents: readonly Agent[],
    private readonly options: MemoryLedgerOptions,
  ) {
    for (const team of teams) this.#teams.set(team.name, { team, handoffs: 0 })
    for (const [order, agent] of agents.entries())
      this.#agents.set(agent.name, {
        agent,
        order,
        status: agent.status,
        noAnswers: 0,
        recentCalls: 0,
        recentTalkSeconds: 0,
      })
  }

  get #now(): number {
    return this.options.clock.now()
  }

  /** An agent's state now (tests, `agent list` of `serve FILE`). */
  agentView(name: string): AgentView | undefined {
    const a = this.#agents.get(name)
    if (!a) return undefined
    const {
      agent: _agent,
      order: _order,
      reservation: _r,
      recentCalls: _c,
      recentTalkSeconds: _t,
      recentAt: _a,
      ...view
    } = a
    return view
  }

  /** Sets an agent's status (`available` ends a rest); a dispatch follows. */
  setStatus(name: string, status: Agent['status']): Assignment[] {
    const a = this.#agents.get(name)
    if (!a) return []
    a.status = status
    a.noAnswers = 0
    if (status === 'available') this.#endRest(a)
    return this.#dispatch()
  }

  async route(op: RouteOp): Promise<RouteResult> {
    const notices: AgentNotice[] = []
    let restEndsAt: number | undefined
    const entry = this.#entries.get(op.callId)
    if (op.release) {
      for (const a of this.#heldBy(op.callId)) {
        if (a.agent.name === op.release.keep) continue
        const until = this.#release(a, op.release.end, entry, notices)
        if (until !== undefined) restEndsAt = Math.min(restEndsAt ?? Infinity, until)
      }
    }
    const place = op.place
    if (place === 'leave' || place === 'pause') {
      for (const a of this.#heldBy(op.callId)) this.#release(a, { outcome: 'unused' }, entry, notices)
      if (place === 'leave') this.#entries.delete(op.callId)
      else if (entry) entry.waiting = false
    } else if (place !== 'stay') {
      const queued = place.ask === 'queue'
      if (entry) Object.assign(entry, { forWhom: place.forWhom, priority: place.priority, waiting: true })
      else
        this.#entries.set(op.callId, {
          forWhom: place.forWhom,
          priority: place.priority,
          seq: this.#seq++,
          waiting: true,
          queued,
          caller: op.caller,
        })
      if (queued) this.#entries.get(op.callId)!.queued = true
    }
    const excluded =
      typeof place === 'object' && place.exclude?.length ? { callId: op.callId, agents: place.exclude } : undefined
    // A caller back in line after its queued workflow is not asking for anyone new (the simulator's script
    // only answers asks: a try, the next agent of a hunt, a first place in line).
    const asking = typeof place === 'object' && (place.ask === 'try' || op.release !== undefined || !entry)
    const offered = this.#dispatch(excluded, asking ? op.callId : undefined)
    const mine = this.#reservedFor(op.callId)
    if (typeof place === 'object' && place.ask === 'try' && mine.length === 0) {
      // A try that found nobody leaves no trace (a hunt's first try made the place: gone with it), unless the
      // caller has a place in the queue: it is in the queue's workflow then, and keeps that place, paused.
      const tried = this.#entries.get(op.callId)!
      if (tried.queued) tried.waiting = false
      else this.#entries.delete(op.callId)
    }
    return {
      mine,
      others: offered.filter((o) => o.callId !== op.callId),
      notices,
      ...(restEndsAt === undefined ? {} : { restEndsAt }),
      watermark: this.#reservations,
    }
  }

  async position(callId: string): Promise<QueuePosition | undefined> {
    const me = this.#entries.get(callId)
    if (!me) return undefined
    let position = 0
    for (const [id, e] of this.#entries) {
      if (!sameTarget(e.forWhom, me.forWhom) || (this.#heldBy(id).length > 0 && id !== callId)) continue
      if (e.priority > me.priority || (e.priority === me.priority && e.seq <= me.seq)) position++
    }
    const team = 'team' in me.forWhom ? this.#teams.get(me.forWhom.team) : undefined
    const handoffs = team ? faded(team.handoffs, team.handoffsAt, this.#now, TEAM_HALF_LIFE_SECONDS) : 0
    const waitSeconds = estimatedWaitSeconds(position, handoffs)
    return waitSeconds === undefined ? { position } : { position, waitSeconds }
  }

  async sweep(): Promise<Assignment[]> {
    return this.#dispatch()
  }

  #heldBy(callId: string): AgentState[] {
    return [...this.#agents.values()].filter((a) => a.reservedBy === callId)
  }

  #reservedFor(callId: string): Reserved[] {
    return this.#heldBy(callId).map((a) => ({ name: a.agent.name, dial: a.agent.dial, reservation: a.reservation! }))
  }

  #endRest(a: AgentState): void {
    delete a.restUntil
    delete a.restReason
    delete a.restCause
  }

  #rest(
    a: AgentState,
    seconds: number,
    reason: NonNullable<AgentState['restReason']>,
    cause?: string,
  ): number | undefined {
    if (seconds <= 0) return undefined
    a.restUntil = this.#now + seconds * 1000
    a.restReason = reason
    if (cause === undefined) delete a.restCause
    else a.restCause = cause
    return a.restUntil
  }

  /** Gives an agent back with the effects of how its ring ended; returns when its rest ends, if it rests. */
  #release(a: AgentState, ringEnd: RingEnd, entry: Entry | undefined, notices: AgentNotice[]): number | undefined {
    // A ring-all's leg that could not reach this agent: unreachable, however the ring as a whole ended.
    const leg = 'unreachable' in ringEnd ? ringEnd.unreachable?.find((u) => u.agent === a.agent.name) : undefined
    const end: RingEnd =
      leg && !(ringEnd.outcome === 'answered' && ringEnd.agent === leg.agent)
        ? { outcome: 'unavailable', cause: leg.cause }
        : ringEnd
    delete a.reservedBy
    delete a.reservation
    const team = entry && 'team' in entry.forWhom ? this.#teams.get(entry.forWhom.team) : undefined
    const now = this.#now
    const { retryDelaySeconds, unreachableSeconds } = this.options
    switch (end.outcome) {
      case 'answered': {
        if (end.agent !== a.agent.name) return undefined
        a.noAnswers = 0
        a.lastCallEnd = now
        a.recentCalls = faded(a.recentCalls, a.recentAt, now, AGENT_HALF_LIFE_SECONDS) + 1
        a.recentTalkSeconds = faded(a.recentTalkSeconds, a.recentAt, now, AGENT_HALF_LIFE_SECONDS) + end.talkSeconds
        a.recentAt = now
        if (team) {
          team.handoffs = faded(team.handoffs, team.handoffsAt, now, TEAM_HALF_LIFE_SECONDS) + 1
          team.handoffsAt = now
        }
        return this.#rest(a, a.agent.wrapUpSeconds ?? team?.team.wrapUpSeconds ?? 0, 'wrap-up')
      }
      case 'no-answer': {
        a.noAnswers++
        const max = a.agent.maxNoAnswer ?? team?.team.maxNoAnswer
        if (max !== undefined && a.noAnswers >= max) {
          notices.push({ kind: 'away', agent: a.agent.name, noAnswers: a.noAnswers })
          a.status = 'away'
          a.noAnswers = 0
          this.#endRest(a)
          return undefined
        }
        return this.#rest(a, retryDelaySeconds, 'no-answer', end.cause)
      }
      case 'busy':
      case 'failed':
        return this.#rest(a, retryDelaySeconds, end.outcome, end.cause)
      case 'unavailable': {
        const cause = end.cause ?? 'UNKNOWN'
        const until = this.#rest(a, unreachableSeconds, 'unreachable', cause)
        notices.push({ kind: 'unreachable', agent: a.agent.name, cause, untilMs: until ?? now })
        return until
      }
      case 'unused':
        return undefined
    }
  }

  #isFree(a: AgentState): boolean {
    return a.status === 'available' && a.reservedBy === undefined && (a.restUntil ?? 0) <= this.#now
  }

  /** Which free agents `e` may be offered. */
  #eligible(e: Entry, free: AgentState[]): AgentState[] {
    const forWhom = e.forWhom
    return 'agent' in forWhom
      ? free.filter((a) => a.agent.name === forWhom.agent)
      : free.filter((a) => a.agent.teams.includes(forWhom.team) && this.#teams.has(forWhom.team))
  }

  /**
   * Offers free agents to the callers in line, best first (priority, then arrival), each the agents its team's
   * strategy picks, until no free agent suits anyone waiting. `excluded` agents are not offered that caller.
   */
  #dispatch(excluded?: { callId: string; agents: string[] }, asking?: string): Assignment[] {
    const offered: Assignment[] = []
    const unavailable = new Set<string>()
    for (;;) {
      const free = [...this.#agents.values()].filter((a) => this.#isFree(a))
      if (free.length === 0) break
      const holding = new Set([...this.#agents.values()].flatMap((a) => (a.reservedBy ? [a.reservedBy] : [])))
      let best: [string, Entry, AgentState[]] | undefined
      for (const [id, e] of this.#entries) {
        if (!e.waiting || holding.has(id) || unavailable.has(id)) continue
        if (best && (e.priority < best[1].priority || (e.priority === best[1].priority && e.seq > best[1].seq)))
          continue
        const eligible = this.#eligible(e, free).filter(
          (a) => excluded?.callId !== id || !excluded.agents.includes(a.agent.name),
        )
        if (eligible.length > 0) best = [id, e, eligible]
      }
      if (!best) break
      const [callId, entry, eligible] = best
      if (this.options.available && !this.options.available(callId, callId === asking)) {
        unavailable.add(callId)
        continue
      }
      const picks = this.#pick(entry, eligible)
      const agents: Reserved[] = picks.map((a) => {
        a.reservedBy = callId
        a.reservation = ++this.#reservations
        return { name: a.agent.name, dial: a.agent.dial, reservation: a.reservation }
      })
      offered.push({ callId, agents })
    }
    return offered
  }

  #pick(entry: Entry, eligible: AgentState[]): AgentState[] {
    const forWhom = entry.forWhom
    if ('agent' in forWhom) return eligible
    const team = this.#teams.get(forWhom.team)!
    const now = this.#now
    const candidates: Candidate[] = eligible.map((a) => ({
      name: a.agent.name,
      order: a.order,
      lastCallEnd: a.lastCallEnd,
      recentCalls: faded(a.recentCalls, a.recentAt, now, AGENT_HALF_LIFE_SECONDS),
      recentTalkSeconds: faded(a.recentTalkSeconds, a.recentAt, now, AGENT_HALF_LIFE_SECONDS),
    }))
    const picked = pickAgents(team.team.strategy, candidates, team.cursor, this.options.random)
    if (team.team.strategy === 'round-robin' && picked[0]) team.cursor = picked[0].order
    return picked.map((c) => this.#agents.get(c.name)!)
  }
}
