/**
 * The channels an `originate` creates, as trace inbound_originate shows them: the A leg (the originated channel,
 * whose uuid the originate returns: `Call-Direction: outbound`, `variable_is_outbound`, the `{…}` variables,
 * `originate_early_media`, `originate_endpoint`) and, for a loopback target, its B leg (the `-b` channel that runs
 * the target's dialplan: inbound, the `{…}` variables too). On answer loopback flips the A leg's caller ID to its
 * callee (`Outbound Call` / `default`: `channel_cid_flipped`, `pre_transfer_caller_id_*`), which is why the
 * socket's connect data of an originated channel shows `Caller-Caller-ID-Number: default` (trace
 * outbound_originated).
 */
import { setCdrVariables } from './cdr.js'
import { Channel, noTimes, type Profile } from './channel.js'
import type { Endpoint } from './dial-string.js'
import { eventPrefix, type FsEvent, type Header, type SwitchIdentity } from './event.js'

export type LegHost = {
  identity: SwitchIdentity
  nextSequence(): number
  nextSessionId(): number
  /** Wall-clock milliseconds of the simulated switch now. */
  epochMs(): number
  emit(event: FsEvent): void
}

export type LegSpec = {
  uuid: string
  /** The other loopback leg's uuid; undefined for a target that is one channel (sofia, user …). */
  other: string | undefined
  endpoint: Endpoint
  /** `originate_endpoint`: the endpoint module's name (`loopback`, `user`, `sofia`). */
  module: string
  vars: [string, string][]
  cidName: string
  cidNum: string
}

const CODECS: [string, string][] = [
  ['read_codec', 'L16'],
  ['read_rate', '8000'],
  ['write_codec', 'L16'],
  ['write_rate', '8000'],
]

function profile(spec: LegSpec, uuid: string, channelName: string, direction: string, atUs: number): Profile {
  return {
    direction,
    logicalDirection: direction,
    dialplan: 'xml',
    callerIdName: spec.cidName,
    callerIdNumber: spec.cidNum,
    origCallerIdName: spec.cidName,
    origCallerIdNumber: spec.cidNum,
    calleeIdName: 'Outbound Call',
    calleeIdNumber: spec.endpoint.context,
    ani: spec.cidNum,
    destinationNumber: spec.endpoint.destination,
    uniqueId: uuid,
    source: spec.endpoint.source,
    context: spec.endpoint.context,
    channelName,
    times: noTimes(atUs),
  }
}

/** The originated channel, ringing (CS_INIT, DOWN): what CHANNEL_ORIGINATE shows. */
export function aLeg(spec: LegSpec, host: LegHost): Channel {
  const channel = new Channel(
    profile(spec, spec.uuid, spec.endpoint.channelName, 'outbound', Math.round(host.epochMs() * 1000)),
  )
  channel.state = 'CS_INIT'
  channel.stateNumber = 2
  channel.callState = 'DOWN'
  channel.hitDialplan = false
  const vars = channel.vars
  vars.set('direction', 'outbound')
  vars.set('is_outbound', 'true')
  vars.set('uuid', spec.uuid)
  vars.set('call_uuid', spec.uuid)
  vars.set('session_id', String(host.nextSessionId()))
  for (const [k, v] of CODECS) vars.set(k, v)
  vars.set('channel_name', spec.endpoint.channelName)
  for (const [k, v] of spec.vars) vars.set(k, v)
  vars.set('originate_early_media', 'true')
  vars.set('originate_endpoint', spec.module)
  if (spec.other) {
    vars.set('other_loopback_leg_uuid', spec.other)
    vars.set('loopback_leg', 'A')
  }
  return channel
}

/** The loopback `-b` leg: inbound, already in its dialplan (CS_EXECUTE, RINGING). */
export function bLeg(spec: LegSpec, host: LegHost): Channel {
  const uuid = spec.other!
  const name = spec.endpoint.channelName.replace(/-a$/, '-b')
  const channel = new Channel(profile(spec, uuid, name, 'inbound', Math.round(host.epochMs() * 1000)))
  const vars = channel.vars
  vars.set('direction', 'inbound')
  vars.set('uuid', uuid)
  vars.set('session_id', String(host.nextSessionId()))
  vars.set('channel_name', name)
  for (const [k, v] of CODECS) vars.set(k, v)
  for (const [k, v] of spec.vars) vars.set(k, v)
  vars.set('other_loopback_leg_uuid', spec.uuid)
  vars.set('loopback_leg', 'B')
  vars.set('call_uuid', uuid)
  return channel
}

/** Fires a channel event with every variable (switch_channel_event_set_data). */
export function fireOn(host: LegHost, channel: Channel, name: string, lead: Header[] = []): void {
  host.emit({
    name,
    headers: [
      ...eventPrefix(host.identity, name, host.epochMs(), host.nextSequence()),
      ...lead,
      ...channel.basicHeaders(name !== 'CHANNEL_HANGUP_COMPLETE'),
      ...channel.variableHeaders(),
    ],
  })
}

/** `switch_channel_perform_mark_answered` on the A leg (CS_CONSUME_MEDIA while originate waits) and the B leg. */
export function markAnswered(host: LegHost, a: Channel, b: Channel | undefined): void {
  const us = Math.round(host.epochMs() * 1000)
  a.profile.times.answered = us
  a.answerState = 'answered'
  a.state = 'CS_CONSUME_MEDIA'
  a.stateNumber = 7
  fireOn(host, a, 'CHANNEL_ANSWER')
  if (b) {
    b.profile.times.answered = us
    b.answerState = 'answered'
    b.vars.set('current_application', 'answer')
    fireOn(host, b, 'CHANNEL_ANSWER')
    b.vars.set('endpoint_disposition', 'ANSWER')
  }
  a.vars.set('endpoint_disposition', 'ANSWER')
  if (b) {
    // mod_loopback flips the A leg's caller ID to the B leg's callee once it answers.
    const p = a.profile
    a.vars.set('pre_transfer_caller_id_name', p.callerIdName)
    a.vars.set('pre_transfer_caller_id_number', p.callerIdNumber)
    a.vars.set('channel_cid_flipped', 'yes')
    ;[p.callerIdName, p.callerIdNumber, p.calleeIdName, p.calleeIdNumber] = [
      p.calleeIdName,
      p.calleeIdNumber,
      p.callerIdName,
      p.callerIdNumber,
    ]
  }
  a.vars.set('call_uuid', a.uuid)
  // The originate returns and the channel runs its application.
  a.state = 'CS_EXECUTE'
  a.stateNumber = 4
  a.callState = 'ACTIVE'
  a.hitDialplan = true
}

/** The channel is gone: CS_REPORTING, the CDR variables, CHANNEL_HANGUP_COMPLETE. */
export function hangupComplete(
  host: LegHost,
  channel: Channel,
  cause: string,
  loopback: boolean,
  lastApp?: { name: string },
): void {
  channel.hangupCause ??= cause
  channel.answerState = 'hangup'
  channel.state = 'CS_REPORTING'
  channel.stateNumber = 11
  channel.callState = 'HANGUP'
  channel.profile.times.hangup = Math.round(host.epochMs() * 1000)
  setCdrVariables(channel, lastApp)
  if (loopback) channel.vars.set('is_loopback', '1')
  fireOn(host, channel, 'CHANNEL_HANGUP_COMPLETE', [['Hangup-Cause', channel.hangupCause]])
}
