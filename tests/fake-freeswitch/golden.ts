/**
 * Golden comparison with the recorded traces: the commands of `NAME.sent.raw` are sent to the simulator one by
 * one, each followed by as many frames as FreeSWITCH sent for it in `NAME.recv.raw` (from its reply up to the
 * next command's reply), and both sides are reduced to the same structural shape.
 */
import { readFileSync } from 'node:fs'
import { PacketReader, type Packet } from '../../lib/testing/fake-freeswitch/packet-reader.js'
import type { Connection } from './router.js'
import { eventOf, get, readFrames, type Frame } from './frames.js'

const dir = new URL('../fixtures/freeswitch/', import.meta.url)

export type Trace = { commands: Packet[]; segments: Frame[][]; stable: Set<string> }

const isReply = (f: Frame) => ['command/reply', 'api/response'].includes(get(f, 'Content-Type') ?? '')
const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g

/** `from`: the fixtures directory (the fourth batch, the originate traces, lives in its own). */
export function loadTrace(name: string, channelUuid: string, from: URL = dir): Trace {
  const sent = readFileSync(new URL(`${name}.sent.raw`, from))
  const commands = new PacketReader().push(sent)
  const frames = readFrames(readFileSync(new URL(`${name}.recv.raw`, from)))
  const segments: Frame[][] = []
  for (const frame of frames) {
    if (isReply(frame) || !segments.length) segments.push([])
    segments[segments.length - 1]!.push(frame)
  }
  // Ids the client chose (and the channel) must come back as they are; FreeSWITCH's own ids are compared as <uuid>.
  const stable = new Set([channelUuid, ...(sent.toString('utf8').match(UUID) ?? [])])
  return { commands, segments, stable }
}

/** Sends the trace's commands and collects the simulator's frames, segment by segment. */
export async function drive(trace: Trace, connection: Connection, pipelined: number[] = []): Promise<Frame[][]> {
  const got: Frame[][] = []
  const bytes = (packet: Packet) =>
    packet.raw.endsWith('\n\n') || packet.body !== undefined ? packet.raw : `${packet.raw}\n`
  for (const [i, packet] of trace.commands.entries()) {
    // A command recorded in the same write as the one before it was sent with it.
    const next = trace.commands[i + 1]
    if (!pipelined.includes(i)) connection.send(bytes(packet) + (next && pipelined.includes(i + 1) ? bytes(next) : ''))
    const want = trace.segments[i]?.length ?? 0
    if (i < trace.commands.length - 1) got.push(await connection.next(want))
    else {
      // The last segment ends with the close: a lingering FreeSWITCH waits for the client to go away.
      const head = await connection.next(Math.max(0, want - 1))
      connection.socket.end()
      got.push([...head, ...(await connection.rest())])
    }
  }
  return got
}

const KEY_VARIABLES = [
  'read_result',
  'read_terminator_used',
  'ivr_digits',
  'menu',
  'choice',
  'choice_invalid',
  'originate_disposition',
  'DIALSTATUS',
  'originate_failed_cause',
  'last_bridge_hangup_cause',
  'bridge_hangup_cause',
  'continue_on_fail',
  'hangup_after_bridge',
  'voicemail_message_len',
  'voicemail_account',
  'record_seconds',
  'current_application_response',
  'hangup_cause',
  'socket_resume',
  'playback_terminators',
  'playback_terminator_used',
]

const EVENT_FIELDS = [
  'Event-Name',
  'Event-Subclass',
  'Application',
  'Application-Data',
  'Application-Response',
  'Application-UUID',
  'Answer-State',
  'Hangup-Cause',
  'Channel-State',
  'Channel-Call-State',
  'Channel-State-Number',
  'DTMF-Digit',
  'VM-Action',
  'VM-Message-Len',
  'Job-Command',
  'Other-Type',
]

/** A frame reduced to what must match FreeSWITCH: content type, replies, key headers and variables. */
export function shape(frame: Frame, stable: Set<string>): Record<string, unknown> {
  const norm = (text: string) =>
    text.replace(UUID, (id) => (stable.has(id) ? id : '<uuid>')).replace(/127\.0\.0\.1(:|%3A)\d+/g, '127.0.0.1$1<port>')
  const type = get(frame, 'Content-Type') ?? ''
  if (type === 'api/response') return { type, body: norm(frame.body).replace(/^\d+\n$/, '<number>\n') }
  if (type === 'text/disconnect-notice')
    return { headers: frame.headers.map(([n, v]) => `${n}: ${norm(v)}`), body: frame.body }
  if (type === 'command/reply' && !get(frame, 'Event-Name'))
    return { headers: frame.headers.map(([n, v]) => `${n}: ${norm(v)}`) }
  const event = eventOf(frame)
  const out: Record<string, unknown> = { type }
  for (const field of EVENT_FIELDS) if (event[field] !== undefined) out[field] = norm(String(event[field]))
  out['headers'] = Object.keys(event).filter((k) => !k.startsWith('variable_'))
  const vars: Record<string, unknown> = {}
  for (const name of KEY_VARIABLES) if (event[`variable_${name}`] !== undefined) vars[name] = event[`variable_${name}`]
  for (const name of Object.keys(event)) if (/^variable_foo\d+$/.test(name)) vars[name.slice(9)] = event[name]
  out['variables'] = vars
  if (event['_body'] !== undefined) out['body'] = String(event['_body']).replace(/^\d+\n$/, '<number>\n')
  return out
}
