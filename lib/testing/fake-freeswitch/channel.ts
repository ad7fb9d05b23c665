/**
 * The simulated FreeSWITCH channel: caller profile, call state and variables, and the header blocks FreeSWITCH
 * adds to every channel event (`switch_caller_profile_event_set_data`, `switch_channel_event_set_basic_data`,
 * switch_channel.c). The initial shape copies the recorded loopback channel of the traces (`basic-json`).
 */
import type { Header } from './event.js'
import { Variables } from './variables.js'

/** Microsecond timestamps of the caller profile (0 = never). */
export type ProfileTimes = {
  profileCreated: number
  created: number
  answered: number
  progress: number
  progressMedia: number
  hangup: number
  transfer: number
  resurrect: number
  bridged: number
  lastHold: number
  holdAccum: number
}

export type Profile = {
  direction: string
  logicalDirection: string
  dialplan: string
  callerIdName: string
  callerIdNumber: string
  origCallerIdName: string
  origCallerIdNumber: string
  calleeIdName: string
  calleeIdNumber: string
  networkAddr?: string
  ani: string
  destinationNumber: string
  uniqueId: string
  source: string
  context: string
  channelName: string
  times: ProfileTimes
}

export const noTimes = (at: number): ProfileTimes => ({
  profileCreated: at,
  created: at,
  answered: 0,
  progress: 0,
  progressMedia: 0,
  hangup: 0,
  transfer: 0,
  resurrect: 0,
  bridged: 0,
  lastHold: 0,
  holdAccum: 0,
})

/** The caller profile under a prefix: `Channel-` (connect reply), `Caller-`, or `Other-Leg-` (no profile index). */
export function profileHeaders(prefix: string, p: Profile, profileIndex?: string): Header[] {
  const h: Header[] = [
    [`${prefix}Direction`, p.direction],
    [`${prefix}Logical-Direction`, p.logicalDirection],
    [`${prefix}Dialplan`, p.dialplan],
  ]
  // `switch_caller_profile_event_set_data` leaves out empty fields; an originate without a caller name has none
  // (trace outbound_originated).
  const ids: [string, string][] = [
    ['Caller-ID-Name', p.callerIdName],
    ['Caller-ID-Number', p.callerIdNumber],
    ['Orig-Caller-ID-Name', p.callerIdName && p.origCallerIdName],
    ['Orig-Caller-ID-Number', p.callerIdNumber && p.origCallerIdNumber],
    ['Callee-ID-Name', p.calleeIdName],
    ['Callee-ID-Number', p.calleeIdNumber],
  ]
  for (const [name, value] of ids) if (value) h.push([`${prefix}${name}`, value])
  if (p.networkAddr) h.push([`${prefix}Network-Addr`, p.networkAddr])
  h.push(
    [`${prefix}ANI`, p.ani],
    [`${prefix}Destination-Number`, p.destinationNumber],
    [`${prefix}Unique-ID`, p.uniqueId],
    [`${prefix}Source`, p.source],
    [`${prefix}Context`, p.context],
    [`${prefix}Channel-Name`, p.channelName],
  )
  if (profileIndex) h.push([`${prefix}Profile-Index`, profileIndex])
  const t = p.times
  h.push(
    [`${prefix}Profile-Created-Time`, String(t.profileCreated)],
    [`${prefix}Channel-Created-Time`, String(t.created)],
    [`${prefix}Channel-Answered-Time`, String(t.answered)],
    [`${prefix}Channel-Progress-Time`, String(t.progress)],
    [`${prefix}Channel-Progress-Media-Time`, String(t.progressMedia)],
    [`${prefix}Channel-Hangup-Time`, String(t.hangup)],
    [`${prefix}Channel-Transfer-Time`, String(t.transfer)],
    [`${prefix}Channel-Resurrect-Time`, String(t.resurrect)],
    [`${prefix}Channel-Bridged-Time`, String(t.bridged)],
    [`${prefix}Channel-Last-Hold`, String(t.lastHold)],
    [`${prefix}Channel-Hold-Accum`, String(t.holdAccum)],
    [`${prefix}Screen-Bit`, 'true'],
    [`${prefix}Privacy-Hide-Name`, 'false'],
    [`${prefix}Privacy-Hide-Number`, 'false'],
  )
  return h
}

