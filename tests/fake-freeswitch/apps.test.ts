/** The other applications and the channel thread: voicemail, record, nesting, event-lock, break, invalid apps. */
import t from 'tap'
import { eventOf, type EventData } from './frames.js'
import { exec, router, sendmsg, start, summary, variable, withCall } from './helpers.js'

t.teardown(() => router.close())

const names = (events: EventData[]) =>
  events.map(
    (e) =>
      `${e['Event-Name']}${e['Application'] ? ` ${e['Application']}` : e['Event-Subclass'] ? ` ${e['Event-Subclass']}` : ''}`,
  )
const complete = (events: EventData[]) => events.find((e) => e['Event-Name'] === 'CHANNEL_EXECUTE_COMPLETE')
const SKIPS = [
  'skip_greeting',
  'skip_instructions',
  'skip_record_check',
  'skip_record_urgent_check',
  'voicemail_skip_goodbye',
]

t.test('voicemail: a message, the CUSTOM event when subscribed, the variables', async (t) => {
  await withCall({ script: { voicemail: { speakMs: 7400 } } }, async (c) => {
    await start(c)
    t.same(summary(await c.command('event json CUSTOM vm::maintenance')), ['reply +OK event listener enabled json'])
    for (const skip of SKIPS) await exec(c, 'set', `${skip}=true`)
    const events = await exec(c, 'voicemail', 'default example.com 1000')
    t.same(names(events), [
      'CHANNEL_EXECUTE voicemail',
      'DTMF',
      'CUSTOM vm::maintenance',
      'CHANNEL_EXECUTE_COMPLETE voicemail',
    ])
    const custom = events[2]!
    t.equal(custom['VM-Action'], 'leave-message')
    t.equal(custom['VM-Message-Len'], '7')
    t.equal(custom['VM-UUID'], custom['Unique-ID'])
    const done = complete(events)
    t.equal(variable(done, 'voicemail_message_len'), '00:00:07')
    t.equal(variable(done, 'voicemail_file_path'), custom['VM-File-Path'])
    t.match(
      variable(done, 'voicemail_file_path'),
      /^\/usr\/local\/freeswitch\/.*\/default\/example\.com\/1000\/msg_[-0-9a-f]+\.wav$/,
    )
    t.equal(variable(done, 'record_ms'), '7400')
    t.equal(variable(done, 'record_seconds'), '7')
  })
})

t.test("voicemail: the recording stops at the profile's max-record-len (300 s)", async (t) => {
  await withCall({ script: { voicemail: { speakMs: 400_000 } } }, async (c) => {
    await start(c)
    for (const skip of SKIPS) await exec(c, 'set', `${skip}=true`)
    const done = complete(await exec(c, 'voicemail', 'default example.com 1000'))
    t.equal(variable(done, 'record_ms'), '300000')
    t.equal(variable(done, 'voicemail_message_len'), '00:05:00')
  })
})

t.test('voicemail: too short is asked again, nothing more said leaves no message', async (t) => {
  await withCall({ script: { voicemail: { speakMs: [2000, 4000] } } }, async (c) => {
    await start(c)
    await c.command('event json CUSTOM vm::maintenance')
    for (const skip of SKIPS) await exec(c, 'set', `${skip}=true`)
    const kept = await exec(c, 'voicemail', 'default example.com 1000')
    t.equal(variable(complete(kept), 'voicemail_message_len'), '00:00:04', 'the second attempt was kept')
  })
  await withCall({ script: { voicemail: { speakMs: [2000] } } }, async (c) => {
    await start(c)
    await c.command('event json CUSTOM vm::maintenance')
    for (const skip of SKIPS) await exec(c, 'set', `${skip}=true`)
    const none = await exec(c, 'voicemail', 'default example.com 1000')
    t.same(
      names(none),
      ['CHANNEL_EXECUTE voicemail', 'DTMF', 'CHANNEL_HANGUP', 'CHANNEL_EXECUTE_COMPLETE voicemail'],
      'no CUSTOM; the caller with nothing more to say hung up, then the app returned (trace voicemail_short)',
    )
    t.equal(variable(complete(none), 'voicemail_file_path'), undefined)
    t.equal(variable(complete(none), 'record_ms'), '0')
  })
})

