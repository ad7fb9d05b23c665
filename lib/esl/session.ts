/**
 * One outbound Event Socket connection: FreeSWITCH's `socket` application connected to us for one
 * channel. Protocol only, no call logic (esl-protocol.md §0):
 * - `connect` first; its reply carries the channel data, URL-encoded, in the header block;
 * - `myevents json` (this channel's events only), narrowed by `nixevent` to the events read, and `linger`
 *   (so the last events arrive after hang-up);
 * - replies carry no id and pair with commands by order: one write in flight, which is one command or, at the
 *   start, connect and the subscriptions together (FreeSWITCH's listener reads a command, answers it and only then
 *   reads the next: mod_event_socket.c, listener_run; so the replies come in the order written);
 * - `execute` sends `event-uuid`, registers the waiter before writing, and resolves on the
 *   CHANNEL_EXECUTE_COMPLETE whose Application-UUID matches;
 * - a hang-up (CHANNEL_HANGUP, a disconnect notice, the socket closing) ends the call at once;
 *   `close()` reads the final events, sends `exit` and closes.
 */
import { randomUUID } from 'node:crypto'
import type { Socket } from 'node:net'
import type { Logger } from 'pino'
import { CommandFailed, SessionClosed, type ChannelEvent, type ChannelSession } from './channel-session.js'
import { readChannelData, type ChannelData } from './channel-data.js'
import * as wire from './command.js'
import { EslEvent } from './event.js'
import { readFrames, type Frame, type FrameLimits } from './frame.js'

export type SessionOptions = {
  log: Logger
  /** Seconds FreeSWITCH keeps the socket after hang-up for the last events. */
  lingerSeconds: number
  /** How long to wait for the connect reply before giving up on the peer. */
  connectTimeoutMs: number
  /** How long `close()` waits for the final events and for FreeSWITCH to close. */
  closeTimeoutMs: number
  limits?: FrameLimits
  /** Latency observers (metrics); without them the session takes no timestamps. */
  timing?: EslTiming
}

/** Seconds, as measured by the session. */
export type EslTiming = {
  /** From a command leaving to its reply arriving. */
  commandRoundTrip(seconds: number): void
  /** From an application's CHANNEL_EXECUTE_COMPLETE arriving to the router's next command leaving. */
  think(seconds: number): void
}

/**
 * `myevents` subscribes 23 event kinds of ~4–8 kB each; the router reads only CHANNEL_EXECUTE_COMPLETE,
 * CHANNEL_HANGUP(_COMPLETE) and CHANNEL_BRIDGE, so the rest are dropped at the source (the bench measured
 * 106 → 50 kB and −30 % CPU per call).
 */
