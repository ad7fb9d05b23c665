/**
 * The channel snapshot FreeSWITCH sends as the reply to `connect` (a CHANNEL_DATA event serialized into the reply's
 * header block), and the URL-decoding shared with `text/event-plain` bodies.
 *
 * FreeSWITCH's switch_url_encode turns each byte outside 0x20–0x7E, and space, CR, LF, the backquote and
 * `# % & + : ; < = > ? @ [ \ ] ^ { | } "`, into %XX, byte by byte, and leaves an existing %XX alone. So a value can
 * hold a lone `%`, or escapes of bytes that are not UTF-8 (a caller ID name from a foreign carrier): decoding never
 * throws, and keeps as sent a run of escapes that is not UTF-8.
 */

/** One header value as FreeSWITCH encoded it. */
export function urlDecode(value: string): string {
  if (!value.includes('%')) return value
  try {
    return decodeURIComponent(value)
  } catch {
    return value.replace(/(?:%[0-9A-Fa-f]{2})+/g, (run) => {
      try {
        return decodeURIComponent(run)
      } catch {
        return run
      }
    })
  }
}

/** `Name: value` lines, URL-encoded values: the name up to the first `: `; lines without one are not headers. */
export function decodeHeaderLines(text: string): Map<string, string> {
  const headers = new Map<string, string>()
  for (const line of text.split('\n')) {
    const colon = line.indexOf(': ')
    if (colon > 0) headers.set(line.slice(0, colon), urlDecode(line.slice(colon + 2)))
  }
  return headers
}

export type ChannelData = {
  /** The channel's Unique-ID: the call's id everywhere. */
  readonly uniqueId: string
  /** Caller-Caller-ID-Number as it arrived ('' when absent): not normalised, not trusted. */
  readonly callerNumber: string
  readonly callerName: string
  /** Caller-Destination-Number, else `sip_req_user` (inline socket dialplans), else ''. */
  readonly destination: string
  /** Channel variables without their `variable_` prefix, decoded. Plain-format arrays stay `ARRAY::a|:b`. */
  readonly variables: ReadonlyMap<string, string>
  /** Any header of the snapshot, decoded. */
  get(header: string): string | undefined
}

/** The first frame was not a channel snapshot: not FreeSWITCH's `socket` application, or a hostile peer. */
export class ChannelDataError extends Error {
  override readonly name = 'ChannelDataError' as const
}

const VARIABLE = 'variable_'

/** Reads the reply to `connect` from its raw frame headers (see frame.ts). */
export function readChannelData(frame: ReadonlyMap<string, string>): ChannelData {
  const headers = new Map<string, string>()
  const variables = new Map<string, string>()
  for (const [name, raw] of frame) {
    const value = urlDecode(raw)
    headers.set(name, value)
    if (name.startsWith(VARIABLE)) variables.set(name.slice(VARIABLE.length), value)
  }
  const uniqueId = headers.get('Unique-ID')
  if (headers.get('Content-Type') !== 'command/reply' || !headers.get('Reply-Text')?.startsWith('+OK')) {
    throw new ChannelDataError(`not a connect reply: ${headers.get('Content-Type')} ${headers.get('Reply-Text')}`)
  }
  if (headers.get('Event-Name') !== 'CHANNEL_DATA' || !uniqueId) {
    throw new ChannelDataError('the connect reply carries no channel (Event-Name, Unique-ID)')
  }
  return {
    uniqueId,
    callerNumber: headers.get('Caller-Caller-ID-Number') ?? '',
    callerName: headers.get('Caller-Caller-ID-Name') ?? '',
    destination: headers.get('Caller-Destination-Number') || variables.get('sip_req_user') || '',
    variables,
    get: (header) => headers.get(header),
  }
}
