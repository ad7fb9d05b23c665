/**
 * Events as FreeSWITCH serializes them for the Event Socket (switch_event.c): an ordered list of headers (a value
 * may be an array, `variable_DP_MATCH`) and an optional body, written as plain text with URL-encoded values or as
 * unformatted JSON, inside a `Content-Length` / `Content-Type: text/event-…` frame (mod_event_socket.c).
 */
import { urlEncode } from './url-encode.js'
import type { VarValue } from './variables.js'

export type Header = [name: string, value: VarValue]
export type FsEvent = { name: string; subclass?: string; headers: Header[]; body?: string }
export type EventFormat = 'plain' | 'json'

/** The switch-wide headers every event starts with (`switch_event_prep_for_delivery`). */
export type SwitchIdentity = {
  coreUuid: string
  hostname: string
  switchname: string
  ipv4: string
  ipv6: string
}

/** Where FreeSWITCH 1.10.12 fires each event, as the recorded traces show it. */
const ORIGIN: Record<string, [file: string, func: string, line: number]> = {
  CHANNEL_DATA: ['mod_event_socket.c', 'parse_command', 2021],
  CHANNEL_ORIGINATE: ['switch_core_state_machine.c', 'switch_core_session_run', 632],
  CHANNEL_EXECUTE: ['switch_core_session.c', 'switch_core_session_exec', 2944],
  CHANNEL_EXECUTE_COMPLETE: ['switch_core_session.c', 'switch_core_session_exec', 2967],
  CHANNEL_ANSWER: ['switch_channel.c', 'switch_channel_perform_mark_answered', 3846],
  CHANNEL_PROGRESS_MEDIA: ['switch_channel.c', 'switch_channel_perform_mark_pre_answered', 3560],
  CHANNEL_HANGUP: ['switch_channel.c', 'switch_channel_perform_hangup', 3445],
  CHANNEL_STATE: ['switch_channel.c', 'switch_channel_perform_set_running_state', 2408],
  CHANNEL_HANGUP_COMPLETE: ['switch_core_state_machine.c', 'switch_core_session_reporting_state', 943],
  CHANNEL_PARK: ['switch_ivr.c', 'switch_ivr_park', 1002],
  CHANNEL_UNPARK: ['switch_ivr.c', 'switch_ivr_park', 1213],
  CHANNEL_BRIDGE: ['switch_ivr_bridge.c', 'switch_ivr_multi_threaded_bridge', 1689],
  CHANNEL_UNBRIDGE: ['switch_ivr_bridge.c', 'switch_ivr_multi_threaded_bridge', 1879],
  DTMF: ['switch_channel.c', 'switch_channel_dequeue_dtmf', 677],
  BACKGROUND_JOB: ['mod_event_socket.c', 'api_exec', 1572],
  'CUSTOM vm::maintenance': ['mod_voicemail.c', 'deliver_vm', 2896],
}

const pad = (n: number) => String(n).padStart(2, '0')

/** `Event-Date-Local` as `YYYY-MM-DD HH:MM:SS`; the recorded switch ran on UTC, so does the simulator. */
function localDate(ms: number): string {
  const d = new Date(ms)
  return (
    `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())} ` +
    `${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}`
  )
}

export function eventPrefix(id: SwitchIdentity, name: string, epochMs: number, sequence: number, subclass?: string) {
  const [file, func, line] = ORIGIN[subclass ? `${name} ${subclass}` : name] ?? [
    'switch_event.c',
    'switch_event_fire',
    0,
  ]
  const headers: Header[] = subclass ? [['Event-Subclass', subclass]] : []
  headers.push(
    ['Event-Name', name],
    ['Core-UUID', id.coreUuid],
    ['FreeSWITCH-Hostname', id.hostname],
    ['FreeSWITCH-Switchname', id.switchname],
    ['FreeSWITCH-IPv4', id.ipv4],
    ['FreeSWITCH-IPv6', id.ipv6],
    ['Event-Date-Local', localDate(epochMs)],
    ['Event-Date-GMT', new Date(epochMs).toUTCString()],
    ['Event-Date-Timestamp', String(Math.round(epochMs * 1000))],
    ['Event-Calling-File', file],
    ['Event-Calling-Function', func],
    ['Event-Calling-Line-Number', String(line)],
    ['Event-Sequence', String(sequence)],
  )
  return headers
}

/** `switch_event_serialize` with encoding: `Name: value` lines, empty values as `_undef_`, then a blank line. */
export function serializePlain(headers: Header[], body?: string): string {
  let out = ''
  for (const [name, value] of headers) {
    const text = Array.isArray(value) ? `ARRAY::${value.join('|:')}` : value
    out += `${name}: ${urlEncode(text) || '_undef_'}\n`
  }
  return body ? `${out}Content-Length: ${Buffer.byteLength(body)}\n\n${body}` : `${out}\n`
}

/** `switch_event_serialize_json`: strings and arrays of strings; a body rides as `_body` with its length. */
export function serializeJson(headers: Header[], body?: string): string {
  const object: Record<string, VarValue> = {}
  for (const [name, value] of headers) object[name] = value
  if (body) {
    object['Content-Length'] = String(Buffer.byteLength(body))
    object['_body'] = body
  }
  return JSON.stringify(object)
}

/** One event as the listener writes it: `Content-Length` first, then `Content-Type` (mod_event_socket.c). */
export function eventFrame(event: FsEvent, format: EventFormat): Buffer {
  const body = format === 'json' ? serializeJson(event.headers, event.body) : serializePlain(event.headers, event.body)
  return Buffer.from(`Content-Length: ${Buffer.byteLength(body)}\nContent-Type: text/event-${format}\n\n${body}`)
}