t.test('voicemail: a box the directory lacks returns at once, the call up, the skip_* variables gone', async (t) => {
  await withCall({ switch: { voicemailBoxes: ['1000'] } }, async (c) => {
    await start(c)
    await c.command('event json CUSTOM vm::maintenance')
    for (const skip of SKIPS) await exec(c, 'set', `${skip}=true`)
    const events = await exec(c, 'voicemail', 'default example.com nosuchbox')
    t.same(names(events), ['CHANNEL_EXECUTE voicemail', 'CHANNEL_EXECUTE_COMPLETE voicemail'])
    const done = complete(events)
    t.equal(done?.['Answer-State'], 'answered')
    t.equal(done?.['Application-Response'], '_none_')
    t.notOk(
      Object.keys(done ?? {}).some((k) => /^variable_(voicemail|record)_/.test(k)),
      'no voicemail_* or record_* variables',
    )
    t.same(
      SKIPS.filter((s) => variable(done, s) !== undefined),
      ['skip_record_check'],
      'mod_voicemail removed the other skip_* variables',
    )
  })
})

t.test('voicemail: the caller hangs up while recording and still leaves the message', async (t) => {
  const { frames } = await withCall({ script: { voicemail: { speakMs: 5000, end: 'hangup' } } }, async (c) => {
    await start(c, 'plain')
    await c.command('linger')
    await c.command('event plain CUSTOM vm::maintenance')
    await exec(c, 'voicemail', 'default example.com 1000')
    await c.command('exit')
  })
  t.same(
    summary(frames).filter((s) => /voicemail|HANGUP$|CUSTOM/.test(s)),
    ['CHANNEL_EXECUTE voicemail', 'CHANNEL_HANGUP', 'CUSTOM vm::maintenance', 'CHANNEL_EXECUTE_COMPLETE voicemail'],
  )
})

t.test('record: silence ends it; a hangup ends it', async (t) => {
  await withCall({ script: { record: { speakMs: 2000 } } }, async (c) => {
    await start(c)
    const done = complete(await exec(c, 'record', '/tmp/r.wav 10 200 3'))
    t.equal(variable(done, 'silence_hits_exhausted'), 'true')
    t.equal(variable(done, 'record_ms'), '5000')
    t.equal(done?.['Application-Response'], '_none_')
  })
  await withCall({ script: { record: { speakMs: 2000, end: 'hangup' } } }, async (c) => {
    await start(c)
    const events = await exec(c, 'record', '/tmp/r.wav 10 200 3')
    t.same(names(events), ['CHANNEL_EXECUTE record', 'CHANNEL_HANGUP', 'CHANNEL_EXECUTE_COMPLETE record'])
    t.equal(variable(events[1], 'silence_hits_exhausted'), 'false', 'set before the hangup event')
  })
})

t.test('an unknown application hangs up with DESTINATION_OUT_OF_ORDER and fires no EXECUTE', async (t) => {
  const { result } = await withCall({}, async (c) => {
    await start(c)
    c.send(sendmsg('no_such_app', 'x'))
    const rest = await c.rest()
    t.same(summary(rest).slice(0, 2), ['reply +OK', 'CHANNEL_HANGUP'])
    t.notOk(summary(rest).includes('CHANNEL_EXECUTE no_such_app'))
  })
  t.equal(result.hangupCause, 'DESTINATION_OUT_OF_ORDER')
  t.equal(result.apps.find((a) => a.name === 'no_such_app')?.skipped, 'invalid application')
})