export type AnswerState = 'ringing' | 'early' | 'answered' | 'hangup'

export class Channel {
  readonly vars = new Variables()
  state = 'CS_EXECUTE'
  stateNumber = 4
  callState = 'RINGING'
  answerState: AnswerState = 'ringing'
  /** `Channel-HIT-Dialplan`: false on an originated leg until it runs an application (trace inbound_originate). */
  hitDialplan = true
  hangupCause: string | undefined
  /** Told when the channel hangs up (an originated agent's phone is free again then, not when its socket closes). */
  onHangup: (() => void) | undefined
  /** The bridged (or last bridged) leg; FreeSWITCH keeps reporting it on every later event. */
  otherLeg: Profile | undefined
  /** The variables of the legs a bridge created (`{…}` and `[…]` of the dial string), by leg uuid, for `uuid_getvar`. */
  readonly legVars = new Map<string, Record<string, string>>()

  constructor(readonly profile: Profile) {}

  get uuid(): string {
    return this.profile.uniqueId
  }

  get name(): string {
    return this.profile.channelName
  }

  get up(): boolean {
    return this.hangupCause === undefined
  }

  get answered(): boolean {
    return this.profile.times.answered !== 0
  }

  /** `switch_channel_event_set_basic_data`; the HANGUP_COMPLETE event carries Hangup-Cause in front instead. */
  basicHeaders(withHangupCause = true): Header[] {
    const h: Header[] = [
      ['Channel-State', this.state],
      ['Channel-Call-State', this.callState],
      ['Channel-State-Number', String(this.stateNumber)],
      ['Channel-Name', this.name],
      ['Unique-ID', this.uuid],
      ['Call-Direction', this.profile.direction],
      ['Presence-Call-Direction', this.profile.direction],
      ['Channel-HIT-Dialplan', String(this.hitDialplan)],
      ['Channel-Call-UUID', this.uuid],
      ['Answer-State', this.answerState],
    ]
    if (withHangupCause && this.hangupCause) h.push(['Hangup-Cause', this.hangupCause])
    h.push(
      ['Channel-Read-Codec-Name', 'L16'],
      ['Channel-Read-Codec-Rate', '8000'],
      ['Channel-Read-Codec-Bit-Rate', '128000'],
      ['Channel-Write-Codec-Name', 'L16'],
      ['Channel-Write-Codec-Rate', '8000'],
      ['Channel-Write-Codec-Bit-Rate', '128000'],
      ...profileHeaders('Caller-', this.profile, '1'),
    )
    if (this.otherLeg) h.push(['Other-Type', 'originatee'], ...profileHeaders('Other-Leg-', this.otherLeg))
    return h
  }

  variableHeaders(): Header[] {
    return this.vars.entries().map(([name, value]) => [`variable_${name}`, value])
  }

  /** `switch_caller_get_field_by_name`: what `getvar` and `${…}` find when no variable has the name. */
  profileField(name: string): string | undefined {
    const p = this.profile
    const fields: Record<string, string | undefined> = {
      dialplan: p.dialplan,
      caller_id_name: p.callerIdName,
      caller_id_number: p.callerIdNumber,
      orig_caller_id_name: p.origCallerIdName,
      orig_caller_id_number: p.origCallerIdNumber,
      callee_id_name: p.calleeIdName,
      callee_id_number: p.calleeIdNumber,
      network_addr: p.networkAddr,
      ani: p.ani,
      destination_number: p.destinationNumber,
      uuid: p.uniqueId,
      source: p.source,
      context: p.context,
      chan_name: p.channelName,
      profile_index: '1',
    }
    return fields[name.toLowerCase()] || undefined
  }
}
