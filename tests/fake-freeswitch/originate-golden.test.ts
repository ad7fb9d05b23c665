/**
 * Traces inbound_originate and outbound_originated replayed against the simulator: the inbound socket's commands
 * one by one (the FreeSWITCH uuids they name replaced by the simulator's, the socket's port by the test router's),
 * each followed by as many frames as FreeSWITCH sent, compared in the golden tests' shape; for the `&socket(…)`
 * originate the router side plays outbound_originated at the same time.
 */
import { connect } from 'node:net'
import t from 'tap'
import { FakeFreeSwitch, FakeInboundSwitch } from '../../lib/testing/fake-freeswitch/index.js'
import { PacketReader } from '../../lib/testing/fake-freeswitch/packet-reader.js'
import { readFileSync } from 'node:fs'
import { eventOf, get, readFrames, type Frame } from './frames.js'
import { drive, loadTrace, shape } from './golden.js'
import { Connection, Router } from './router.js'

/**
 * The originate traces live apart: the parser and builder tests read every trace of fixtures/freeswitch/ as an
 * inbound call's.
 */
const dir = new URL('../fixtures/freeswitch-inbound/', import.meta.url)
const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g
const isReply = (f: Frame) => ['command/reply', 'api/response'].includes(get(f, 'Content-Type') ?? '')

/**
 * The shape of a frame, uuids in bodies too. The loopback B leg runs the target's own dialplan (a tone, `hangup
 * USER_BUSY` …), which the simulator does not play: its application's response is left out.
 */
function shapeOf(frame: Frame): Record<string, unknown> {
  const out = shape(frame, new Set())
  if (typeof out['body'] === 'string') out['body'] = out['body'].replace(UUID, '<uuid>')
  const channel = get(frame, 'Content-Type')?.startsWith('text/event') ? eventOf(frame)['Channel-Name'] : undefined
  if (typeof channel === 'string' && channel.endsWith('-b'))
    delete (out['variables'] as Record<string, unknown>)['current_application_response']
  return out
}

t.test('inbound_originate, with outbound_originated on the socket', async (t) => {
  const router = await Router.start()
  t.teardown(() => router.close())
  const fs = new FakeFreeSwitch({
    seed: 3,
    idleSpeed: 1000,
    phones: {
      'loopback/1000/default': { outcome: 'answer', ringMs: 0, talkMs: 3_600_000 },
      'loopback/4000/default': { outcome: 'busy' },
      'loopback/3000/default': { outcome: 'no-answer' },
      'user/1000@127.0.0.1': { outcome: 'unavailable' },
    },
  })
  const inbound = new FakeInboundSwitch({ switch: fs, globals: { domain: '127.0.0.1' } })
  const { port } = await inbound.listen()
  t.teardown(() => inbound.close())
  const client = new Connection(connect({ host: '127.0.0.1', port }))

  const commands = new PacketReader().push(readFileSync(new URL('inbound_originate.sent.raw', dir)))
  const segments: Frame[][] = []
  for (const frame of readFrames(readFileSync(new URL('inbound_originate.recv.raw', dir)))) {
    if (isReply(frame) || !segments.length) segments.push([])
    segments[segments.length - 1]!.push(frame)
  }
  const greeting = segments.shift()!
  t.same((await client.next(greeting.length)).map(shapeOf), greeting.map(shapeOf), 'auth/request')

  const outbound = loadTrace('outbound_originated', 'none', dir)
  const ids = new Map<string, string>()
  for (const [i, packet] of commands.entries()) {
    const text = packet.command
      .replace(UUID, (id) => ids.get(id) ?? id)
      .replace('127.0.0.1:8099', `127.0.0.1:${router.port}`)
    const want = segments[i] ?? []
    const socketSide = text.includes('&socket(')
      ? router.accept().then((connection) => drive(outbound, connection))
      : undefined
    client.send(`${text}\n\n`)
    const have = await client.next(want.length)
    t.same(have.map(shapeOf), want.map(shapeOf), `after "${packet.command}" (#${i})`)
    // The trace's channel uuids, as the simulator named them: from the BACKGROUND_JOB bodies.
    for (const [j, frame] of want.entries()) {
      const theirs = /^\+OK (\S+)/.exec(eventOf(frame)['_body']?.toString() ?? '')?.[1]
      const ours = have[j] && /^\+OK (\S+)/.exec(eventOf(have[j])['_body']?.toString() ?? '')?.[1]
      if (theirs && ours) ids.set(theirs, ours)
    }
    if (socketSide) {
      const got = await socketSide
      for (const [k, p] of outbound.commands.entries()) {
        const wantOut = outbound.segments[k]?.map((f) => shape(f, outbound.stable)) ?? []
        t.same(
          got[k]?.map((f) => shape(f, outbound.stable)),
          wantOut,
          `socket: after "${p.command}" (#${k})`,
        )
      }
      const connect = eventOf(got[0]![0]!)
      t.equal(connect['Caller-Caller-ID-Number'], 'default', 'loopback flipped the caller ID')
      t.equal(connect['variable_ivr_callback'], 'cb-5', 'the originate variables reach the connect data')
      t.equal(connect['Channel-Direction'], 'outbound')
    }
  }
  await client.closed
  t.same(inbound.problems, [], 'nothing hostile in the trace')
})
