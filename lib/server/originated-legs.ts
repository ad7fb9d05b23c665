/**
 * Channels the router originated itself (a callback's agent leg: lib/server/agent-first-dialer.ts) come back to
 * the outbound-socket server like any call, with the originate's variables in their connect data. Each is
 * expected under a one-time token (`ivr_attempt`, a random UUID) that only this process knows: a connection
 * bearing a token nobody waits for (a stale leg, a forged variable) is not handed to anyone.
 */
import type { ChannelData } from '../esl/channel-data.js'
import type { EslSession } from '../esl/session.js'

/** The connect-data variable that carries the token. */
export const ATTEMPT_VARIABLE = 'ivr_attempt'

export type OriginatedLeg = {
  session: EslSession
  channel: ChannelData
  /** The user is done with it: the server closes the connection. */
  done(): void
}

export class OriginatedLegs {
  readonly #waiting = new Map<string, (leg: OriginatedLeg) => void>()

  /** Waits for the leg with this token; `cancel` when it will not be wanted (its originate failed). */
  expect(token: string): { arrived: Promise<OriginatedLeg>; cancel(): void } {
    let cancel = () => {}
    const arrived = new Promise<OriginatedLeg>((resolve, reject) => {
      this.#waiting.set(token, resolve)
      cancel = () => {
        if (this.#waiting.delete(token)) reject(new Error('no longer expected'))
      }
    })
    arrived.catch(() => {})
    return { arrived, cancel }
  }

  /** A connection with a token: resolves when its user is done, or undefined when nobody waits for it. */
  arrive(token: string, session: EslSession, channel: ChannelData): Promise<void> | undefined {
    const take = this.#waiting.get(token)
    if (!take) return undefined
    this.#waiting.delete(token)
    return new Promise<void>((done) => take({ session, channel, done }))
  }

  /** Tokens still expected (tests: none is left behind). */
  get expected(): number {
    return this.#waiting.size
  }
}
