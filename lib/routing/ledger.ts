/**
 * The distributor's book of record: who waits in line (priority, then arrival), which agent is reserved for
 * which caller, and each agent's rest, counters and status. Every operation is atomic and ends with a dispatch:
 * free agents are offered to the callers at the head of the line, so "an agent is free and a caller waits" never
 * lasts past an operation or a sweep. The memory ledger (memory-ledger.ts) serves one process; the store's
 * (lib/store/ledger.ts, one SQL function under one lock) serves every router on a database.
 */
import type { RingEnd, RingFor, QueuePosition, Want } from '../engine/world.js'

/** An agent reserved for a caller; `reservation` tells one reservation from another (notices can be stale). */
export type Reserved = { name: string; dial: string; reservation: number }

/** Agents a dispatch offered a caller. */
export type Assignment = { callId: string; agents: Reserved[] }

/** Something an operation did to an agent that operators must hear of (log line, metric). */
export type AgentNotice =
  | { kind: 'away'; agent: string; noAnswers: number }
  | { kind: 'unreachable'; agent: string; cause: string; untilMs: number }

/** An ask may leave out agents (the ones the caller's hunt already rang): they go to other callers instead. */
export type Place = ({ ask: 'try' | 'queue'; exclude?: string[] } & Want) | 'stay' | 'leave' | 'pause'

export type RouteOp = {
  callId: string
  /** E.164 when known: shown in `queue list`. */
  caller: string
  /** Releases the call's reservations first (all but `keep`), with the effects of how the ring ended. */
  release?: { end: RingEnd; keep?: string }
  /**
   * Then the call's place: ask for an agent (creating the place; `try` gives it up again when nothing is offered,
   * unless the call had a place before), keep it as it is, leave the line (giving back every reservation), or
   * pause (it keeps its place but is offered nobody; its reservations go back).
   */
  place: Place
}

export type RouteResult = {
  /** The agents reserved for this call after the operation. */
  mine: Reserved[]
  /** What the operation's dispatch offered other callers. */
  others: Assignment[]
  notices: AgentNotice[]
  /** When the earliest rest this operation began ends (ms epoch): a dispatch is due then. */
  restEndsAt?: number
  /**
   * The newest reservation number when the operation ended: `mine` is the whole truth about reservations up to it,
   * so a notice of an older reservation that `mine` lacks is stale.
   */
  watermark: number
}

export interface Ledger {
  route(op: RouteOp): Promise<RouteResult>
  position(callId: string): Promise<QueuePosition | undefined>
  /** A dispatch on its own (rests and leases run out without anyone asking): what it offered, and what is offered to callers waiting on this router (notices may be lost). */
  sweep(): Promise<Assignment[]>
}

/** Defaults of the router's settings below (`serve` and `simulate` alike). */
export const DEFAULT_RETRY_DELAY_SECONDS = 10
export const DEFAULT_UNREACHABLE_SECONDS = 60

/** The rests an operation may give agents, in seconds (the router's settings). */
export type RestSettings = {
  /** After no answer, busy or a failure. */
  retryDelaySeconds: number
  /** After a ring that could not reach the agent at all (not registered, no route). */
  unreachableSeconds: number
}

export const sameTarget = (a: RingFor, b: RingFor) =>
  'agent' in a ? 'agent' in b && a.agent === b.agent : 'team' in b && a.team === b.team
