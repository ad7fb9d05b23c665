/**
 * `bridge DIALSTRING` (mod_dptools.c, switch_ivr_originate.c, switch_ivr_bridge.c; traces bridge-*,
 * bridge_nocof-plain, bridge_multi, bridge_hangup, hangup_after_bridge_true*). Each attempt takes the next
 * `bridges` entry of the script. The caller's variables change as FreeSWITCH changes them: `originated_legs`
 * and `originate_causes` accumulate, `originate_disposition`/`DIALSTATUS` are reset on every attempt,
 * `originate_failed_cause` and `last_bridge_hangup_cause` keep stale values.
 */
import type { App, AppContext } from './context.js'
import { type Profile, noTimes } from '../channel.js'
import { causeNumber, dialStatus, isCause } from '../causes.js'
import { type Leg, endpoint, parseDialString } from '../dial-string.js'
import type { PhoneLeg } from '../phones.js'
import type { LegOutcome } from '../script.js'

type Ringing = {
  leg: Leg
  uuid: string
  profile: Profile | undefined
  answers: boolean
  /** Virtual ms after the group started ringing when the leg answers or fails. */
  endsAt: number
  cause: string
  /** The leg rang until the bridge's whole time (`originate_timeout`) ran out: the chain stops there. */
  capped: boolean
  /** The agent's phone behind the leg, when the switch has one for its target. */
  phone?: { leg: PhoneLeg; talkMs: number; manual: boolean }
}

/** After a leg rings out its own `leg_timeout`, FreeSWITCH starts the next `|` leg about a second later (trace bridge_chain_timeout). */
const NEXT_LEG_AFTER_TIMEOUT_MS = 1000

const DEFAULT_RING_MS: Record<string, number> = { answer: 2000, busy: 40, rejected: 500, fail: 100, unavailable: 20 }
const PHONE_RING_MS: Record<string, number> = { answer: 200, busy: 40 }

function failureCause(outcome: LegOutcome, user: boolean): string {
  switch (outcome) {
    case 'busy':
      return 'USER_BUSY'
    case 'rejected':
      return 'CALL_REJECTED'
    case 'unavailable':
      return user ? 'USER_NOT_REGISTERED' : 'NO_ROUTE_DESTINATION'
    case 'fail':
      return 'NORMAL_TEMPORARY_FAILURE'
    default:
      return isCause(outcome) ? outcome : 'NORMAL_TEMPORARY_FAILURE'
  }
}

/**
 * How long a leg may ring, from the start of its group: its own `leg_timeout` (ALLOTTED_TIMEOUT, the chain goes
 * on) when that is shorter than what is left of the bridge's `originate_timeout` (or `call_timeout`, or 60 s),
 * counted from the start of the bridge; else what is left (NO_ANSWER, and the chain stops: trace
 * bridge_chain_timeout).
 */
function ringLimit(
  globals: Record<string, string>,
  leg: Leg,
  leftMs: number,
): [ms: number, cause: string, capped: boolean] {
  const legTimeout = parseInt(leg.vars['leg_timeout'] ?? globals['leg_timeout'] ?? '', 10)
  if (legTimeout > 0 && legTimeout * 1000 < leftMs) return [legTimeout * 1000, 'ALLOTTED_TIMEOUT', false]
  return [Math.max(0, leftMs), 'NO_ANSWER', true]
}

/** The bridge's whole time: `originate_timeout`, else the channel's `call_timeout`, else 60 s. */
function overallMs(ctx: AppContext, globals: Record<string, string>): number {
  return (parseInt(globals['originate_timeout'] ?? ctx.channel.vars.text('call_timeout') ?? '60', 10) || 60) * 1000
}

