/**
 * An event from a `text/event-json` or `text/event-plain` frame, parsed only as far as asked.
 *
 * A single-valued header (the event's name, its Application-UUID, a result variable) is found by a search in the
 * body bytes, without decoding or parsing it, so that events stay cheap; the whole body is parsed once only when the
 * search cannot tell (an escaped or array value) or `get` asks for a typed value. A body that is not what FreeSWITCH sends throws EventFormatError from
 * whichever accessor first needs it.
 *
 * Values: JSON has strings, and arrays for multi-valued variables (a one-entry array comes as a string); plain has
 * URL-encoded strings, with arrays written `ARRAY::a|:b`, read here as arrays too.
 */
import { decodeHeaderLines, urlDecode } from './channel-data.js'
import type { Frame } from './frame.js'

export type HeaderValue = string | readonly string[]

export class EventFormatError extends Error {
  override readonly name = 'EventFormatError' as const
}

type Format = 'json' | 'plain'

const ARRAY = 'ARRAY::'
const QUOTE = 0x22
const BACKSLASH = '\\'

export class EslEvent {
  #headers: Map<string, HeaderValue> | undefined

  private constructor(
    readonly format: Format,
    private readonly bytes: Buffer,
  ) {}

  /** The event carried by an event frame; undefined for replies, notices and any other frame. */
  static fromFrame(frame: Frame): EslEvent | undefined {
    const type = frame.headers.get('Content-Type')
    const format = type === 'text/event-json' ? 'json' : type === 'text/event-plain' ? 'plain' : undefined
    if (format === undefined) return undefined
    if (frame.body === undefined) throw new EventFormatError(`${type} frame without a body`)
    return new EslEvent(format, frame.body)
  }

  /** Event-Name, e.g. CHANNEL_EXECUTE_COMPLETE; '' if the body has none. */
  get name(): string {
    return this.text('Event-Name') ?? ''
  }

  /** The event-uuid we gave to sendmsg execute (on CHANNEL_EXECUTE and CHANNEL_EXECUTE_COMPLETE). */
  get applicationUuid(): string | undefined {
    return this.text('Application-UUID')
  }

  get application(): string | undefined {
    return this.text('Application')
  }

  /** `_none_` for most applications; playback says FILE PLAYED, FILE NOT FOUND or PLAYBACK ERROR. */
  get applicationResponse(): string | undefined {
    return this.text('Application-Response')
  }

  get hangupCause(): string | undefined {
    return this.text('Hangup-Cause')
  }

  get dtmfDigit(): string | undefined {
    return this.text('DTMF-Digit')
  }

  /** The event's own body (`_body` in JSON), e.g. a BACKGROUND_JOB's result. */
  get body(): string | undefined {
    // Not among the header lines of a plain event: only the full parse finds it.
    const value = this.get('_body')
    return typeof value === 'string' ? value : undefined
  }

  get(header: string): HeaderValue | undefined {
    this.#headers ??= this.format === 'json' ? parseJson(this.bytes) : parsePlain(this.bytes)
    return this.#headers.get(header)
  }

  /**
   * A header as FreeSWITCH's own string form: an array as `ARRAY::a|:b`, as `${var}` would expand it.
   * Read straight from the bytes when that is certain, so that reading a few results never parses the body.
   */
  text(header: string): string | undefined {
    if (!this.#headers) {
      const found = this.format === 'json' ? findJson(this.bytes, header) : findPlain(this.bytes, header)
      if (found !== null) return found
    }
    const value = this.get(header)
    return typeof value === 'string' || value === undefined ? value : `${ARRAY}${value.join('|:')}`
  }

  /** A channel variable, `variable_<name>`. */
  variable(name: string): HeaderValue | undefined {
    return this.get(`variable_${name}`)
  }

  variableText(name: string): string | undefined {
    return this.text(`variable_${name}`)
  }
}

/**
 * `"Name":"value"` in FreeSWITCH's flat JSON. An unescaped `"Name":"` can only be that key: inside a string every
 * quote is escaped. null when only a full parse can tell (an escape in the value, an array value).
 */
function findJson(bytes: Buffer, header: string): string | undefined | null {
  const key = `"${header}":`
  const at = bytes.indexOf(`${key}"`)
  if (at < 0) return bytes.includes(key) ? null : undefined
  const start = at + key.length + 1
  const end = bytes.indexOf(QUOTE, start)
  if (end < 0) return null
  const value = bytes.toString('utf8', start, end)
  return value.includes(BACKSLASH) ? null : value
}

/** `Name: value` among the header lines (before the first blank line; values have no raw line breaks). */
function findPlain(bytes: Buffer, header: string): string | undefined | null {
  const blank = bytes.indexOf('\n\n')
  const lines = blank < 0 ? bytes : bytes.subarray(0, blank + 1)
  const line = `${header}: `
  const first = lines.toString('latin1', 0, line.length) === line
  const at = first ? 0 : lines.indexOf(`\n${line}`) + 1
  if (at === 0 && !first) return undefined
  const start = at + line.length
  const stop = lines.indexOf(0x0a, start)
  const value = urlDecode(lines.toString('utf8', start, stop < 0 ? lines.length : stop))
  return value.startsWith(ARRAY) ? null : value
}

function parseJson(bytes: Buffer): Map<string, HeaderValue> {
  let parsed: unknown
  try {
    parsed = JSON.parse(bytes.toString('utf8'))
  } catch (err) {
    throw new EventFormatError(`event body is not JSON: ${(err as Error).message}`)
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new EventFormatError('event body is not a JSON object')
  }
  const headers = new Map<string, HeaderValue>()
  for (const [name, value] of Object.entries(parsed)) {
    if (typeof value === 'string') headers.set(name, value)
    else if (Array.isArray(value) && value.every((item) => typeof item === 'string')) headers.set(name, value)
    else throw new EventFormatError(`event header ${name} is neither a string nor strings`)
  }
  return headers
}

/** Header lines, a blank line, and when the event has a body of its own: `Content-Length: n`, blank line, body. */
function parsePlain(bytes: Buffer): Map<string, HeaderValue> {
  const blank = bytes.indexOf('\n\n')
  const decoded = decodeHeaderLines(bytes.toString('utf8', 0, blank < 0 ? bytes.length : blank))
  const headers = new Map<string, HeaderValue>()
  for (const [name, value] of decoded) {
    headers.set(name, value.startsWith(ARRAY) ? value.slice(ARRAY.length).split('|:') : value)
  }
  const length = decoded.get('Content-Length')
  if (length !== undefined) {
    const body = blank < 0 ? Buffer.alloc(0) : bytes.subarray(blank + 2)
    if (!/^\d+$/.test(length) || Number(length) !== body.length) {
      throw new EventFormatError(`event body of ${body.length} bytes, Content-Length ${length}`)
    }
    headers.set('_body', body.toString('utf8'))
  }
  return headers
}
