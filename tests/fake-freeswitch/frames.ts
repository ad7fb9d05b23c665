/**
 * Reads what FreeSWITCH (or the simulator) writes, for the tests: frames found by searching the accumulated
 * buffer for the blank line (so splits anywhere are fine), bodies by Content-Length, and event bodies decoded
 * from JSON or from URL-encoded plain text.
 */
export type Frame = {
  headers: [string, string][]
  body: string
  raw: Buffer
}

export const get = (frame: Frame, name: string): string | undefined =>
  frame.headers.find(([n]) => n.toLowerCase() === name.toLowerCase())?.[1]

export class FrameReader {
  #buffer = Buffer.alloc(0)

  push(chunk: Buffer): Frame[] {
    this.#buffer = Buffer.concat([this.#buffer, chunk])
    const frames: Frame[] = []
    for (;;) {
      const end = this.#buffer.indexOf('\n\n')
      if (end < 0) return frames
      const headers = this.#buffer
        .subarray(0, end)
        .toString('utf8')
        .split('\n')
        .map((line): [string, string] => {
          const colon = line.indexOf(': ')
          return colon < 0 ? [line.replace(/:$/, ''), ''] : [line.slice(0, colon), line.slice(colon + 2)]
        })
      const length = parseInt(headers.find(([n]) => n === 'Content-Length')?.[1] ?? '0', 10)
      if (this.#buffer.length < end + 2 + length) return frames
      const raw = this.#buffer.subarray(0, end + 2 + length)
      frames.push({ headers, body: raw.subarray(end + 2).toString('utf8'), raw })
      this.#buffer = this.#buffer.subarray(end + 2 + length)
    }
  }

  get rest(): number {
    return this.#buffer.length
  }
}

export function readFrames(bytes: Buffer): Frame[] {
  return new FrameReader().push(bytes)
}

export type EventData = Record<string, string | string[]>

const decode = (value: string) => {
  try {
    return decodeURIComponent(value)
  } catch {
    return value
  }
}

/** The headers of an event frame (or of the connect reply), values decoded. */
export function eventOf(frame: Frame): EventData {
  const type = get(frame, 'Content-Type')
  if (type === 'text/event-json') return JSON.parse(frame.body) as EventData
  const text = type === 'text/event-plain' ? frame.body.split('\n\n')[0]! : frame.raw.toString('utf8').split('\n\n')[0]!
  const data: EventData = {}
  for (const line of text.split('\n')) {
    const colon = line.indexOf(': ')
    if (colon < 0) continue
    const value = decode(line.slice(colon + 2))
    data[line.slice(0, colon)] = value.startsWith('ARRAY::') ? value.slice(7).split('|:') : value
  }
  return data
}

export const isEvent = (frame: Frame) => (get(frame, 'Content-Type') ?? '').startsWith('text/event-')
