/**
 * Everything the engine needs from outside the call: time, the directory (schedules, teams,
 * agents, contacts), agent selection, SMS and the record sink. The store implements it for
 * `serve`; the simulator implements it from the files given, in virtual time.
 */
import type { Agent, Contact, Schedule, Team, Workflow } from '../workflow/schema.js'
import type { DialTarget, UnreachableLeg } from './call.js'
import type { CallRecord } from './record.js'
import type { Requester } from './requests.js'

export type Clock = {
  /** Milliseconds since the epoch (virtual in the simulator). */
  now(): number
  /** Resolves after `ms`, or rejects with the signal's reason when aborted. */
  sleep(ms: number, signal?: AbortSignal): Promise<void>
}

export type RingFor = { team: string } | { agent: string }

/** What a caller asks the distributor for: whom, with what priority (higher first, then first come). */
export type Want = { forWhom: RingFor; priority: number }

/**
 * An offer: the agent reserved for this caller to ring now (every free agent at once for a `simultaneous` team,
 * else one), until the seat is told how the ring ended.
 */
export type Offer = {
  targets: DialTarget[]
  /** How long to ring them: the team's `ringSeconds` (20 for an agent alone). */
  ringSeconds: number
}

/** How the ring of an offer ended: what the agents' rest, wrap-up, counters and status follow from. */
export type RingEnd =
  | { outcome: 'answered'; agent: string; talkSeconds: number; unreachable?: UnreachableLeg[] }
  | { outcome: 'no-answer' | 'busy' | 'unavailable' | 'failed'; cause?: string; unreachable?: UnreachableLeg[] }
  /** The caller left while it rang, or the offer was never rung: the agents go back without rest. */
  | { outcome: 'unused'; unreachable?: UnreachableLeg[] }

/**
 * What becomes of the caller's place after a ring: ask for the next agent, other than the ones this hunt already
 * rang (`try`: give up the place when there is none; `queue`: keep it), keep it as it is, or leave.
 */
export type After = ({ ask: 'try' | 'queue'; exclude: string[] } & Want) | 'stay' | 'leave'

export type QueuePosition = {
  /** 1 = the next caller offered an agent of that team (or that agent). */
  position: number
  /** The estimated wait in seconds, from the team's recent hand-offs; absent when there were too few. */
  waitSeconds?: number
}

/**
 * A caller's place with the distributor, from its first ring to the end of its call. Agents are offered one per
 * caller (every free agent for a `simultaneous` team), to the callers in line by priority then arrival, across
 * routers on the database. An offer can come while the caller is not waiting for one (a queued caller between two
 * prompts): the seat keeps it for the next `wait`.
 */
export type Seat = {
  /** Asks for an agent now: an offer when one is free and nobody waits ahead, else undefined (`queue`: the caller keeps its place in line; `try`: it gives it up). */
  request(want: Want, mode: 'try' | 'queue'): Promise<Offer | undefined>
  /** One of the offer's agents answered: the others go back now (unreachable: those their legs could not reach). */
  answered(agent: string, unreachable?: UnreachableLeg[]): Promise<void>
  /** The ring of the current offer ended; then `after`: one round trip for both. */
  finish(end: RingEnd, after: After): Promise<Offer | undefined>
  /** Waits in line: an offer when one comes, 'deadline' at `until` (ms epoch). Rejects when `signal` aborts. */
  wait(until: number, signal: AbortSignal): Promise<Offer | 'deadline'>
  /** The caller keeps its place but holds nobody back (the queued workflow runs); an offer not rung goes back. */
  pause(): Promise<void>
  position(): Promise<QueuePosition | undefined>
  /** The call's routing is over: leaves the line, giving back any offer. Idempotent; the seat is done. */
  leave(): Promise<void>
}

/** A callback asked by a caller (the `callback` action): what the line needs to keep its place and call it back. */
export type CallbackAsk = {
  callId: string
  forWhom: RingFor
  priority: number
  /** The number to call back, E.164. */
  number: string
  /** The caller's number (E.164 when it is one) and the number it dialled (E.164): the callback's caller ID. */
  caller: string
  dialed: string
  /** The fields collected so far: they ride along to the agent. */
  fields: Record<string, string>
  /** Calls to the customer at most, and the pause after one it did not answer. */
  attempts: number
  retrySeconds: number
  /** Callbacks open for that team or agent beyond which no more are taken; absent: no limit. */
  limit?: number
}

export type CallbackTaken = { ok: true; id: string } | { ok: false; reason: 'full' }

export type World = {
  readonly clock: Clock
  /** Default region for numbers written without a country code (ISO 3166 alpha-2, e.g. "KR"). */
  readonly region: string
  schedule(name: string): Schedule | undefined
  team(name: string): Team | undefined
  agent(name: string): Agent | undefined
  /** The contact for an E.164 number, if known. */
  contact(e164: string): Promise<Contact | undefined>
  /** The call's place with the distributor (made when it first asks for an agent). */
  seat(call: { id: string; caller: string }): Seat
  /** The enabled `queued` workflow for a team (or the team-less default), if any. */
  queuedWorkflow(team: string | undefined): Workflow | undefined
  /**
   * Takes a callback in the caller's place in line (kept when it waits in that line, else from now); 'full' when
   * the line holds `limit` open callbacks already. The caller's own place is gone once it is taken.
   */
  requestCallback(ask: CallbackAsk): Promise<CallbackTaken>
  /** Queues an SMS for delivery (the outbox); never throws for the caller's sake. */
  sendSms(sms: { callId: string; to: string; text: string }): Promise<void>
  /** The endpoints of the `http` action; absent: none is configured, every request fails as `unknown-endpoint`. */
  readonly requests?: Requester
  /**
   * A call began: the store writes it as under way, so that a router that dies during it leaves a trace (closed
   * by another router later). Never throws and is not waited for; `record` comes after it for the same call.
   */
  started?(call: CallBegun): void
  /** The call entered a step (the console's board shows it); never throws and is not waited for. */
  stepped?(callId: string, step: CallStep): void
  /** Stores the finished call. Must not lose it (spool when the database is away). */
  record(call: CallRecord): Promise<void>
}

/** What is known of a call when it begins (as its record will say it). */
export type CallBegun = Pick<
  CallRecord,
  'id' | 'caller' | 'callerName' | 'dialed' | 'workflow' | 'version' | 'startedAt'
>

/** A step a call entered, and when (ms epoch). */
export type CallStep = { workflow: string; step: string; at: number }
