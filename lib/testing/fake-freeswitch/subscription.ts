/**
 * Which events reach the client and in which format: `myevents` (its fixed list, this channel only), `event`,
 * `nixevent`, `noevents` and `filter`, with mod_event_socket's reply texts (MES `parse_command`, `event_handler`).
 */
import type { FsEvent } from './event.js'

/** `myevents` turns on exactly these (MES:2063-2139). */
const MY_EVENTS = [
  'CHANNEL_ANSWER',
  'CHANNEL_APPLICATION',
  'CHANNEL_BRIDGE',
  'CHANNEL_CREATE',
  'CHANNEL_DATA',
  'CHANNEL_DESTROY',
  'CHANNEL_EXECUTE',
  'CHANNEL_EXECUTE_COMPLETE',
  'CHANNEL_HANGUP',
  'CHANNEL_HANGUP_COMPLETE',
  'CHANNEL_ORIGINATE',
  'CHANNEL_UUID',
  'CHANNEL_OUTGOING',
  'CHANNEL_PARK',
  'CHANNEL_PROGRESS',
  'CHANNEL_PROGRESS_MEDIA',
  'CHANNEL_STATE',
  'CHANNEL_UNBRIDGE',
  'CHANNEL_UNPARK',
  'DETECTED_SPEECH',
  'DTMF',
  'NOTALK',
  'TALK',
]

/** switch_event.c EVENT_NAMES. */
const EVENT_NAMES = new Set(
  (
    'CUSTOM CLONE CHANNEL_CREATE CHANNEL_DESTROY CHANNEL_STATE CHANNEL_CALLSTATE CHANNEL_ANSWER CHANNEL_HANGUP ' +
    'CHANNEL_HANGUP_COMPLETE CHANNEL_EXECUTE CHANNEL_EXECUTE_COMPLETE CHANNEL_HOLD CHANNEL_UNHOLD CHANNEL_BRIDGE ' +
    'CHANNEL_UNBRIDGE CHANNEL_PROGRESS CHANNEL_PROGRESS_MEDIA CHANNEL_OUTGOING CHANNEL_PARK CHANNEL_UNPARK ' +
    'CHANNEL_APPLICATION CHANNEL_ORIGINATE CHANNEL_UUID API LOG INBOUND_CHAN OUTBOUND_CHAN STARTUP SHUTDOWN PUBLISH ' +
    'UNPUBLISH TALK NOTALK SESSION_CRASH MODULE_LOAD MODULE_UNLOAD DTMF MESSAGE PRESENCE_IN NOTIFY_IN PRESENCE_OUT ' +
    'PRESENCE_PROBE MESSAGE_WAITING MESSAGE_QUERY ROSTER CODEC BACKGROUND_JOB DETECTED_SPEECH DETECTED_TONE ' +
    'PRIVATE_COMMAND HEARTBEAT TRAP ADD_SCHEDULE DEL_SCHEDULE EXE_SCHEDULE RE_SCHEDULE RELOADXML NOTIFY ' +
    'PHONE_FEATURE PHONE_FEATURE_SUBSCRIBE SEND_MESSAGE RECV_MESSAGE REQUEST_PARAMS CHANNEL_DATA GENERAL COMMAND ' +
    'SESSION_HEARTBEAT CLIENT_DISCONNECTED SERVER_DISCONNECTED SEND_INFO RECV_INFO RECV_RTCP_MESSAGE ' +
    'SEND_RTCP_MESSAGE CALL_SECURE NAT RECORD_START RECORD_STOP PLAYBACK_START PLAYBACK_STOP CALL_UPDATE FAILURE ' +
    'SOCKET_DATA MEDIA_BUG_START MEDIA_BUG_STOP CONFERENCE_DATA_QUERY CONFERENCE_DATA CALL_SETUP_REQ ' +
    'CALL_SETUP_RESULT CALL_DETAIL DEVICE_STATE TEXT SHUTDOWN_REQUESTED CERT_RELOAD ALL'
  ).split(' '),
)

/** `switch_name_event`: a name in any case, optionally prefixed `SWITCH_EVENT_`. */
function eventName(word: string): string | undefined {
  const upper = word.toUpperCase()
  const name = upper.length > 13 && EVENT_NAMES.has(upper.slice(13)) ? upper.slice(13) : upper
  return EVENT_NAMES.has(name) ? name : undefined
}

export type Format = 'plain' | 'json' | 'xml'

export class Subscription {
  format: Format = 'plain'
  enabled = false
  myEvents = false
  #all = false
  #names = new Set<string>()
  #custom = new Set<string>()
  #filters: [string, string][] = []

  constructor(readonly uuid: string) {}

