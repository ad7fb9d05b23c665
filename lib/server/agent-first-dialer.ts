/**
 * Serving a callback on FreeSWITCH, agent first (issue 15): `originate` the offered agent through the inbound
 * Event Socket with `&socket(<this router> async full)`, so the answered channel comes back to the outbound-socket
 * server under a one-time token (originated-legs.ts, trace outbound_originated); there the agent hears who is being
 * called back and why, the attempt is counted, and the agent's channel bridges the customer with the number the
 * customer once dialled as caller ID (the same bridge, dial string and outcome reading as a live call's ring:
 * lib/esl/call.ts). Nothing the customer or the IVR supplied reaches a command unchecked: the number is E.164 or
 * it is not dialled, the rest goes through originate's and the bridge's own checks.
 */
import { randomUUID } from 'node:crypto'
import type { RingEnd } from '../engine/world.js'
import type { Offer } from '../engine/world.js'
import { CallEnded } from '../engine/call.js'
import { EslCall, type EslCallOptions } from '../esl/call.js'
import type { OriginateRequest, OriginateResult } from '../esl/originate.js'
import type { AgentFirstDialer, HeldCallback, ServeResult } from '../routing/callback-runner.js'
import type { Prompt } from '../workflow/schema.js'
import { ATTEMPT_VARIABLE, type OriginatedLeg, type OriginatedLegs } from './originated-legs.js'

export type AgentFirstDialerOptions = {
  originate(req: OriginateRequest): Promise<OriginateResult>
  kill(uuid: string): Promise<void>
  legs: OriginatedLegs
  /** This router's outbound-socket server as FreeSWITCH reaches it. */
  socket: { host: string; port: number }
  call: EslCallOptions
  /** The customer's dial string for an E.164 number (`sofia/gateway/carrier/%s`). */
  customerDial(number: string): string
  customerRingSeconds: number
  /** What the agent hears before the customer is called. */
  whisper(callback: HeldCallback): Prompt
  /** What the agent hears when the customer did not answer. */
  unreachedPrompt?: Prompt
  /** How long an answered agent's channel may take to reach the outbound socket. */
  legTimeoutMs?: number
  now?: () => number
}

const E164 = /^\+[1-9][0-9]{5,14}$/
/** How long the agent's channel may take to hang up once told to. */
const HANGUP_WAIT_MS = 5000
/** Agent names as the dial string takes them (lib/esl/dial-string.ts). */
const CUSTOMER = 'customer'

const NO_ANSWER = new Set(['NO_ANSWER', 'NO_USER_RESPONSE', 'ALLOTTED_TIMEOUT', 'PROGRESS_TIMEOUT'])
const BUSY = new Set(['USER_BUSY', 'CALL_REJECTED'])
const UNREACHABLE = new Set([
  'USER_NOT_REGISTERED',
  'NO_ROUTE_DESTINATION',
  'UNALLOCATED_NUMBER',
  'SUBSCRIBER_ABSENT',
  'NO_ROUTE_TRANSIT_NET',
  'INVALID_NUMBER_FORMAT',
])

/** An agent's originate that failed, as the distributor takes a ring's end (its rest and counters follow). */
function agentEnd(cause: string): Exclude<RingEnd, { outcome: 'answered' }> {
  if (NO_ANSWER.has(cause)) return { outcome: 'no-answer', cause }
  if (BUSY.has(cause)) return { outcome: 'busy', cause }
  if (UNREACHABLE.has(cause)) return { outcome: 'unavailable', cause }
  return { outcome: 'failed', cause }
}

type Attempt = {
  agent: string
  token: string
  leg: ReturnType<OriginatedLegs['expect']>
  result: Promise<OriginateResult>
}

export class EslAgentFirstDialer implements AgentFirstDialer {
  readonly #now: () => number

  constructor(private readonly opts: AgentFirstDialerOptions) {
    this.#now = opts.now ?? Date.now
  }