t.test('after the hangup, applications are ignored without events', async (t) => {
  const { result } = await withCall({}, async (c) => {
    await c.command('connect')
    await c.command('linger')
    await c.command('myevents json')
    await c.command('sendmsg\ncall-command: hangup\nhangup-cause: NORMAL_CLEARING')
    await c.until((f) => summary([f])[0] === 'disconnect-notice linger')
    t.same(summary(await c.command(sendmsg('playback', 'x.wav').trimEnd())), ['reply +OK'])
    t.same(summary(await c.command('exit')), ['reply +OK bye'])
  })
  t.equal(result.apps.find((a) => a.name === 'playback')?.skipped, 'channel down')
})

t.test('hold music runs until broken; a command sent meanwhile runs nested inside it', async (t) => {
  await withCall({}, async (c) => {
    await start(c)
    c.send(sendmsg('playback', 'local_stream://moh', 'b0000000-0000-4000-8000-000000000001'))
    t.same(summary(await c.next(2)), ['reply +OK', 'CHANNEL_EXECUTE playback'])
    const nested = await exec(c, 'playback', 'silence_stream://200')
    t.same(names(nested), ['CHANNEL_EXECUTE playback', 'CHANNEL_EXECUTE_COMPLETE playback'])
    const broken = await exec(c, 'break')
    t.same(names(broken), ['CHANNEL_EXECUTE break', 'CHANNEL_EXECUTE_COMPLETE break'])
    const [outer] = await c.next()
    t.same(summary([outer!]), ['CHANNEL_EXECUTE_COMPLETE playback'])
  })
})

t.test('event-lock: a command sent meanwhile waits for the locked application', async (t) => {
  await withCall({}, async (c) => {
    await start(c)
    const [uuidReply] = await c.command('getvar uuid')
    const uuid = uuidReply!.headers.find(([n]) => n === 'Reply-Text')![1]
    c.send(sendmsg('playback', 'local_stream://moh', undefined, 'event-lock: true\n'))
    await c.next(2)
    c.send(sendmsg('playback', 'silence_stream://200'))
    t.same(summary(await c.next()), ['reply +OK'])
    t.same(summary(await c.command(`api uuid_break ${uuid}`)), ['api +OK'], 'nothing ran nested meanwhile')
    t.same(summary(await c.next(3)), [
      'CHANNEL_EXECUTE_COMPLETE playback',
      'CHANNEL_EXECUTE playback',
      'CHANNEL_EXECUTE_COMPLETE playback',
    ])
  })
})

t.test('the caller hangs up during the Nth application; loops repeat an application', async (t) => {
  const { result } = await withCall({ script: { hangup: { duringApp: 3 } } }, async (c) => {
    await start(c)
    c.send(sendmsg('playback', 'silence_stream://600', undefined, 'loops: 2\n'))
    const [reply, ...frames] = await c.next(6)
    t.same(summary([reply!]), ['reply +OK'])
    const looped = frames.map(eventOf)
    t.same(names(looped), [
      'CHANNEL_EXECUTE playback',
      'CHANNEL_EXECUTE_COMPLETE playback',
      'CHANNEL_EXECUTE playback',
      'CHANNEL_HANGUP',
      'CHANNEL_EXECUTE_COMPLETE playback',
    ])
    t.same(
      looped.map((e) => variable(e, 'current_loop')),
      ['1', '1', '2', '2', '2'],
    )
  })
  t.equal(result.hangupBy, 'caller')
  t.equal(result.apps[2]?.response, 'PLAYBACK ERROR', 'the third application (second loop) was cut')
})

t.test('missing files and pre-answer', async (t) => {
  await withCall({ switch: { missingFiles: [/^missing\//] } }, async (c) => {
    await c.command('connect')
    await c.command('myevents json')
    const events = await exec(c, 'playback', 'missing/hello.wav')
    t.same(names(events), ['CHANNEL_PROGRESS_MEDIA', 'CHANNEL_EXECUTE playback', 'CHANNEL_EXECUTE_COMPLETE playback'])
    t.equal(events[1]?.['Answer-State'], 'early')
    t.equal(complete(events)?.['Application-Response'], 'FILE NOT FOUND')
  })
})
