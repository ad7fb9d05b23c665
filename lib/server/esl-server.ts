/**
 * The outbound Event Socket server: FreeSWITCH's `socket` application connects here, one TCP
 * connection per call. Each connection: allow-list check, session start (connect, myevents,
 * linger), workflow resolution, the engine, then the final events, `exit` and close.
 */
import { createServer, type AddressInfo, type Server, type Socket } from 'node:net'
import type { Logger } from 'pino'
import type { CallRecord } from '../engine/record.js'
import { runCall } from '../engine/run.js'
import type { World } from '../engine/world.js'
import { EslCall, type EslCallOptions } from '../esl/call.js'
import type { ChannelData } from '../esl/channel-data.js'
import { EslSession, type EslTiming } from '../esl/session.js'
import type { Prompt, Workflow } from '../workflow/schema.js'
import { isAllowed, parseAllowList } from './allow-list.js'
import { ATTEMPT_VARIABLE, type OriginatedLegs } from './originated-legs.js'

export type CallFacts = { caller: string; callerName: string; dialed: string; uuid: string }

export type ServerOptions = {
  host: string
  port: number
  /** CIDR blocks FreeSWITCH connects from. */
  allow: readonly string[]
  log: Logger
  world: World
  /** The workflow (and its version) this call runs; undefined when none applies. */
  resolve(facts: CallFacts): Promise<{ workflow: Workflow; version?: number } | undefined>
  call: EslCallOptions
  fallbackPrompt?: Prompt
  lingerSeconds?: number
  connectTimeoutMs?: number
  closeTimeoutMs?: number
  /** Observes Event Socket latencies (metrics). */
  timing?: EslTiming
  /** Sees every finished call (metrics, tests). */
  onCall?: (record: CallRecord) => void
  /** Channels this router originated (callbacks' agent legs), handed over by their token instead of a workflow. */
  legs?: OriginatedLegs
}

export type ServerStats = { accepted: number; rejected: number; active: number; completed: number; failed: number }

export class EslServer {
  readonly stats: ServerStats = { accepted: 0, rejected: 0, active: 0, completed: 0, failed: 0 }
  readonly #server: Server
  readonly #allow
  readonly #sockets = new Set<Socket>()
  readonly #calls = new Set<Promise<void>>()

  constructor(private readonly opts: ServerOptions) {
    this.#allow = parseAllowList(opts.allow)
    this.#server = createServer({ noDelay: true, keepAlive: true }, (socket) => this.#accept(socket))
  }

  listen(): Promise<AddressInfo> {
    return new Promise((resolve, reject) => {
      this.#server.once('error', reject)
      this.#server.listen(this.opts.port, this.opts.host, () => {
        this.#server.off('error', reject)
        resolve(this.#server.address() as AddressInfo)
      })
    })
  }

  #accept(socket: Socket): void {
    if (!isAllowed(this.#allow, socket.remoteAddress)) {
      this.stats.rejected++
      this.opts.log.warn({ peer: socket.remoteAddress }, 'connection refused: not in the allow list')
      socket.destroy()
      return
    }
    this.stats.accepted++
    this.stats.active++
    this.#sockets.add(socket)
    const done = this.#handle(socket)
      .catch((err: unknown) => {
        this.stats.failed++
        this.opts.log.error({ err: err instanceof Error ? err.message : String(err) }, 'call failed')
      })
      .finally(() => {
        this.stats.active--
        this.#sockets.delete(socket)
        this.#calls.delete(done)
        socket.destroy()
      })
    this.#calls.add(done)
  }

  async #handle(socket: Socket): Promise<void> {
    const session = new EslSession(socket, {
      log: this.opts.log,
      lingerSeconds: this.opts.lingerSeconds ?? 10,
      connectTimeoutMs: this.opts.connectTimeoutMs ?? 10_000,
      closeTimeoutMs: this.opts.closeTimeoutMs ?? 5_000,
      ...(this.opts.timing ? { timing: this.opts.timing } : {}),
    })
    const channel = await session.start()
    const token = channel.variables.get(ATTEMPT_VARIABLE)
    if (token !== undefined) return this.#originated(session, token, channel)
    const facts: CallFacts = {
      uuid: session.uuid,
      caller: channel.callerNumber,
      callerName: channel.callerName,
      dialed: channel.destination,
    }
    const log = this.opts.log.child({ call: session.uuid })
    try {
      const found = await this.opts.resolve(facts)
      if (!found) {
        log.warn({ dialed: facts.dialed }, 'no workflow for this number: hanging up')
        await session.hangup('UNALLOCATED_NUMBER').catch(() => {})
        return
      }
      log.info(
        { workflow: found.workflow.name, version: found.version, caller: facts.caller, dialed: facts.dialed },
        'call started',
      )
      const resumable = /^true$/i.test(channel.variables.get('socket_resume') ?? '')
      const call = new EslCall(session, { ...facts, resumable }, this.opts.call)
      const record = await runCall({
        workflow: found.workflow,
        ...(found.version !== undefined ? { version: found.version } : {}),
        call,
        world: this.opts.world,
        ...(this.opts.fallbackPrompt ? { fallbackPrompt: this.opts.fallbackPrompt } : {}),
      })
      this.stats.completed++
      const error = record.events.find((e) => e.type === 'error')
      if (error)
        log.error(
          { err: error.message, step: error.step },
          error.handedTo === 'dialplan'
            ? 'internal error: the dialplan fallback took the call (socket_resume)'
            : 'internal error: the caller heard the fallback prompt and was hung up',
        )
      log.info({ workflow: record.workflow, outcome: record.outcome, steps: record.steps.length }, 'call ended')
      this.opts.onCall?.(record)
    } finally {
      await session.close()
    }
  }

  /** A leg the router originated: its user drives it; one nobody expects (stale, forged) is hung up. */
  async #originated(session: EslSession, token: string, channel: ChannelData): Promise<void> {
    try {
      const using = this.opts.legs?.arrive(token, session, channel)
      if (using) return await using
      this.opts.log.warn({ call: session.uuid }, 'an originated channel nobody waits for: hanging up')
      await session.hangup('NORMAL_CLEARING').catch(() => {})
    } finally {
      await session.close()
    }
  }

  /** Resolves once every connection accepted so far is done with. */
  async whenIdle(): Promise<void> {
    while (this.#calls.size > 0) await Promise.all([...this.#calls])
  }

  /** Stops accepting, lets live calls finish for up to `drainMs`, then closes what is left. */
  async stop(drainMs: number): Promise<void> {
    const closed = new Promise<void>((resolve) => this.#server.close(() => resolve()))
    const drained = Promise.all([...this.#calls])
    const timer = new Promise<'timeout'>((resolve) => setTimeout(() => resolve('timeout'), drainMs).unref())
    if ((await Promise.race([drained, timer])) === 'timeout') {
      this.opts.log.warn({ active: this.stats.active }, 'drain time over: closing live calls')
      for (const s of this.#sockets) s.destroy()
      await drained
    }
    await closed
  }
}