function legProfile(ctx: AppContext, uuid: string, target: string): Profile {
  const e = endpoint(target)
  const caller = ctx.channel.profile
  const at = ctx.epochMs() * 1000
  const profile: Profile = {
    direction: 'outbound',
    logicalDirection: 'inbound',
    dialplan: 'xml',
    callerIdName: caller.callerIdName,
    callerIdNumber: caller.callerIdNumber,
    origCallerIdName: caller.callerIdName,
    origCallerIdNumber: caller.callerIdNumber,
    calleeIdName: e.destination,
    calleeIdNumber: e.destination,
    ani: caller.callerIdNumber,
    destinationNumber: e.destination,
    uniqueId: uuid,
    source: e.source,
    context: e.context,
    channelName: e.channelName,
    times: noTimes(at),
  }
  if (e.networkAddr) profile.networkAddr = e.networkAddr
  return profile
}

/** `switch_channel_handle_cause`: whether a failed bridge leaves the caller up. */
function continues(ctx: AppContext, cause: string): boolean {
  const vars = ctx.channel.vars
  const listed = (list: string) =>
    list.split(',').some((c) => c.trim().toUpperCase() === cause || c.trim() === String(causeNumber(cause)))
  const failureCauses = vars.text('failure_causes')
  const continueOnFail = vars.text('continue_on_fail')
  if (failureCauses && !listed(failureCauses)) return true
  if (continueOnFail) return /^(true|yes|on|enabled|active|allow|1)$/i.test(continueOnFail) || listed(continueOnFail)
  if (!failureCauses) return ['NO_ANSWER', 'NO_USER_RESPONSE', 'ORIGINATOR_CANCEL'].includes(cause)
  return false
}

async function talk(ctx: AppContext, winner: Ringing, talkMs: number, endedBy: 'agent' | 'caller') {
  const vars = ctx.channel.vars
  const bridgeIds: [string, string][] = [
    ['Bridge-A-Unique-ID', ctx.channel.uuid],
    ['Bridge-B-Unique-ID', winner.uuid],
  ]
  ctx.fire('CHANNEL_BRIDGE', { lead: bridgeIds })
  if (winner.phone) ctx.phones?.answered(winner.phone.leg)
  const end = winner.phone ? await ctx.idle(winner.phone.talkMs) : await ctx.pause(talkMs)
  if (winner.phone) ctx.phones?.ended(winner.phone.leg, 'NONE')
  if (end !== 'hangup' && endedBy === 'caller') ctx.callerHangup()
  vars.set('last_bridge_to', winner.uuid)
  vars.set('bridge_channel', winner.profile!.channelName)
  vars.set('bridge_uuid', winner.uuid)
  vars.set('last_sent_callee_id_name', winner.profile!.calleeIdName)
  vars.set('last_sent_callee_id_number', winner.profile!.calleeIdNumber)
  vars.set('last_bridge_hangup_cause', 'NORMAL_CLEARING')
  vars.set('bridge_hangup_cause', 'NORMAL_CLEARING')
  ctx.fire('CHANNEL_UNBRIDGE', { lead: bridgeIds })
  const after = (vars.text('hangup_after_bridge') ?? '').toLowerCase()
  if (ctx.channel.up && (after === 'true' || after === 'explicit')) ctx.hangup('NORMAL_CLEARING')
}

/**
 * Rings one group (the legs joined with `,`) until one answers, all fail, or the caller hangs up. Legs fail at their
 * own time (a busy phone at once, trace bridge_busy_then_answer_rr); a manual phone answers when picked up.
 */
