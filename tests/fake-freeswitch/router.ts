/**
 * A tiny router stand-in for the tests: a net.Server on 127.0.0.1 that accepts the simulator's connection and
 * lets the test send commands and read the frames that come back.
 */
import { createServer, type Server, type Socket } from 'node:net'
import { FrameReader, get, type Frame } from './frames.js'

export class Connection {
  readonly frames: Frame[] = []
  readonly closed: Promise<void>
  /** Reads the socket delivered: more than frames when writes were split. */
  chunks = 0
  #reader = new FrameReader()
  #read = 0
  #waiting: (() => void) | undefined
  #ended = false

  constructor(readonly socket: Socket) {
    socket.on('data', (chunk: Buffer) => {
      this.chunks++
      this.frames.push(...this.#reader.push(chunk))
      this.#notify()
    })
    this.closed = new Promise((resolve) =>
      socket.once('close', () => {
        this.#ended = true
        this.#notify()
        resolve()
      }),
    )
  }

  #notify(): void {
    const waiting = this.#waiting
    this.#waiting = undefined
    waiting?.()
  }

  send(text: string): void {
    this.socket.write(text)
  }

  /** The next `count` frames not read yet; fails when the connection closes first. */
  async next(count = 1): Promise<Frame[]> {
    while (this.frames.length < this.#read + count) {
      if (this.#ended)
        throw new Error(`connection closed after ${this.frames.length} frames, wanted ${this.#read + count}`)
      await new Promise<void>((resolve) => (this.#waiting = resolve))
    }
    const out = this.frames.slice(this.#read, this.#read + count)
    this.#read += count
    return out
  }

  /** Frames up to and including the first that `done` accepts. */
  async until(done: (frame: Frame) => boolean): Promise<Frame[]> {
    const out: Frame[] = []
    for (;;) {
      const [frame] = await this.next()
      out.push(frame!)
      if (done(frame!)) return out
    }
  }

  /** Sends a command and returns the frames up to its reply (command/reply or api/response). */
  async command(text: string): Promise<Frame[]> {
    this.send(text.endsWith('\n\n') ? text : `${text}\n\n`)
    return this.until((f) => ['command/reply', 'api/response'].includes(get(f, 'Content-Type') ?? ''))
  }

  /** Everything after what was read, once the connection has closed. */
  async rest(): Promise<Frame[]> {
    await this.closed
    const out = this.frames.slice(this.#read)
    this.#read = this.frames.length
    return out
  }
}

export class Router {
  readonly #server: Server
  readonly #pending: Connection[] = []
  #waiting: ((c: Connection) => void) | undefined

  private constructor(server: Server) {
    this.#server = server
    server.on('connection', (socket) => {
      const connection = new Connection(socket)
      if (this.#waiting) {
        this.#waiting(connection)
        this.#waiting = undefined
      } else this.#pending.push(connection)
    })
  }

  static async start(): Promise<Router> {
    const server = createServer()
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    return new Router(server)
  }

  get port(): number {
    return (this.#server.address() as { port: number }).port
  }

  accept(): Promise<Connection> {
    const ready = this.#pending.shift()
    return ready ? Promise.resolve(ready) : new Promise((resolve) => (this.#waiting = resolve))
  }

  close(): Promise<void> {
    return new Promise((resolve) => this.#server.close(() => resolve()))
  }
}
