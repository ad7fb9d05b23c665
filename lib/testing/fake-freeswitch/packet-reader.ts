/**
 * What the client sends, read the way mod_event_socket's `read_packet` does: line breaks before a packet are
 * skipped, a packet ends at two `\n` (a `\r` between them does not count), each line is cut at its first `\r`,
 * the first line is the command, later lines are `Name: value` headers (no URL decoding, lines without `:` are
 * dropped), and a `Content-Length` header makes the next bytes the body. A bad length closes the connection.
 */
export type Packet = {
  /** The bytes as received, body included. */
  raw: string
  /** The first line. */
  command: string
  headers: [string, string][]
  body?: string
}

/** FreeSWITCH caps bodies at 16 MiB (MAX_CONTENT_LENGTH, MES:38). */
const MAX_CONTENT_LENGTH = 16 * 1024 * 1024

export class BadPacket extends Error {
  override readonly name = 'BadPacket' as const
}

export class PacketReader {
  #buffer: Buffer = Buffer.alloc(0)

  /** Adds received bytes and returns the packets now complete; throws BadPacket on an invalid Content-Length. */
  push(chunk: Buffer): Packet[] {
    this.#buffer = this.#buffer.length ? Buffer.concat([this.#buffer, chunk]) : chunk
    const packets: Packet[] = []
    for (;;) {
      const packet = this.#next()
      if (!packet) return packets
      packets.push(packet)
    }
  }

  #next(): Packet | undefined {
    let start = 0
    while (start < this.#buffer.length && (this.#buffer[start] === 0x0d || this.#buffer[start] === 0x0a)) start++
    let newlines = 0
    let end = -1
    for (let i = start; i < this.#buffer.length; i++) {
      const b = this.#buffer[i]
      if (b === 0x0a) newlines++
      else if (b !== 0x0d) newlines = 0
      if (newlines === 2) {
        end = i + 1
        break
      }
    }
    if (end < 0) {
      this.#buffer = this.#buffer.subarray(start)
      return undefined
    }
    const lines = this.#buffer
      .subarray(start, end)
      .toString('utf8')
      .split('\n')
      .map((line) => line.split('\r')[0]!)
    const headers: [string, string][] = []
    let length = 0
    for (const line of lines.slice(1)) {
      const colon = line.indexOf(':')
      if (!line || colon < 0) continue
      const value = line.slice(colon + 1).replace(/^ +/, '')
      headers.push([line.slice(0, colon), value])
      if (line.slice(0, colon).toLowerCase() === 'content-length') {
        length = parseInt(value, 10) || 0
        if (length < 0 || length > MAX_CONTENT_LENGTH) throw new BadPacket(`bad Content-Length ${value}`)
      }
    }
    if (this.#buffer.length < end + length) return undefined
    const body = length > 0 ? this.#buffer.subarray(end, end + length).toString('utf8') : undefined
    const raw = this.#buffer.subarray(start, end + length).toString('utf8')
    this.#buffer = this.#buffer.subarray(end + length)
    return { raw, command: lines[0]!, headers, ...(body !== undefined && { body }) }
  }
}

/** Header lookup as `switch_event_get_header`: case-insensitive, first match. */
export function header(packet: Packet, name: string): string | undefined {
  const lower = name.toLowerCase()
  return packet.headers.find(([n]) => n.toLowerCase() === lower)?.[1]
}