async function ringGroup(ctx: AppContext, ringing: Ringing[]): Promise<Ringing | 'hangup' | undefined> {
  const start = ctx.now()
  const pending = new Set(ringing)
  const phones = ringing.filter((r) => r.phone).length > 0
  let picked: Ringing | undefined
  const manual = ringing.filter((r) => r.phone?.manual)
  const pickedUp = manual.length
    ? Promise.race(manual.map((r) => ctx.phones!.pickedUp(r.phone!.leg).then(() => void (picked ??= r))))
    : undefined
  for (;;) {
    // In whole microseconds: virtual time is a float, and a difference left by rounding would never close.
    const elapsed = Math.round((ctx.now() - start) * 1000) / 1000
    if (picked && pending.has(picked)) {
      picked.answers = true
      picked.endsAt = elapsed
      return picked
    }
    const due = [...pending].filter((r) => r.endsAt <= elapsed)
    for (const r of due.filter((d) => !d.answers)) {
      pending.delete(r)
      if (r.phone) ctx.phones?.ended(r.phone.leg, r.cause)
    }
    const winner = due.filter((d) => d.answers).sort((a, b) => a.endsAt - b.endsAt)[0]
    if (winner) return winner
    if (pending.size === 0) return undefined
    const next = Math.min(...[...pending].map((r) => r.endsAt)) - elapsed
    const end = phones ? await ctx.idle(next, pickedUp) : await ctx.pause(next)
    if (end === 'hangup') {
      for (const r of pending) if (r.phone) ctx.phones?.ended(r.phone.leg, 'ORIGINATOR_CANCEL')
      return 'hangup'
    }
  }
}

