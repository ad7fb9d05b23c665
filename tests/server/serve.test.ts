/** The real server against the FreeSWITCH simulator over real sockets. */
import t from 'tap'
import { readFileSync } from 'node:fs'
import { connect } from 'node:net'
import { serve } from '../helpers/serve.js'
import { FakeFreeSwitch } from '../../lib/testing/fake-freeswitch/index.js'

const yaml = readFileSync(new URL('../fixtures/workflows/reservations.yaml', import.meta.url), 'utf8')
// Always open, so that the test does not depend on the day it runs.
const alwaysOpen = yaml.replace(
  'weekly: { mon-fri: ["09:00-12:00", "13:00-18:00"], sat: ["10:00-14:00"] }\nholidays: ["2026-12-25", "2027-01-01"]',
  'weekly: { mon-sun: ["00:00-24:00"] }',
)

t.test('a call through menu, form and an agent who answers', async (t) => {
  const s = await serve(alwaysOpen)
  t.teardown(s.close)
  const { sim, record } = await s.call({ keys: ['1', '123456#'], bridges: ['answer'] })
  t.match(record, {
    outcome: 'connected',
    steps: ['A', 'B', 'D'],
    team: 'reservations',
    agent: 'alice',
    fields: { reservationNo: '123456' },
    caller: '+821012345678',
    dialed: '+827012345678',
  })
  t.same(
    sim.apps.map((a) => a.name),
    ['answer', 'play_and_get_digits', 'play_and_get_digits', 'bridge'],
  )
  const menu = sim.apps[1]!
  t.match(menu.arg, /^1 1 1 5000 none \/var\/tts\/\d+\.wav silence_stream:\/\/250 ivr_digits \^\[0-9\*#\]\+\$ 5000$/)
  t.match(
    sim.apps[3]!.arg,
    /^\{ignore_early_media=true,originate_timeout=20,origination_caller_id_number=\+821012345678\}\[ivr_agent=alice\]user\/1001@pbx\.example\.com$/,
  )
  t.equal(sim.variables.continue_on_fail, 'true', 'continue_on_fail set before ringing')
  t.same(sim.dangerous, [])
  t.equal(sim.closeReason, 'exit', 'the router sends exit after the call')
  t.equal(Math.round(record!.talkSeconds), 30, 'talk time from the switch clock (the agent talks 30 s)')
  t.same(
    sim.commands.slice(0, 4).map((c) => c.command.split(' ').slice(0, 2).join(' ')),
    ['connect', 'myevents json', 'nixevent CHANNEL_ANSWER', 'linger 10'],
  )
})

t.test('no answer, then the fallback team answers', async (t) => {
  const s = await serve(alwaysOpen)
  t.teardown(s.close)
  const { record, sim } = await s.call({ keys: ['1', '123456#'], bridges: ['no-answer', 'answer'] })
  t.match(record, { outcome: 'connected', steps: ['A', 'B', 'D', 'F'], team: 'support' })
  t.equal(sim.apps.filter((a) => a.name === 'bridge').length, 2)
  t.match(
    sim.apps.filter((a) => a.name === 'bridge')[1]!.arg,
    /\[ivr_agent=alice\]user\/1001@pbx\.example\.com$/,
    'support offers its first agent alone',
  )
})

t.test('caller hangs up during the menu: abandoned, the call closed cleanly', async (t) => {
  const s = await serve(alwaysOpen)
  t.teardown(s.close)
  const { record, sim } = await s.call({ hangup: { duringAppNamed: 'play_and_get_digits', afterMs: 500 } })
  t.match(record, { outcome: 'abandoned', inbox: null, steps: ['A', 'B'] })
  t.equal(sim.hangupBy, 'caller')
  await s.server.whenIdle()
  t.equal(s.server.stats.active, 0)
})

t.test('caller hangs up while the agent rings: missed, queue_abandoned', async (t) => {
  const s = await serve(alwaysOpen)
  t.teardown(s.close)
  const { record } = await s.call({ keys: ['1', '123456#'], hangup: { duringAppNamed: 'bridge', afterMs: 1000 } })
  t.match(record, { outcome: 'missed', inbox: { reason: 'queue_abandoned' } })
})

t.test('a caller hangup during each kind of command ends the call for the engine at once', async (t) => {
  const wf = `
name: every-app
steps:
  A:
    - message: { play: "ivr/welcome.wav" }
    - collect: { prompt: { play: "ivr/number.wav" }, field: n, maxDigits: 4 }
    - assign: { agent: alice }
    - connect: { otherwise: B }
  B:
    - voicemail: { maxSeconds: 30 }
---
kind: agent
name: alice
dial: user/1001@pbx.example.com
`
  const cases: [string, number, string, string | null][] = [
    ['playback', 1, 'abandoned', null],
    ['play_and_get_digits', 1, 'abandoned', null],
    ['bridge', 1, 'missed', 'queue_abandoned'],
    ['record', 1, 'abandoned', null],
  ]
  for (const [app, ms, outcome, inbox] of cases) {
    const s = await serve(wf)
    const { record, sim } = await s.call({
      keys: ['12#'],
      bridges: ['no-answer'],
      hangup: { duringAppNamed: app, afterMs: ms },
    })
    await s.close()
    t.match(record, { outcome }, app)
    t.equal(record?.inbox?.reason ?? null, inbox, `${app}: inbox`)
    t.equal(sim.apps.filter((a) => !a.skipped).at(-1)?.name, app, `${app} was the last application run`)
  }
})

t.test('caller hangs up while queued with hold music', async (t) => {
  const s = await serve(`
name: q
steps:
  A:
    - assign: { team: empty }
---
kind: team
name: empty
`)
  t.teardown(s.close)
  const { record, sim } = await s.call({ hangup: { duringAppNamed: 'playback', afterMs: 100 } })
  t.match(record, { outcome: 'missed', inbox: { reason: 'queue_abandoned' } })
  t.match(
    sim.apps.map((a) => [a.name, a.arg]),
    [['answer'], ['playback', 'local_stream://moh']],
  )
})

t.test('the queued workflow interrupts the hold music with uuid_break', async (t) => {
  const s = await serve(`
name: line
steps:
  A:
    - assign: { team: empty }
---
name: offer
trigger: queued
team: empty
waitSeconds: 0
steps:
  O:
    - menu: { prompt: { play: "ivr/offer.wav" }, options: { "1": V } }
  V:
    - voicemail: { maxSeconds: 60 }
---
kind: team
name: empty
`)
  t.teardown(s.close)
  const { record, sim } = await s.call({ keys: ['1'], record: { speakMs: 8000, end: 'hangup' } })
  t.match(record, { outcome: 'voicemail', inbox: { reason: 'voicemail' }, steps: ['A', 'O', 'V'] })
  t.ok(
    sim.commands.some((c) => c.command.startsWith('api uuid_break ')),
    'hold music broken with api uuid_break',
  )
  t.match(
    sim.apps.map((a) => a.name),
    ['answer', 'playback', 'play_and_get_digits', 'record'],
  )
  t.match(sim.apps[1], { arg: 'local_stream://moh', response: 'FILE PLAYED' })
  t.ok(record!.inbox!.recording!.seconds >= 2, 'the recording length is on the inbox row')
})

t.test('a hostile caller ID name does nothing', async (t) => {
  const s = await serve(alwaysOpen)
  t.teardown(s.close)
  const { record, sim } = await s.call(
    { keys: ['2'] },
    { callerName: 'x${md5(a)}\n\nsendmsg\ncall-command: hangup', callerNumber: '010${system(id)}' },
  )
  t.same(sim.dangerous, [], 'no API call reached through ${…}')
  t.equal(record?.outcome, 'voicemail', 'the workflow ran to its end')
  t.notOk(record?.callerName.includes('\n'), 'the stored name has no line breaks')
})

t.test('connections from outside the allow list are closed at once and counted', async (t) => {
  const s = await serve(alwaysOpen, { allow: ['10.0.0.0/8'] })
  t.teardown(s.close)
  const { sim, record } = await s.call({})
  t.equal(record, undefined)
  t.equal(s.server.stats.rejected, 1)
  t.equal(s.server.stats.accepted, 0)
  t.equal(sim.closedBy, 'client')
})

t.test('garbage from a peer ends that connection, the server goes on', async (t) => {
  const s = await serve(alwaysOpen)
  t.teardown(s.close)
  const cases = [
    Buffer.from('Content-Length: 99999999999\n\n'),
    Buffer.alloc(1024 * 1024, 0x41),
    Buffer.from('Content-Length: 100\nContent-Type: text/event-json\n\n{"Event-Na'),
    Buffer.from('Content-Length: -5\n\n'),
    Buffer.from([0xff, 0x00, 0x0a, 0x0a, 0x13]),
    Buffer.from('Content-Type: command/reply\nReply-Text: %2BOK%0A\n\n'),
  ]
  for (const bytes of cases) {
    await new Promise<void>((resolve) => {
      const socket = connect(s.port, '127.0.0.1', () => socket.write(bytes))
      socket.on('close', () => resolve())
      socket.on('error', () => {})
      socket.resume()
      // A peer that then goes quiet is closed by the router's connect timeout; this one hangs up itself.
      socket.on('data', () => {})
      setImmediate(() => socket.end())
    })
  }
  const { record } = await s.call({ keys: ['2'] })
  t.equal(record?.outcome, 'voicemail', 'a real call still works')
})

t.test('a peer that never answers connect is dropped after the timeout', async (t) => {
  const s = await serve(alwaysOpen, { connectTimeoutMs: 200 })
  t.teardown(s.close)
  await new Promise<void>((resolve) => {
    const socket = connect(s.port, '127.0.0.1')
    socket.on('close', () => resolve())
    socket.on('error', () => {})
    socket.resume()
  })
  await s.server.whenIdle()
  t.equal(s.server.stats.active, 0)
  t.equal(s.server.stats.failed, 1)
})

t.test('500 concurrent calls complete with correct outcomes', async (t) => {
  const s = await serve(alwaysOpen)
  t.teardown(s.close)
  const scripts = [
    { keys: ['1', '123456#'], bridges: ['answer'] },
    { keys: ['2'] },
    { keys: ['9', '9', '9'] },
    { hangup: { duringAppNamed: 'play_and_get_digits', afterMs: 100 } },
  ]
  const expected = ['connected', 'voicemail', 'hangup', 'abandoned']
  const results = await Promise.all(Array.from({ length: 500 }, (_, i) => s.call(scripts[i % 4]!)))
  const wrong = results.filter((r, i) => r.record?.outcome !== expected[i % 4])
  t.equal(wrong.length, 0, `${wrong.length} calls with a wrong outcome`)
  await s.server.whenIdle()
  t.equal(s.server.stats.completed, 500)
  t.equal(s.server.stats.active, 0)
})

t.test('a simulator of its own can drive the server too', async (t) => {
  const s = await serve(alwaysOpen)
  t.teardown(s.close)
  const fs = new FakeFreeSwitch({ seed: 99 })
  const sim = await fs.call({
    port: s.port,
    split: 'bytes',
    channel: { destination: '07012345678' },
    script: { keys: ['2'] },
  }).result
  t.equal(sim.closeReason, 'exit', 'byte-by-byte writes parse')
})
