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
import type { LegOutcome } from '../script.js'

type Ringing = {
  leg: Leg
  uuid: string
  profile: Profile | undefined
  answers: boolean
  /** Virtual ms after ringing started when the leg answers or fails. */
  endsAt: number
  cause: string
}

const DEFAULT_RING_MS: Record<string, number> = { answer: 2000, busy: 1000, rejected: 500, fail: 100, unavailable: 20 }

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

/** Seconds of ringing allowed: `leg_timeout` ends a leg with ALLOTTED_TIMEOUT, the others with NO_ANSWER. */
function ringLimit(ctx: AppContext, globals: Record<string, string>, leg: Leg): [ms: number, cause: string] {
  const legTimeout = parseInt(leg.vars['leg_timeout'] ?? globals['leg_timeout'] ?? '', 10)
  const overall = parseInt(globals['originate_timeout'] ?? ctx.channel.vars.text('call_timeout') ?? '60', 10) || 60
  if (legTimeout > 0 && legTimeout <= overall) return [legTimeout * 1000, 'ALLOTTED_TIMEOUT']
  return [overall * 1000, 'NO_ANSWER']
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
  const end = await ctx.pause(talkMs)
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

export const bridge: App = {
  media: false,
  async run(ctx, data) {
    const dial = parseDialString(data)
    if (!dial.groups.length) return ctx.problem(`bridge without a target: ${data}`)
    const vars = ctx.channel.vars
    const attempt = ctx.script.nextBridge()
    const outcomes = Array.isArray(attempt.legs) ? attempt.legs : undefined
    let legIndex = 0
    const all: Ringing[] = []
    let finalCause = 'NORMAL_TEMPORARY_FAILURE'
    let winner: Ringing | undefined
    for (const group of dial.groups) {
      const ringing: Ringing[] = group.map((leg) => {
        const e = endpoint(leg.target)
        const outcome = outcomes ? (outcomes[legIndex] ?? 'no-answer') : (attempt.legs as LegOutcome)
        legIndex++
        const [limit, timeoutCause] = ringLimit(ctx, dial.vars, leg)
        const uuid = ctx.newUuid()
        if (e.errorCause !== undefined)
          return { leg, uuid, profile: undefined, answers: false, endsAt: 0, cause: e.errorCause }
        const noChannel = e.user && outcome === 'unavailable'
        const profile = noChannel ? undefined : legProfile(ctx, uuid, leg.target)
        const wanted = outcome === 'no-answer' ? Infinity : (attempt.ringMs ?? DEFAULT_RING_MS[outcome] ?? 1000)
        const endsAt = noChannel ? 0 : Math.min(wanted, limit)
        const answers = outcome === 'answer' && wanted <= limit
        const cause = answers ? 'NONE' : wanted <= limit ? failureCause(outcome, e.user) : timeoutCause
        return { leg, uuid, profile, answers, endsAt, cause }
      })
      const created = ringing.filter((r) => r.profile)
      for (const r of created) {
        ctx.channel.legVars.set(r.uuid, { ...dial.vars, ...r.leg.vars })
        vars.set('originate_signal_bond', r.uuid)
        vars.push('originated_legs', `${r.uuid};Outbound Call;${r.profile!.destinationNumber}`)
      }
      // Transient values while ringing: only a caller hanging up now sees them (trace bridge_hangup).
      vars.set('originate_disposition', 'failure')
      vars.set('DIALSTATUS', 'INVALIDARGS')
      const first = ringing.filter((r) => r.answers).sort((a, b) => a.endsAt - b.endsAt)[0]
      const groupEnd = first ? first.endsAt : Math.max(...ringing.map((r) => r.endsAt))
      if (created.length) {
        ctx.channel.callState = 'RING_WAIT'
        if (!ctx.channel.profile.times.progress) ctx.channel.profile.times.progress = ctx.epochMs() * 1000
      }
      const end = await ctx.pause(groupEnd)
      // A caller hanging up while it rings stays RING_WAIT to the end (trace bridge_hangup).
      if (end !== 'hangup' && ctx.channel.callState === 'RING_WAIT') {
        ctx.channel.callState = ctx.channel.answered ? 'ACTIVE' : 'RINGING'
      }
      if (end === 'hangup') {
        for (const r of ringing) r.cause = 'ORIGINATOR_CANCEL'
        all.push(...ringing)
        finalCause = 'ORIGINATOR_CANCEL'
        break
      }
      for (const r of ringing) if (first && r !== first && r.endsAt >= first.endsAt) r.cause = 'LOSE_RACE'
      all.push(...ringing)
      if (first) {
        winner = first
        break
      }
      finalCause = [...ringing].sort((a, b) => a.endsAt - b.endsAt).pop()!.cause
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
