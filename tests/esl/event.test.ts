/** EslEvent over every event of the recorded traces, JSON and plain alike, and over bodies FreeSWITCH never sends. */
import t from 'tap'
import { EslEvent, EventFormatError } from '../../lib/esl/event.js'
import type { Frame } from '../../lib/esl/frame.js'
import { received, referenceFrames, sent, traceNames } from './traces.js'

const events = (name: string): EslEvent[] =>
  referenceFrames(received(name)).flatMap((frame) => EslEvent.fromFrame(frame) ?? [])

const eventFrame = (type: string, body: string): Frame => ({
  headers: new Map([
    ['Content-Length', String(Buffer.byteLength(body))],
    ['Content-Type', type],
  ]),
  body: Buffer.from(body),
})
const json = (body: string) => EslEvent.fromFrame(eventFrame('text/event-json', body))!
const plain = (body: string) => EslEvent.fromFrame(eventFrame('text/event-plain', body))!

t.test('the quick name and Application-UUID agree with the full parse, for every recorded event', async (t) => {
  let count = 0
  for (const name of traceNames) {
    const quick = events(name)
    const full = events(name)
    full.forEach((event) => event.get('Event-Name'))
    for (const [i, event] of quick.entries()) {
      const other = full[i]!
      if (event.name !== other.name || event.applicationUuid !== other.applicationUuid || event.name === '') {
        t.fail(`${name} event ${i}: ${event.name}/${other.name} ${event.applicationUuid}/${other.applicationUuid}`)
      }
      count++
    }
    t.ok(quick.length > 0, name)
  }
  t.equal(count, 712, 'events checked')
})

t.test('each execute we sent completes with the Application-UUID we gave it', async (t) => {
  for (const name of ['basic-plain', 'basic-json', 'dtmf-plain', 'dtmf-json', 'bridge-plain', 'bridge-json']) {
    const ours = [
      ...sent(name)
        .toString()
        .matchAll(/^Event-UUID: (.+)$/gm),
    ].map((match) => match[1])
    const completed = events(name)
      .filter((event) => event.name === 'CHANNEL_EXECUTE_COMPLETE' && event.application !== 'socket')
      .map((event) => event.applicationUuid)
    t.same(completed, ours, name)
  }
})

t.test('the same scenario reads the same in JSON and plain', async (t) => {
  for (const format of ['json', 'plain']) {
    const dtmf = events(`dtmf-${format}`)
    t.same(
      dtmf.filter((event) => event.name === 'DTMF').map((event) => event.dtmfDigit),
      ['3', '4', '#', '5', '6', '#'],
      format,
    )
    const reads = dtmf.filter(
      (event) => event.name === 'CHANNEL_EXECUTE_COMPLETE' && event.application === 'play_and_get_digits',
    )
    t.same(
      reads.map((event) => [event.variable('read_result'), event.variable('ivr_digits'), event.applicationResponse]),
      [
        ['failure', undefined, '_none_'],
        ['success', '34', '_none_'],
        ['success', '56', '_none_'],
      ],
      format,
    )
    const basic = events(`basic-${format}`)
    const played = basic.find((event) => event.application === 'playback' && event.name === 'CHANNEL_EXECUTE_COMPLETE')
    t.equal(played?.applicationResponse, 'FILE PLAYED', format)
    t.equal(played?.variableText('current_application_data'), 'tone_stream://%(500,500,440);loops=2', format)
    const cut = events(`hangup-${format}`)
    t.equal(cut.find((event) => event.name === 'CHANNEL_HANGUP')?.hangupCause, 'NORMAL_CLEARING', format)
    t.equal(cut.find((event) => event.application === 'playback')?.format, format)
  }
  const busy = events('bridge_nocof-plain').find((event) => event.name === 'CHANNEL_HANGUP')
  t.equal(busy?.hangupCause, 'USER_BUSY')
})