const UNREAD_EVENTS = [
  'CHANNEL_ANSWER',
  'CHANNEL_APPLICATION',
  'CHANNEL_CREATE',
  'CHANNEL_DATA',
  'CHANNEL_DESTROY',
  'CHANNEL_EXECUTE',
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

/** One write: `count` commands whose replies come back together, in order. */
type Pending = {
  text: string
  count: number
  replies: Frame[]
  sentAt?: number
  resolve(frames: Frame[]): void
  reject(err: Error): void
}

/** A command/reply's text; a refusal (`-ERR …`) throws, naming the command. */
function replyText(command: string, reply: Frame): string {
  const text = reply.headers.get('Reply-Text') ?? ''
  if (text.startsWith('-')) throw new CommandFailed(`${command.split('\n')[0]}: ${text}`)
  return text
}

export class EslSession implements ChannelSession {
  uuid = ''
  readonly ended: Promise<{ cause: string }>
  readonly closed: Promise<void>
  #isEnded = false
  #isClosed = false
  #endWith!: (v: { cause: string }) => void
  #queue: Pending[] = []
  #inFlight: Pending | undefined
  #executes = new Map<string, { resolve(event: ChannelEvent): void; reject(err: Error): void }>()
  #listeners = new Map<string, Set<(event: ChannelEvent) => void>>()
  #sawHangupComplete = false
  #onHangupComplete: (() => void) | undefined
  /** When the last awaited application completed (performance.now), until the next command leaves. */
  #completedAt: number | undefined

  constructor(
    private readonly socket: Socket,
    private readonly opts: SessionOptions,
  ) {
    this.ended = new Promise((resolve) => (this.#endWith = resolve))
    this.closed = new Promise((resolve) => socket.once('close', () => resolve()))
    socket.setNoDelay(true)
    socket.on('error', (err) => opts.log.debug({ err: err.message }, 'socket error'))
    void this.#pump()
  }

  get isEnded(): boolean {
    return this.#isEnded
  }

  async #pump(): Promise<void> {
    try {
      for await (const frame of readFrames(this.socket, this.opts.log, this.opts.limits)) this.#dispatch(frame)
    } catch (err) {
      this.opts.log.warn({ err: err instanceof Error ? err.message : String(err) }, 'closing: bad data from FreeSWITCH')
    } finally {
      this.#onClosed()
    }
  }

  #dispatch(frame: Frame): void {
    const type = frame.headers.get('Content-Type')
    if (type === 'command/reply' || type === 'api/response') {
      const pending = this.#inFlight
      if (!pending) {
        this.opts.log.warn({ type }, 'reply with no command in flight')
        return
      }
      pending.replies.push(frame)
      if (pending.replies.length < pending.count) return
      this.#inFlight = undefined
      if (pending.sentAt !== undefined) this.opts.timing!.commandRoundTrip((performance.now() - pending.sentAt) / 1000)
      pending.resolve(pending.replies)
      this.#writeNext()
      return
    }
    if (type === 'text/event-json' || type === 'text/event-plain') {
      try {
        const event = EslEvent.fromFrame(frame)
        if (event) this.#onEvent(event)
      } catch (err) {
        this.opts.log.warn({ err: err instanceof Error ? err.message : String(err) }, 'malformed event ignored')
      }
      return
    }
    if (type === 'text/disconnect-notice') {
      this.#end(frame.headers.get('Content-Disposition') === 'linger' ? 'hangup (linger)' : 'disconnected')
      return
    }
    this.opts.log.debug({ type }, 'ignored frame')
  }

  #onEvent(event: EslEvent): void {
    const name = event.name
    if (name === 'CHANNEL_EXECUTE_COMPLETE') {
      const id = event.applicationUuid
      const waiter = id === undefined ? undefined : this.#executes.get(id)
      if (waiter) {
        this.#executes.delete(id!)
        if (this.opts.timing) this.#completedAt = performance.now()
        waiter.resolve(event)
      }
    } else if (name === 'CHANNEL_HANGUP') {
      this.#end(event.hangupCause ?? 'NORMAL_CLEARING')
    } else if (name === 'CHANNEL_HANGUP_COMPLETE') {
      this.#end(event.hangupCause ?? 'NORMAL_CLEARING')
      this.#sawHangupComplete = true
      this.#onHangupComplete?.()
    }
    for (const listener of this.#listeners.get(name) ?? []) listener(event)
  }

  #end(cause: string): void {
    if (this.#isEnded) return
    this.#isEnded = true
    // What follows a hang-up (waiting for the last events, exit) is not the router thinking.
    this.#completedAt = undefined
    this.#endWith({ cause })
  }

  #onClosed(): void {
    if (this.#isClosed) return
    this.#isClosed = true
    this.#end('socket closed')
    this.#onHangupComplete?.()
    // Nothing is left dangling: every command and application still awaited learns the socket is gone.
    const err = new SessionClosed('the Event Socket connection closed')
    for (const p of [...(this.#inFlight ? [this.#inFlight] : []), ...this.#queue]) p.reject(err)
    this.#inFlight = undefined
    this.#queue = []
    for (const waiter of this.#executes.values()) waiter.reject(err)
    this.#executes.clear()
    this.socket.destroy()
  }

  async #send(text: string): Promise<Frame> {
    const [reply] = await this.#sendAll([text])
    return reply!
  }

  /** Several commands in one write; their replies in the same order. */
  #sendAll(texts: string[]): Promise<Frame[]> {
    if (this.#isClosed) return Promise.reject(new SessionClosed('the Event Socket connection closed'))
    return new Promise((resolve, reject) => {
      this.#queue.push({ text: texts.join(''), count: texts.length, replies: [], resolve, reject })
      this.#writeNext()
    })
  }

  #writeNext(): void {
    if (this.#inFlight || this.#isClosed) return
    const next = this.#queue.shift()
    if (!next) return
    this.#inFlight = next
    if (this.opts.timing) {
      next.sentAt = performance.now()
      if (this.#completedAt !== undefined) this.opts.timing.think((next.sentAt - this.#completedAt) / 1000)
      this.#completedAt = undefined
    }
    this.socket.write(next.text)
  }

  async #command(text: string): Promise<string> {
    return replyText(text, await this.#send(text))
  }

  /**
   * connect, subscribe, linger, in one write (a round trip each would cost every call three more passes through
   * both event loops): resolves with the channel data, or rejects and closes the socket.
   */
  async start(): Promise<ChannelData> {
    const timer = setTimeout(() => {
      this.opts.log.warn('no connect reply in time: closing')
      this.socket.destroy()
    }, this.opts.connectTimeoutMs)
    try {
      const setup = [wire.myevents('json'), wire.nixevent(UNREAD_EVENTS), wire.linger(this.opts.lingerSeconds)]
      const [connected, ...replies] = await this.#sendAll([wire.connect(), ...setup])
      const data = readChannelData(connected!.headers)
      this.uuid = data.uniqueId
      setup.forEach((text, i) => replyText(text, replies[i]!))
      return data
    } catch (err) {
      this.socket.destroy()
      throw err
    } finally {
      clearTimeout(timer)
    }
  }

  execute(app: string, arg: string): Promise<ChannelEvent> {
    const id = randomUUID()
    // Registered before the write: the completion can arrive right behind the +OK.
    const complete = new Promise<ChannelEvent>((resolve, reject) => this.#executes.set(id, { resolve, reject }))
    // If the command itself fails, nobody awaits the completion; its rejection is expected then.
    complete.catch(() => {})
    let text: string
    try {
      text = wire.execute({ app, ...(arg === '' ? {} : { arg }), uuid: id })
    } catch (err) {
      this.#executes.delete(id)
      return Promise.reject(err)
    }
    return this.#command(text).then(
      () => complete,
      (err: Error) => {
        this.#executes.delete(id)
        throw err
      },
    )
  }

  /** `api NAME ARGS…`: the response body. Arguments are checked (no line breaks, no `${`). */
  async api(name: string, ...args: string[]): Promise<string> {
    const reply = await this.#send(wire.api(name, ...args))
    const body = reply.body?.toString('utf8') ?? ''
    if (body.startsWith('-ERR')) throw new CommandFailed(`api ${name}: ${body.trim()}`)
    return body
  }

  async hangup(cause: string): Promise<void> {
    if (this.#isEnded) return
    await this.#command(wire.hangup(cause))
  }

  on(eventName: string, listener: (event: ChannelEvent) => void): () => void {
    let set = this.#listeners.get(eventName)
    if (!set) this.#listeners.set(eventName, (set = new Set()))
    set.add(listener)
    return () => set.delete(listener)
  }

  /** After the call: wait (bounded) for CHANNEL_HANGUP_COMPLETE, then `exit` and wait for the close. */
  async handBack(): Promise<void> {
    if (this.#isClosed) return
    await this.#command(wire.exit()).catch(() => undefined)
    // FreeSWITCH answers `+OK bye`, sends the disconnect notice and closes; the channel carries on without us.
    await Promise.race([
      this.closed,
      new Promise<void>((resolve) => setTimeout(resolve, this.opts.closeTimeoutMs).unref()),
    ])
    this.socket.destroy()
  }

  async close(): Promise<void> {
    if (this.#isClosed) return
    const bounded = <T>(p: Promise<T>) =>
      Promise.race([p, new Promise<void>((resolve) => setTimeout(resolve, this.opts.closeTimeoutMs).unref())])
    if (!this.#sawHangupComplete) await bounded(new Promise<void>((resolve) => (this.#onHangupComplete = resolve)))
    await bounded(this.#command(wire.exit()).catch(() => undefined))
    await bounded(this.closed)
    this.socket.destroy()
  }
}
