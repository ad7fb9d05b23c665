/**
 * A loopback TCP proxy between the router and PostgreSQL that counts round trips on the wire: each frontend
 * `Query` ('Q') or `Sync` ('S') message is one request the router waits on (the extended protocol ends each
 * statement with a Sync). Counting outside the router means the figure cannot flatter it.
 */
import { createConnection, createServer, type Server, type Socket } from 'node:net'

/** What a statement does, read from its text (the router's functions and tables). */
function kindOf(text: string): string {
  const named =
    /\b(ivr_route|ivr_sweep|insert into calls_in_progress|insert into "?calls"?|update agents set lease_until|listen|unlisten|select 1)\b/i.exec(
      text,
    )
  return named ? named[1]!.toLowerCase().replace(/"/g, '') : 'other'
}

export class PgWireCounter {
  roundTrips = 0
  /** Round trips by what their statement did (`ivr_route`, `ivr_sweep`, `insert into calls` …). */
  readonly byKind = new Map<string, number>()
  connections = 0
  readonly #server: Server
  readonly #sockets = new Set<Socket>()

  private constructor(server: Server) {
    this.#server = server
  }

  /** Listens on a free loopback port and forwards to `target` (host:port). */
  static async start(target: { host: string; port: number }): Promise<{ counter: PgWireCounter; port: number }> {
    // No Nagle on either hop: a message split over two writes would wait for the peer's delayed ACK (40 ms).
    const server = createServer({ noDelay: true }, (client) => counter.#pipe(client, target))
    const counter = new PgWireCounter(server)
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    return { counter, port: (server.address() as { port: number }).port }
  }

  #pipe(client: Socket, target: { host: string; port: number }): void {
    this.connections++
    const upstream = createConnection({ ...target, noDelay: true })
    for (const s of [client, upstream]) {
      this.#sockets.add(s)
      s.on('close', () => this.#sockets.delete(s))
      s.on('error', () => {})
    }
    client.on('close', () => upstream.destroy())
    upstream.on('close', () => client.destroy())
    upstream.pipe(client)
    // The startup message has no type byte; every later frontend message is type (1) + length (4) + body.
    let started = false
    let buffered: Buffer = Buffer.alloc(0)
    /** The text of the statement the next Sync ends (extended protocol: Parse carries it). */
    let pending = 'other'
    client.on('data', (chunk: Buffer) => {
      upstream.write(chunk)
      buffered = buffered.length === 0 ? chunk : Buffer.concat([buffered, chunk])
      for (;;) {
        if (!started) {
          if (buffered.length < 4) break
          const length = buffered.readInt32BE(0)
          if (buffered.length < length) break
          buffered = buffered.subarray(length)
          started = true
          continue
        }
        if (buffered.length < 5) break
        const length = buffered.readInt32BE(1)
        if (buffered.length < 1 + length) break
        const type = buffered[0]
        if (type === 0x50 /* P: name \0 query \0 … */) {
          const body = buffered.subarray(5, 1 + length)
          const nameEnd = body.indexOf(0)
          pending = kindOf(body.subarray(nameEnd + 1, body.indexOf(0, nameEnd + 1)).toString('utf8'))
        }
        if (type === 0x51 /* Q: query \0 */) pending = kindOf(buffered.subarray(5, length).toString('utf8'))
        if (type === 0x51 || type === 0x53 /* S */) {
          this.roundTrips++
          this.byKind.set(pending, (this.byKind.get(pending) ?? 0) + 1)
          pending = 'other'
        }
        buffered = buffered.subarray(1 + length)
      }
    })
  }

  async close(): Promise<void> {
    for (const s of this.#sockets) s.destroy()
    await new Promise<void>((resolve) => this.#server.close(() => resolve()))
  }
}
