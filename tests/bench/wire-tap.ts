/**
 * Timestamps on the simulator's side of a connection, without touching the simulator: node:net publishes every
 * client socket it creates (diagnostics channel `net.client.socket`), synchronously inside `FakeFreeSwitch.call()`.
 * The tap wraps that socket's `write` (what leaves the simulator, one frame per write since calls use split `none`)
 * and listens to its data (what the router sent).
 */
import { subscribe } from 'node:diagnostics_channel'
import type { Socket } from 'node:net'

export type Tap = {
  /** Bytes the simulator wrote to the router / read from it. */
  bytesToRouter: number
  bytesFromRouter: number
  /** When the connect reply left (ms, performance.now()). */
  connectReplyAt: number | undefined
  /** When the first `execute` arrived. */
  firstExecuteAt: number | undefined
  /** Each think time: CHANNEL_EXECUTE_COMPLETE written → the next data from the router (ms). */
  thinks: number[]
  /** Resolves once the router has asked for the named application (e.g. the held call's playback). */
  asked(app: string): Promise<void>
}

const EXECUTE_COMPLETE = Buffer.from('"Event-Name":"CHANNEL_EXECUTE_COMPLETE"')
const HANGUP = Buffer.from('"Event-Name":"CHANNEL_HANGUP"')
const EXECUTE = Buffer.from('call-command: execute')

class SocketTap implements Tap {
  bytesToRouter = 0
  bytesFromRouter = 0
  connectReplyAt: number | undefined
  firstExecuteAt: number | undefined
  thinks: number[] = []
  #completeAt: number | undefined
  #hungUp = false
  #waiting = new Map<string, () => void>()

  constructor(socket: Socket) {
    // Wrapped once connected: `Socket.connect` resets an own `write` property.
    socket.once('connect', () => {
      const write = socket.write.bind(socket) as (chunk: Buffer | string, ...rest: unknown[]) => boolean
      socket.write = ((chunk: Buffer | string, ...rest: unknown[]) => {
        const buf = typeof chunk === 'string' ? Buffer.from(chunk) : chunk
        this.#sent(buf)
        return write(buf, ...rest)
      }) as Socket['write']
    })
    socket.on('data', (chunk: Buffer) => this.#received(chunk))
  }

  #sent(buf: Buffer): void {
    const now = performance.now()
    this.bytesToRouter += buf.length
    if (this.connectReplyAt === undefined) {
      this.connectReplyAt = now
      return
    }
    // Event-Name is among the first keys of a JSON event; the rest of the 8 kB frame need not be searched.
    const head = buf.subarray(0, 400)
    if (head.includes(HANGUP)) this.#hungUp = true
    else if (!this.#hungUp && head.includes(EXECUTE_COMPLETE)) this.#completeAt = now
  }

  #received(chunk: Buffer): void {
    const now = performance.now()
    this.bytesFromRouter += chunk.length
    if (this.#completeAt !== undefined) {
      this.thinks.push(now - this.#completeAt)
      this.#completeAt = undefined
    }
    if (this.firstExecuteAt === undefined && chunk.includes(EXECUTE)) this.firstExecuteAt = now
    for (const [app, resolve] of this.#waiting) {
      if (chunk.includes(`execute-app-name: ${app}`)) {
        this.#waiting.delete(app)
        resolve()
      }
    }
  }

  asked(app: string): Promise<void> {
    return new Promise((resolve) => this.#waiting.set(app, resolve))
  }
}

let armed = false
let last: SocketTap | undefined
subscribe('net.client.socket', (message) => {
  // Only the socket `tapped` asks for: a tap on every socket of this process (the database proxy's, the
  // shared-team scenario's calls) would cost the simulator time the figures would then blame on the router.
  if (!armed) return
  armed = false
  last = new SocketTap((message as { socket: Socket }).socket)
})

/** Runs `connect` (a `FakeFreeSwitch.call()`) and returns the call with the tap of the socket it created. */
export function tapped<T>(connect: () => T): { value: T; tap: Tap } {
  armed = true
  try {
    const value = connect()
    if (!last) throw new Error('no client socket was created')
    return { value, tap: last }
  } finally {
    armed = false
    last = undefined
  }
}
