/**
 * Everything the engine needs from outside the call: time, the directory (schedules, teams,
 * agents, contacts), agent selection, SMS and the record sink. The store implements it for
 * `serve`; the simulator implements it from the files given, in virtual time.
 */
import type { Agent, Contact, Schedule, Team, Workflow } from '../workflow/schema.js'
import type { DialTarget } from './call.js'
import type { CallRecord } from './record.js'

export type Clock = {
  /** Milliseconds since the epoch (virtual in the simulator). */
  now(): number
  /** Resolves after `ms`, or rejects with the signal's reason when aborted. */
  sleep(ms: number, signal?: AbortSignal): Promise<void>
}

/** Who to ring now for a team or an agent, already reserved for this call. */
export type RingPlan = {
  targets: DialTarget[]
  mode: 'simultaneous' | 'sequential'
  legSeconds: number
  /** One agent answered: the others are free at once, the answering one stays reserved while they talk. */
  answered(agent: string): Promise<void>
  /**
   * Ends the reservation (after the bridge ends, or when ringing failed). Idempotent. `unanswered`: the ring
   * ended with no answer or busy, so the agents rung rest for the world's retry delay before they ring again
   * (a busy phone is not rung every second for the same queued caller).
   */
  release(unanswered?: boolean): Promise<void>
}

export type RingFor = { team: string } | { agent: string }

/**
 * A caller's place in the queue, from entering it to leaving it. Agents are offered to queued callers
 * first come, first served (across routers on the database).
 */
export type QueuePlace = {
  /** Whom the caller waits for now, and whether it waits (false while the queued workflow runs). */
  update(forWhom: RingFor, waiting: boolean): Promise<void>
  /** 1 = the next caller offered an agent of that team (or that agent); undefined when not known. */
  position(): Promise<number | undefined>
  /** Leaves the queue (answered, hung up, ended by the queued workflow). Idempotent. */
  leave(): Promise<void>
}

export type World = {
  readonly clock: Clock
  /** Default region for numbers written without a country code (ISO 3166 alpha-2, e.g. "KR"). */
  readonly region: string
  schedule(name: string): Schedule | undefined
  team(name: string): Team | undefined
  agent(name: string): Agent | undefined
  /** The contact for an E.164 number, if known. */
  contact(e164: string): Promise<Contact | undefined>
  /** Picks and reserves the agents to ring for this call, in the team's strategy order. */
  ringPlan(callId: string, forWhom: RingFor): Promise<RingPlan>
  /** The caller enters the queue for a team or an agent (it waits with `waitForAgent`). */
  joinQueue(call: { id: string; caller: string }, forWhom: RingFor): Promise<QueuePlace>
  /**
   * Waits while the call is queued for a team or an agent: resolves 'maybe-free' when an agent may have
   * become free (ring again), 'deadline' at `until` (ms epoch). Rejects when `signal` aborts.
   */
  waitForAgent(forWhom: RingFor, until: number, signal: AbortSignal): Promise<'maybe-free' | 'deadline'>
  /** The enabled `queued` workflow for a team (or the team-less default), if any. */
  queuedWorkflow(team: string | undefined): Workflow | undefined
  /** Queues an SMS for delivery (the outbox); never throws for the caller's sake. */
  sendSms(sms: { callId: string; to: string; text: string }): Promise<void>
  /** Stores the finished call. Must not lose it (spool when the database is away). */
  record(call: CallRecord): Promise<void>
}