export const bridge: App = {
  media: false,
  async run(ctx, data) {
    const dial = parseDialString(data)
    if (!dial.groups.length) return ctx.problem(`bridge without a target: ${data}`)
    const vars = ctx.channel.vars
    const attempt = ctx.script.nextBridge()
    const outcomes = Array.isArray(attempt.legs) ? attempt.legs : undefined
    const started = ctx.now()
    const overall = overallMs(ctx, dial.vars)
    let legIndex = 0
    const all: Ringing[] = []
    let finalCause = 'NORMAL_TEMPORARY_FAILURE'
    let winner: Ringing | undefined
    for (const [g, group] of dial.groups.entries()) {
      const left = overall - (ctx.now() - started)
      if (g > 0 && left <= 0) break
      const ringing: Ringing[] = group.map((leg) => {
        const e = endpoint(leg.target)
        const scripted = outcomes ? (outcomes[legIndex] ?? 'no-answer') : (attempt.legs as LegOutcome)
        legIndex++
        const [limit, timeoutCause, cappedAtLimit] = ringLimit(dial.vars, leg, left)
        // A leg's own `origination_uuid` names its channel (switch_core_session_outgoing_channel).
        const uuid = leg.vars['origination_uuid'] ?? ctx.newUuid()
        const none = { leg, uuid, profile: undefined, answers: false, endsAt: 0, capped: false }
        if (e.errorCause !== undefined) return { ...none, cause: e.errorCause }
        const behaviour = ctx.phones?.behaviour(leg.target)
        const phone = behaviour ? ctx.phones!.start(leg.target, ctx.channel.uuid) : undefined
        const own = behaviour?.outcome ?? 'answer'
        const effective = !phone ? scripted : phone.busy && own !== 'unavailable' ? 'busy' : own
        const noChannel = e.user && effective === 'unavailable'
        const profile = noChannel ? undefined : legProfile(ctx, uuid, leg.target)
        const ringMs = behaviour
          ? (behaviour.ringMs ?? PHONE_RING_MS[effective] ?? 20)
          : (attempt.ringMs ?? DEFAULT_RING_MS[effective] ?? 1000)
        const wanted = effective === 'no-answer' || effective === 'manual' ? Infinity : ringMs
        const endsAt = noChannel ? 0 : Math.min(wanted, limit)
        const answers = effective === 'answer' && wanted <= limit
        const cause = answers ? 'NONE' : wanted <= limit ? failureCause(effective, e.user) : timeoutCause
        const capped = !answers && wanted > limit && cappedAtLimit
        const r: Ringing = { leg, uuid, profile, answers, endsAt, cause, capped }
        if (phone) r.phone = { leg: phone.leg, talkMs: behaviour?.talkMs ?? 1000, manual: effective === 'manual' }
        return r
      })
      const created = ringing.filter((r) => r.profile)
      for (const r of created) {
        ctx.channel.legVars.set(r.uuid, { ...dial.vars, ...r.leg.vars })
        vars.set('originate_signal_bond', r.uuid)
        vars.push('originated_legs', `${r.uuid};Outbound Call;${r.profile!.destinationNumber}`)
      }
      for (const r of ringing) if (r.phone && !r.profile) ctx.phones?.ended(r.phone.leg, r.cause)
      // Transient values while ringing: only a caller hanging up now sees them (trace bridge_hangup).
      vars.set('originate_disposition', 'failure')
      vars.set('DIALSTATUS', 'INVALIDARGS')
      if (created.length) {
        ctx.channel.callState = 'RING_WAIT'
        if (!ctx.channel.profile.times.progress) ctx.channel.profile.times.progress = ctx.epochMs() * 1000
      }
      const first = await ringGroup(ctx, created)
      // A caller hanging up while it rings stays RING_WAIT to the end (trace bridge_hangup).
      if (first !== 'hangup' && ctx.channel.callState === 'RING_WAIT') {
        ctx.channel.callState = ctx.channel.answered ? 'ACTIVE' : 'RINGING'
      }
      if (first === 'hangup') {
        for (const r of ringing) r.cause = 'ORIGINATOR_CANCEL'
        all.push(...ringing)
        finalCause = 'ORIGINATOR_CANCEL'
        break
      }
      for (const r of ringing)
        if (first && r !== first && r.endsAt >= first.endsAt) {
          r.cause = 'LOSE_RACE'
          if (r.phone) ctx.phones?.ended(r.phone.leg, 'LOSE_RACE')
        }
      all.push(...ringing)
      if (first) {
        winner = first
        break
      }
      const last = [...ringing].sort((a, b) => a.endsAt - b.endsAt).pop()!
      finalCause = last.cause
      if (ringing.some((r) => r.capped)) break
      if (g < dial.groups.length - 1 && last.cause === 'ALLOTTED_TIMEOUT') {
        const gap = Math.min(NEXT_LEG_AFTER_TIMEOUT_MS, overall - (ctx.now() - started))
        if ((await ctx.pause(gap)) === 'hangup') {
          finalCause = 'ORIGINATOR_CANCEL'
          break
        }
      }
    }
    const legs = all.filter((r) => r.profile)
    const causes = () => {
      for (const r of legs) vars.push('originate_causes', `${r.uuid};${r.cause}`)
    }
    if (!winner) {
      if (legs.length && finalCause !== 'ORIGINATOR_CANCEL') vars.set('last_bridge_hangup_cause', finalCause)
      vars.set('originate_disposition', finalCause)
      vars.set('DIALSTATUS', dialStatus(finalCause))
      causes()
      vars.set('originate_failed_cause', finalCause)
      if (ctx.channel.up && !continues(ctx, finalCause)) ctx.hangup(finalCause)
      return
    }
    const loser = legs
      .filter((r) => r !== winner)
      .sort((a, b) => a.endsAt - b.endsAt)
      .pop()
    vars.delete('originate_signal_bond')
    if (loser) vars.set('last_bridge_hangup_cause', loser.cause)
    vars.set('originate_disposition', 'SUCCESS')
    vars.set('DIALSTATUS', 'SUCCESS')
    causes()
    vars.set('signal_bond', winner.uuid)
    if (!ctx.channel.answered) ctx.answer()
    const now = ctx.epochMs() * 1000
    const profile = ctx.channel.profile
    profile.calleeIdName = winner.profile!.destinationNumber
    profile.calleeIdNumber = winner.profile!.destinationNumber
    profile.times.bridged = now
    winner.profile!.times.answered = now
    ctx.channel.otherLeg = winner.profile
    await talk(ctx, winner, attempt.talkMs ?? ctx.script.script.talkMs ?? 30000, attempt.endedBy ?? 'agent')
  },
}