  /** `myevents [plain|json|xml]`; the format word is found anywhere in the line (MES uses strstr). */
  myevents(line: string): string {
    if (this.myEvents) return '-ERR aready enabled.'
    for (const name of MY_EVENTS) this.#names.add(name)
    this.myEvents = true
    this.enabled = true
    if (/xml|XML/.test(line)) this.format = 'xml'
    if (/json|JSON/.test(line)) this.format = 'json'
    return '+OK Events Enabled'
  }

  /** `event [format] NAMES… [CUSTOM subclasses…]`. */
  event(line: string): string {
    const words = line.split(' ').slice(1)
    let keys = 0
    let custom = false
    words.forEach((word, i) => {
      const format = word.toLowerCase()
      if (i === 0 && (format === 'plain' || format === 'json' || format === 'xml')) {
        this.format = format
        return
      }
      if (custom) {
        this.#custom.add(word)
        return
      }
      const name = eventName(word)
      if (!name) return
      keys++
      if (name === 'ALL') this.#all = true
      else this.#names.add(name)
      if (name === 'CUSTOM') custom = true
    })
    if (!keys) return '-ERR no keywords supplied'
    this.enabled = true
    return `+OK event listener enabled ${this.format}`
  }

  nixevent(line: string): string {
    let keys = 0
    let custom = false
    for (const word of line.split(' ').slice(1)) {
      if (custom) {
        this.#custom.delete(word)
        continue
      }
      const name = eventName(word)
      if (!name) continue
      keys++
      if (name === 'CUSTOM') custom = true
      else if (name === 'ALL') {
        this.#all = false
        this.#names.clear()
      } else {
        if (this.#all) {
          this.#all = false
          for (const n of EVENT_NAMES) if (n !== 'ALL') this.#names.add(n)
        }
        this.#names.delete(name)
      }
    }
    if (!keys) return '-ERR no keywords supplied'
    this.enabled = true
    return '+OK events nixed'
  }

  noevents(): string {
    if (!this.enabled) return '-ERR not listening for events'
    this.enabled = false
    this.#all = false
    this.#names.clear()
    this.#custom.clear()
    return '+OK no longer listening for events'
  }

  /** `filter [add] Header value` / `filter delete Header [value]` / `filter delete all`. */
  filter(line: string): string {
    const rest = line.slice(7).replace(/^ +/, '')
    const space = rest.indexOf(' ')
    let name = space < 0 ? rest : rest.slice(0, space)
    let value: string | undefined = space < 0 ? undefined : rest.slice(space + 1)
    if (name.toLowerCase() === 'delete' && value !== undefined) {
      const s = value.indexOf(' ')
      name = s < 0 ? value : value.slice(0, s)
      value = s < 0 ? undefined : value.slice(s + 1)
      if (name.toLowerCase() === 'all') this.#filters = []
      else
        this.#filters = this.#filters.filter(
          ([n, v]) => !(n.toLowerCase() === name.toLowerCase() && (value === undefined || v === value)),
        )
      return `+OK filter deleted. [${name}][${value ?? ''}]`
    }
    if (value === undefined) return '-ERR invalid syntax'
    if (name.toLowerCase() === 'add') {
      const s = value.indexOf(' ')
      name = s < 0 ? value : value.slice(0, s)
      value = s < 0 ? '' : value.slice(s + 1)
    }
    this.#filters.push([name, value])
    return `+OK filter added. [${name}]=[${value}]`
  }

  /** Whether events of this name are subscribed at all (what `accepts` checks first, before any header). */
  lists(name: string, subclass?: string): boolean {
    return this.#all || (this.#names.has(name) && (name !== 'CUSTOM' || !subclass || this.#custom.has(subclass)))
  }

  /** `event_handler`: the list, then the filters, then (with myevents) this channel only. */
  accepts(event: FsEvent): boolean {
    if (!this.enabled) return false
    if (!this.lists(event.name, event.subclass) || !this.#passesFilters(event)) return false
    if (!this.myEvents) return true
    const value = (name: string) => event.headers.find(([n]) => n.toLowerCase() === name.toLowerCase())?.[1]
    return value('Unique-ID') === this.uuid || value('Job-Owner-UUID') === this.uuid
  }

  #passesFilters(event: FsEvent): boolean {
    if (!this.#filters.length) return true
    let send = false
    for (const [name, raw] of this.#filters) {
      const found = event.headers.find(([n]) => n.toLowerCase() === name.toLowerCase())?.[1]
      if (found === undefined) continue
      const value = Array.isArray(found) ? found.join('|') : found
      const positive = !raw.trimStart().startsWith('-')
      const wanted = raw.replace(/^[ +-]+/, '')
      if (send && positive) continue
      const hit = raw.startsWith('/')
        ? new RegExp(wanted.replace(/^\/|\/$/g, '')).test(value)
        : value.toLowerCase() === wanted.toLowerCase()
      if (hit) {
        if (!positive) return false
        send = true
      }
    }
    return send
  }
}
