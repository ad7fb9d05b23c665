/**
 * `serve --callback-dial …` on the database: this router serves the callbacks it holds (lib/routing/callback-runner.ts)
 * with the store's book, its distributor, and FreeSWITCH (agents originated over the inbound Event Socket, back
 * through this router's outbound socket: agent-first-dialer.ts). The inbound connection is opened when first
 * needed and again after it failed. A team's callbacks are served only while its `callback.schedule` is open.
 */
import type { Logger } from 'pino'
import type { EslCallOptions } from '../esl/call.js'
import { connectFreeSwitch, type FreeSwitchConnection, type FreeSwitchTarget } from '../esl/inbound-client.js'
import { kill, originate, OriginateRefused, type OriginateRequest } from '../esl/originate.js'
import {
  callbackClosedUntil,
  CallbackRunner,
  type AttemptResult,
  type HeldCallback,
} from '../routing/callback-runner.js'
import { StoreCallbackBook } from '../store/callback-book.js'
import type { Db } from '../store/db.js'
import type { StoreWorld } from '../store/world.js'
import { EslAgentFirstDialer } from './agent-first-dialer.js'
import { whisperText } from './callback-whisper.js'
import type { OriginatedLegs } from './originated-legs.js'

export type CallbackServingOptions = {
  world: StoreWorld
  db: Db
  legs: OriginatedLegs
  freeswitch: FreeSwitchTarget
  /** This router's outbound socket as FreeSWITCH reaches it. */
  socket: { host: string; port: number }
  /** `sofia/gateway/carrier/%s`. */
  customerDial: string
  customerRingSeconds: number
  call: EslCallOptions
  log: Logger
  /** A router not seen for this long has its callbacks adopted (seconds). */
  goneSeconds?: number
  /** How often this router looks for callbacks it holds or may adopt (ms). */
  syncMs?: number
  onFailed?(callback: HeldCallback): void
  /** How each offer ended (metrics). */
  onAttempt?(result: AttemptResult): void
}

/** Opens the inbound connection on first use, and again after a failure. */
class InboundLink {
  #connection: Promise<FreeSwitchConnection> | undefined

  constructor(private readonly target: FreeSwitchTarget) {}

  async use<T>(run: (c: FreeSwitchConnection) => Promise<T>): Promise<T> {
    const pending = (this.#connection ??= connectFreeSwitch(this.target))
    try {
      return await run(await pending)
    } catch (err) {
      // Refused input says nothing about the connection; anything else may have broken it.
      if (!(err instanceof OriginateRefused) && this.#connection === pending) {
        this.#connection = undefined
        void pending.then((c) => c.close()).catch(() => {})
      }
      throw err
    }
  }

  close(): void {
    void this.#connection?.then((c) => c.close()).catch(() => {})
    this.#connection = undefined
  }
}

export async function startCallbackServing(
  o: CallbackServingOptions,
): Promise<{ runner: CallbackRunner; close(): Promise<void> }> {
  const { world, log } = o
  const link = new InboundLink(o.freeswitch)
  const dialer = new EslAgentFirstDialer({
    originate: (req: OriginateRequest) =>
      link
        .use((c) => originate(c, req))
        .catch((err: unknown) => {
          log.warn(
            { err: err instanceof Error ? err.message : String(err), dial: req.dial },
            'callback: originate failed',
          )
          throw err
        }),
    kill: (uuid) => link.use((c) => kill(c, uuid)).then(() => {}),
    legs: o.legs,
    socket: o.socket,
    call: o.call,
    customerDial: (number) => o.customerDial.replace('%s', number),
    customerRingSeconds: o.customerRingSeconds,
    whisper: (cb) => ({ say: whisperText(cb, Date.now(), o.call.region) }),
    unreachedPrompt: { say: '고객이 전화를 받지 않았습니다. 나중에 다시 시도합니다.' },
  })
  const book = new StoreCallbackBook(o.db, {
    router: world.routerId,
    goneSeconds: o.goneSeconds ?? 60,
    serving: () => runner.serving(),
  })
  const runner: CallbackRunner = new CallbackRunner(world.distributor, {
    clock: world.clock,
    book,
    dialer,
    syncMs: o.syncMs ?? 5000,
    closedUntil: (forWhom, at) => callbackClosedUntil(world, forWhom, at),
    onFailed: (cb) => {
      log.warn(
        { callback: cb.id, number: cb.number },
        'callback failed: the customer was not reached; it is in the inbox',
      )
      o.onFailed?.(cb)
    },
    onAttempt: (cb, end, result) => {
      o.onAttempt?.(result)
      const fields = { callback: cb.id, ...end }
      if (result === 'served') log.info(fields, 'callback served: agent and customer talked')
      else if (result === 'unserved') log.info(fields, 'callback: no agent took it; offered to the next')
      else if (result === 'unreached') log.info(fields, 'callback: the customer did not answer; tried again later')
    },
    onError: (what, id, err) =>
      log.error({ callback: id, err: err instanceof Error ? err.message : String(err) }, `callback: ${what} failed`),
  })
  // A callback taken here is served at once: a sync reads it as stored (its place, its priority).
  const onTaken = () => void runner.sync()
  world.on('callback', onTaken)
  await runner.start()
  log.info({ router: world.routerId }, 'serving callbacks')
  return {
    runner,
    close: async () => {
      world.off('callback', onTaken)
      await runner.close()
      link.close()
    },
  }
}