t.test('multi-valued variables are arrays in both formats; text() gives the ARRAY:: form', async (t) => {
  for (const format of ['json', 'plain']) {
    const causes = events(`bridge-${format}`)
      .map((event) => event.variable('originate_causes'))
      .find((value) => Array.isArray(value))
    t.ok(causes && causes.length >= 2, format)
    t.match(causes?.[0], /^[0-9a-f-]{36};[A-Z_]+$/, format)
  }
  const last = events('bridge-json').findLast((event) => Array.isArray(event.variable('originate_causes')))!
  t.equal(last.variableText('originate_causes'), `ARRAY::${(last.variable('originate_causes') as string[]).join('|:')}`)
  const single = events('bridge_hangup').find((event) => event.variable('originate_causes') !== undefined)
  t.match(single?.variable('originate_causes'), /;ORIGINATOR_CANCEL$/, 'one entry: a plain string')
})

t.test("an event's own body", async (t) => {
  const job = events('getvar_api').find((event) => event.name === 'BACKGROUND_JOB')
  t.equal(job?.body, '5\n')
  t.equal(job?.get('Job-Command'), 'uptime')
  const withBody = plain('Event-Name: CUSTOM\nContent-Length: 23\n\nEvent-Name: FAKE\nbody\n\n')
  t.equal(withBody.name, 'CUSTOM', 'the quick path does not look into the body')
  t.equal(withBody.body, 'Event-Name: FAKE\nbody\n\n')
  t.equal(plain('Event-Name: X\nApplication: a\n\n').body, undefined)
})

t.test('frames that are not events', async (t) => {
  const frames = referenceFrames(received('hangup_linger-plain'))
  const others = frames.filter((frame) => !frame.headers.get('Content-Type')?.startsWith('text/event-'))
  t.same(
    others.map((frame) => EslEvent.fromFrame(frame)),
    others.map(() => undefined),
  )
  t.throws(
    () => EslEvent.fromFrame({ headers: new Map([['Content-Type', 'text/event-json']]), body: undefined }),
    EventFormatError,
  )
})

t.test('the quick path is not fooled, and falls back when unsure', async (t) => {
  const spoof = json(JSON.stringify({ 'Application-Data': '"Event-Name":"FAKE"', 'Event-Name': 'CHANNEL_EXECUTE' }))
  t.equal(spoof.name, 'CHANNEL_EXECUTE')
  t.equal(json('{"Event-Name":"A\\"B"}').name, 'A"B', 'an escape: parsed')
  t.same(json('{"Event-Name":"X","Application-UUID":["u1","u2"]}').applicationUuid, 'ARRAY::u1|:u2')
  t.equal(json('{"Event-Name":"X"}').applicationUuid, undefined)
  t.equal(plain('Event-Name: A%20B\nApplication-UUID: u1\n\n').name, 'A B')
  t.equal(plain('Event-Name: A\nX: Application-UUID: u1\n\n').applicationUuid, undefined)
  t.equal(plain('Application-UUID: u1\nEvent-Name: A\n\n').applicationUuid, 'u1', 'on the first line')
  t.equal(plain('Event-Name: A').name, 'A', 'no blank line')
})

t.test('a body FreeSWITCH never sends: the quick path still answers, the full parse throws', async (t) => {
  const broken = json('{"Event-Name":"DTMF","Application-UUID":"u1", "DTMF-Digit":')
  t.equal(broken.name, 'DTMF')
  t.equal(broken.applicationUuid, 'u1')
  t.throws(() => broken.dtmfDigit, EventFormatError)
  for (const body of ['[]', '"text"', 'null', '{"Event-Name":"X","n":1}', '{"Event-Name":"X","a":["b",2]}']) {
    t.throws(() => json(body).get('Event-Name'), EventFormatError, body)
  }
  t.throws(() => plain('Event-Name: X\nContent-Length: 9\n\nshort').get('Event-Name'), EventFormatError)
  t.throws(() => plain('Event-Name: X\nContent-Length: -1\n\n').get('Event-Name'), EventFormatError)
})
