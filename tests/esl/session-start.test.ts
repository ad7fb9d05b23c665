/**
 * The session's start: connect, myevents, nixevent and linger leave in one write (FreeSWITCH's listener answers one
 * command after another, so the replies pair by order), the channel data comes from the connect reply, and a
 * refused subscription fails the start and closes the socket.
 */
import t from 'tap'
import { Duplex } from 'node:stream'
import type { Socket } from 'node:net'
import { pino } from 'pino'
import { CommandFailed } from '../../lib/esl/channel-session.js'
import { EslSession } from '../../lib/esl/session.js'
import { received, referenceFrames } from './traces.js'

/** FreeSWITCH's side of the socket: what the session writes, one entry per write, and a way to answer. */
class Peer extends Duplex {
  readonly writes: string[] = []
  #written: (() => void) | undefined
  override _read(): void {}
  override _write(chunk: Buffer, _enc: BufferEncoding, done: () => void): void {
    this.writes.push(chunk.toString('utf8'))
    this.#written?.()
    done()
  }
  setNoDelay(): this {
    return this
  }
  /** Resolves once the session has written something. */
  written(): Promise<void> {
    return this.writes.length ? Promise.resolve() : new Promise((resolve) => (this.#written = resolve))
  }
}

const trace = received('basic-json')
const connectReply = trace.subarray(0, referenceFrames(trace)[0]!.end)
const ok = (text: string) => `Content-Type: command/reply\nReply-Text: ${text}\n\n`

function session(peer: Peer) {
  return new EslSession(peer as unknown as Socket, {
    log: pino({ level: 'silent' }),
    lingerSeconds: 10,
    connectTimeoutMs: 60_000,
    closeTimeoutMs: 1000,
  })
}

t.test('connect and the subscriptions in one write; the replies pair by order', async (t) => {
  const peer = new Peer()
  const starting = session(peer).start()
  await peer.written()
  t.equal(peer.writes.length, 1, 'one write')
  t.same(
    peer.writes[0]!.split('\n\n')
      .filter(Boolean)
      .map((c) => c.split(' ')[0]),
    ['connect', 'myevents', 'nixevent', 'linger'],
  )
  t.match(peer.writes[0], /^connect\n\nmyevents json\n\nnixevent CHANNEL_ANSWER .*\n\nlinger 10\n\n$/)
  peer.push(Buffer.concat([connectReply, Buffer.from(ok('+OK Events Enabled') + ok('+OK'))]))
  peer.push(ok('+OK will linger 10 seconds'))
  const data = await starting
  t.match(data, { uniqueId: /^[0-9a-f-]{36}$/, callerName: 'AcceptanceCaller' })
  t.equal(peer.writes.length, 1, 'nothing else written')
})

t.test('a refused subscription fails the start, naming it, and closes the socket', async (t) => {
  const peer = new Peer()
  const starting = session(peer).start()
  await peer.written()
  peer.push(Buffer.concat([connectReply, Buffer.from(ok('+OK Events Enabled') + ok('+OK'))]))
  peer.push(ok('-ERR command not found'))
  await t.rejects(starting, new CommandFailed('linger 10: -ERR command not found'))
  t.ok(peer.destroyed)
})