  async serve(callback: HeldCallback, offer: Offer, counted: () => Promise<boolean>): Promise<ServeResult> {
    // Every agent offered rings at once (one, or a ring-all team's free agents); the first to answer takes it.
    const attempts: Attempt[] = offer.targets.map((t) => {
      const token = randomUUID()
      const leg = this.opts.legs.expect(token)
      const result = this.opts
        .originate({
          dial: t.dial,
          variables: {
            ivr_callback: callback.id,
            [ATTEMPT_VARIABLE]: token,
            ivr_agent: t.agent,
            ...(E164.test(callback.number) ? { origination_caller_id_number: callback.number } : {}),
            origination_caller_id_name: 'Callback',
          },
          timeoutSeconds: Math.max(1, Math.round(offer.ringSeconds)),
          then: { socket: this.opts.socket },
        })
        .catch((err: unknown): OriginateResult => ({
          ok: false,
          cause: err instanceof Error ? 'ROUTER_ERROR' : 'UNKNOWN',
        }))
      return { agent: t.agent, token, leg, result }
    })
    const winner = await firstAnswered(attempts)
    // The others: a later answer is hung up, a failure is no longer waited for.
    for (const a of attempts) {
      if (a === winner?.attempt) continue
      void a.result.then((r) => {
        a.leg.cancel()
        if (r.ok) void this.opts.kill(r.uuid).catch(() => {})
      })
    }
    if (!winner) {
      const causes = await Promise.all(attempts.map((a) => a.result))
      const cause = causes.map((r) => (r.ok ? 'UNKNOWN' : r.cause))[0] ?? 'NO_AGENT'
      return { agent: 'unanswered', end: agentEnd(cause) }
    }
    const { attempt, uuid } = winner
    const leg = await withTimeout(attempt.leg.arrived, this.opts.legTimeoutMs ?? 15_000)
    if (!leg) {
      attempt.leg.cancel()
      await this.opts.kill(uuid).catch(() => {})
      return { agent: 'unanswered', end: { outcome: 'failed', cause: 'LEG_NOT_CONNECTED' } }
    }
    try {
      return await this.#talk(callback, attempt.agent, leg, counted)
    } finally {
      // The agent is given back only once the channel is gone: offered on at once, the phone would still be in use.
      await withTimeout(leg.session.ended, HANGUP_WAIT_MS)
      leg.done()
    }
  }

  /** The agent is on the line: whisper, count the attempt, call the customer. */
  async #talk(
    callback: HeldCallback,
    agent: string,
    leg: OriginatedLeg,
    counted: () => Promise<boolean>,
  ): Promise<ServeResult> {
    const answeredAt = this.#now()
    const seconds = () => Math.max(0, (this.#now() - answeredAt) / 1000)
    const call = new EslCall(
      leg.session,
      { uuid: leg.session.uuid, caller: callback.dialed, callerName: 'Callback', dialed: callback.number },
      this.opts.call,
    )
    try {
      await call.play(this.opts.whisper(callback))
    } catch (err) {
      if (!(err instanceof CallEnded)) throw err
      // The agent hung up before the customer was called: nobody took it, no attempt counts.
      return { agent: 'unanswered', end: { outcome: 'failed', cause: 'AGENT_HANGUP' } }
    }
    if (!E164.test(callback.number) || !(await counted())) {
      await call.hangup()
      return { agent: 'answered', name: agent, customer: 'not-ours', agentSeconds: seconds() }
    }
    let ring
    try {
      ring = await call.ring({
        targets: [{ agent: CUSTOMER, dial: this.opts.customerDial(callback.number) }],
        ringSeconds: this.opts.customerRingSeconds,
      })
    } catch (err) {
      if (!(err instanceof CallEnded)) throw err
      return { agent: 'answered', name: agent, customer: 'unreached', cause: 'AGENT_HANGUP', agentSeconds: seconds() }
    }
    if (ring.outcome === 'answered') {
      await call.hangup()
      return { agent: 'answered', name: agent, customer: 'answered', talkSeconds: ring.talkSeconds }
    }
    if (this.opts.unreachedPrompt) await call.play(this.opts.unreachedPrompt).catch(() => {})
    await call.hangup()
    return {
      agent: 'answered',
      name: agent,
      customer: 'unreached',
      cause: ring.cause ?? ring.outcome.toUpperCase(),
      agentSeconds: seconds(),
    }
  }
}

/** The first attempt whose phone answered, or undefined when none did. */
async function firstAnswered(attempts: Attempt[]): Promise<{ attempt: Attempt; uuid: string } | undefined> {
  return new Promise((resolve) => {
    let left = attempts.length
    if (left === 0) return resolve(undefined)
    for (const attempt of attempts)
      void attempt.result.then((r) => {
        if (r.ok) resolve({ attempt, uuid: r.uuid })
        else if (--left === 0) resolve(undefined)
      })
  })
}

function withTimeout<T>(work: Promise<T>, ms: number): Promise<T | undefined> {
  let timer: NodeJS.Timeout | undefined
  return Promise.race([
    work.finally(() => clearTimeout(timer)),
    new Promise<undefined>((resolve) => (timer = setTimeout(() => resolve(undefined), ms))),
  ]).catch(() => undefined)
}
