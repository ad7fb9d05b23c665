/**
 * Test helper: the FreeSWITCH 1.10.12 traces in `tests/fixtures/freeswitch/` (the `.raw` files of the shared fixtures, copied verbatim;
 * their README describes each scenario) and a reference framer that reads a whole trace the obvious way.
 */
import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'

const DIR = join(import.meta.dirname, '../fixtures/freeswitch')

export const traceNames: readonly string[] = readdirSync(DIR)
  .filter((file) => file.endsWith('.recv.raw'))
  .map((file) => file.slice(0, -'.recv.raw'.length))
  .sort()

/** Bytes FreeSWITCH sent to the listener. */
export const received = (name: string): Buffer => readFileSync(join(DIR, `${name}.recv.raw`))

/** Bytes the listener sent to FreeSWITCH. */
export const sent = (name: string): Buffer => readFileSync(join(DIR, `${name}.sent.raw`))

export type RefFrame = {
  /** Offsets of the frame in the trace: header block, blank line, body. */
  start: number
  end: number
  /** Length of the header block without its terminating blank line. */
  headerLength: number
  /** Name up to the first `: `, value after it; lines without `: ` are not headers. */
  headers: Map<string, string>
  /** Present exactly when the frame has a Content-Length. */
  body: Buffer | undefined
}

/** Header block up to the first blank line, then `Content-Length` body bytes; the trace must end on a frame end. */
export function referenceFrames(trace: Buffer): RefFrame[] {
  const frames: RefFrame[] = []
  let start = 0
  while (start < trace.length) {
    const blank = trace.indexOf('\n\n', start)
    if (blank < 0) throw new Error(`trace ends inside a header block at ${start}`)
    const headers = new Map<string, string>()
    for (const line of trace.toString('utf8', start, blank).split('\n')) {
      const colon = line.indexOf(': ')
      if (colon >= 0) headers.set(line.slice(0, colon), line.slice(colon + 2))
    }
    const length = headers.get('Content-Length')
    const bodyStart = blank + 2
    const end = length === undefined ? bodyStart : bodyStart + Number(length)
    if (end > trace.length) throw new Error(`trace ends inside a body at ${start}`)
    const body = length === undefined ? undefined : trace.subarray(bodyStart, end)
    frames.push({ start, end, headerLength: blank - start, headers, body })
    start = end
  }
  return frames
}

/** The bytes of a trace cut at the given increasing offsets. */
export function cut(trace: Buffer, offsets: readonly number[]): Buffer[] {
  const chunks: Buffer[] = []
  let from = 0
  for (const offset of offsets) {
    if (offset > from) chunks.push(trace.subarray(from, offset))
    from = Math.max(from, offset)
  }
  if (from < trace.length) chunks.push(trace.subarray(from))
  return chunks
}

/** The chunks as a socket would deliver them (one resolved promise per chunk: the tests feed millions). */
export function asStream(chunks: readonly Buffer[]): AsyncIterable<Buffer> {
  return {
    [Symbol.asyncIterator]: () => {
      let next = 0
      return {
        next: async () => {
          const value = chunks[next++]
          return value === undefined ? { done: true, value } : { done: false, value }
        },
      }
    },
  }
}

export type SentCommand = {
  /** The command line, e.g. `sendmsg` or `api uuid_break … all`. */
  line: string
  /** Header lines in order, split at the first `: `. */
  headers: [string, string][]
  body: string | undefined
  /** The command exactly as sent. */
  bytes: string
}

/** The commands of a `.sent.raw` trace: a line, headers, a blank line, and a body when there is a content-length. */
export function sentCommands(raw: Buffer): SentCommand[] {
  const text = raw.toString('utf8')
  const commands: SentCommand[] = []
  for (let at = 0; at < text.length;) {
    const blank = text.indexOf('\n\n', at)
    if (blank < 0) throw new Error(`sent trace ends inside a command at ${at}`)
    const [line = '', ...rest] = text.slice(at, blank).split('\n')
    const headers = rest.map((header): [string, string] => {
      const colon = header.indexOf(': ')
      return colon < 0 ? [header, ''] : [header.slice(0, colon), header.slice(colon + 2)]
    })
    const length = headers.find(([name]) => name.toLowerCase() === 'content-length')?.[1]
    const end = blank + 2 + (length === undefined ? 0 : Number(length))
    commands.push({
      line,
      headers,
      body: length === undefined ? undefined : text.slice(blank + 2, end),
      bytes: text.slice(at, end),
    })
    at = end
  }
  return commands
}
