/** The end of a call: hangup sequence with and without linger, lost events, exit and close while the call is up. */
import t from 'tap'
import { FakeFreeSwitch } from '../../lib/testing/fake-freeswitch/index.js'
import { exec, router, start, summary, withCall } from './helpers.js'
import type { Connection } from './router.js'

t.teardown(() => router.close())

const TEARDOWN = [
  'CHANNEL_HANGUP',
  'CHANNEL_EXECUTE_COMPLETE playback',
  'CHANNEL_UNPARK',
  'CHANNEL_EXECUTE_COMPLETE socket',
  'CHANNEL_STATE',
  'CHANNEL_STATE',
  'CHANNEL_HANGUP_COMPLETE',
]

/** Starts hold music and lets the caller hang up in the middle of it. */
async function holdThenCallerHangs(c: Connection, linger?: string) {
  await c.command('connect')
  if (linger) await c.command(linger)
  await c.command('myevents json')
  await exec(c, 'answer')
  c.send('sendmsg\ncall-command: execute\nexecute-app-name: playback\nexecute-app-arg: local_stream://moh\n\n')
  await c.until((f) => summary([f])[0] === 'CHANNEL_EXECUTE playback')
}

t.test('without linger: the whole sequence, then the disconnect notice and the close', async (t) => {
  const script = { hangup: { duringAppNamed: 'playback', afterMs: 1500 } }
  const { result } = await withCall({ script, switch: { idleSpeed: 100000 } }, async (c) => {
    await holdThenCallerHangs(c)
    const rest = summary(await c.rest())
    t.same(rest, [...TEARDOWN, 'disconnect-notice disconnect'])
  })
  t.equal(result.hangupBy, 'caller')
  t.equal(result.closeReason, 'hangup')
  const playback = result.apps.find((a) => a.name === 'playback')!
  t.equal(playback.response, 'PLAYBACK ERROR')
  t.equal(playback.endedAt! - playback.startedAt, 1500, 'hold music until the scripted moment, in virtual time')
})

t.test('with linger: the sequence, the linger notice, and FreeSWITCH waits for exit', async (t) => {
  const script = { hangup: { duringAppNamed: 'playback' } }
  const { result } = await withCall({ script }, async (c) => {
    await holdThenCallerHangs(c, 'linger')
    const events = await c.next(TEARDOWN.length + 1)
    t.same(summary(events), [...TEARDOWN, 'disconnect-notice linger'])
    const notice = events[events.length - 1]!
    t.same(
      notice.headers.map(([n]) => n),
      [
        'Content-Type',
        'Controlled-Session-UUID',
        'Content-Disposition',
        'Channel-Name',
        'Linger-Time',
        'Content-Length',
      ],
    )
    t.equal(notice.headers.find(([n]) => n === 'Linger-Time')?.[1], '-1')
    t.same(
      summary(await c.command('getvar hangup_cause')),
      ['reply NORMAL_CLEARING'],
      'still answering while lingering',
    )
    t.same(summary(await c.command('exit')), ['reply +OK bye'])
    t.same(summary(await c.rest()), ['disconnect-notice disconnect'])
  })
  t.equal(result.closeReason, 'exit')
})

t.test('linger N: FreeSWITCH closes N seconds (of virtual time) after the hangup', async (t) => {
  const { result } = await withCall({ switch: { idleSpeed: 100000 } }, async (c) => {
    await c.command('connect')
    t.same(summary(await c.command('linger 2')), ['reply +OK will linger 2 seconds'])
    await c.command('myevents json')
    await c.command('sendmsg\ncall-command: hangup\nhangup-cause: USER_BUSY')
    const rest = summary(await c.rest())
    t.same(rest.slice(-2), ['disconnect-notice linger', 'disconnect-notice disconnect'])
  })
  t.equal(result.closeReason, 'linger-timeout')
  t.equal(result.hangupCause, 'USER_BUSY')
  t.equal(result.hangupBy, 'server')
})

t.test('without linger, under load: after CHANNEL_HANGUP only the disconnect notice (events lost)', async (t) => {
  const script = { hangup: { duringAppNamed: 'playback' } }
  const { result } = await withCall({ script, lostEventsAfterHangup: true }, async (c) => {
    await holdThenCallerHangs(c)
    t.same(summary(await c.rest()), ['CHANNEL_HANGUP', 'disconnect-notice disconnect'])
  })
  t.same(
    result.lost,
    TEARDOWN.slice(1).map((e) => e.split(' ')[0]),
  )
})

t.test('exit while the call is up: +OK bye, disconnect, and the dialplan ends the call', async (t) => {
  const { result } = await withCall({}, async (c) => {
    await start(c)
    t.same(summary(await c.command('exit')), ['reply +OK bye'])
    t.same(summary(await c.rest()), ['disconnect-notice disconnect'])
  })
  t.equal(result.hangupBy, 'dialplan')
  t.equal(result.closeReason, 'exit')
  t.equal(result.answered, true)
})

t.test('the router closing the connection: FreeSWITCH still says goodbye', async (t) => {
  const { result } = await withCall({}, async (c) => {
    await start(c)
    c.socket.end()
    t.same(summary(await c.rest()), ['disconnect-notice disconnect'])
  })
  t.equal(result.closedBy, 'client')
  t.equal(result.closeReason, 'client-closed')
})

t.test('a scripted hangup while parked, after some virtual time', async (t) => {
  const script = { hangup: { afterMs: 300 } }
  const { result, frames } = await withCall({ script, switch: { idleSpeed: 10 } }, async (c) => {
    await start(c)
    await c.closed
  })
  t.ok(summary(frames).includes('CHANNEL_HANGUP'))
  t.equal(result.hangupBy, 'caller')
  t.ok(result.durationMs >= 300)
})

t.test('FakeCall.hangup: the test hangs the caller up whenever it likes', async (t) => {
  const call = new FakeFreeSwitch({ seed: 3 }).call({ port: router.port })
  const c = await router.accept()
  await start(c)
  call.hangup('NO_USER_RESPONSE')
  const rest = summary(await c.rest())
  t.equal(rest[0], 'CHANNEL_HANGUP')
  const result = await call.result
  t.equal(result.hangupCause, 'NO_USER_RESPONSE')
})
