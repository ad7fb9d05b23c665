/**
 * The inbound socket's `originate` against the shared phone book: answered, busy, no answer (60 s by default),
 * unregistered, a phone in use, `uuid_kill`, a socket that refuses, the agent hanging up, the blocking `api`, and
 * hostile commands noted in `problems`.
 */
import { connect, createServer } from 'node:net'
import t, { type Test } from 'tap'
import {
  FakeFreeSwitch,
  FakeInboundSwitch,
  type FakeFreeSwitchOptions,
  type InboundOptions,
  type PhoneLeg,
} from '../../lib/testing/fake-freeswitch/index.js'
import { eventOf, get, isEvent, type Frame } from './frames.js'
import { Connection, Router } from './router.js'

const EVENTS = 'event json BACKGROUND_JOB CHANNEL_ORIGINATE CHANNEL_ANSWER CHANNEL_HANGUP_COMPLETE'

async function inbound(t: Test, phones: FakeFreeSwitchOptions['phones'], options: InboundOptions = {}) {
  const fs = new FakeFreeSwitch({ seed: 5, idleSpeed: 1000, phones: phones ?? {} })
  const sw = new FakeInboundSwitch({ switch: fs, ...options })
  const { port } = await sw.listen()
  t.teardown(() => sw.close())
  const client = new Connection(connect({ host: '127.0.0.1', port }))
  await client.next()
  await client.command('auth ClueCon')
  await client.command(EVENTS)
  return { fs, sw, client }
}

/** Events up to the BACKGROUND_JOB: their names (with the leg) and the job's body. */
async function job(client: Connection, command: string): Promise<{ events: string[]; body: string; frames: Frame[] }> {
  await client.command(command)
  const frames = await client.until((f) => isEvent(f) && eventOf(f)['Event-Name'] === 'BACKGROUND_JOB')
  const events = frames.map((f) => {
    const e = eventOf(f)
    return e['Event-Name'] === 'BACKGROUND_JOB'
      ? 'BACKGROUND_JOB'
      : `${String(e['Event-Name'])} ${String(e['Channel-Name'])}`
  })
  return { events, body: String(eventOf(frames.at(-1)!)['_body']), frames }
}

const hangups = (frames: Frame[]) =>
  frames.filter((f) => isEvent(f) && eventOf(f)['Event-Name'] === 'CHANNEL_HANGUP_COMPLETE').map((f) => eventOf(f))

t.test('busy, no answer after the default 60 s, unregistered user, error/ target', async (t) => {
  const { client, fs } = await inbound(t, {
    'user/2001@pbx': { outcome: 'busy' },
    'user/2002@pbx': { outcome: 'no-answer' },
  })
  const busy = await job(client, 'bgapi originate {ivr_callback=cb}user/2001@pbx &park()')
  t.same(busy.events.slice(0, 2), [
    'CHANNEL_ORIGINATE sofia/internal/2001@pbx',
    'CHANNEL_HANGUP_COMPLETE sofia/internal/2001@pbx',
  ])
  t.equal(busy.body, '-ERR USER_BUSY\n')
  t.equal(hangups(busy.frames)[0]!['variable_ivr_callback'], 'cb', 'the variables are on the channel')
  const started = fs.phones.legs.length
  const silent = await job(client, 'bgapi originate user/2002@pbx &park()')
  t.equal(silent.body, '-ERR NO_ANSWER\n')
  const leg = fs.phones.legs[started]!
  t.ok((leg.endedAt! - leg.startedAt) * 1000 >= 59_000, 'rang for 60 s of idle-speed time')
  const unregistered = await job(client, 'bgapi originate user/2003@pbx &park()')
  t.same(unregistered.events, ['BACKGROUND_JOB'], 'no channel, no channel event')
  t.equal(unregistered.body, '-ERR USER_NOT_REGISTERED\n')
  t.equal((await job(client, 'bgapi originate error/user_busy &park()')).body, '-ERR USER_BUSY\n')
  t.equal(
    (await job(client, 'bgapi originate')).body,
    '-USAGE: <call url> <exten>|&<application_name>(<app_args>) [<dialplan>] [<context>] [<cid_name>] [<cid_num>] [<timeout_sec>]\n',
  )
})

t.test('answered and parked: uuid_kill hangs it up; a second originate to the phone is double-booked', async (t) => {
  const { client, fs } = await inbound(t, { 'user/2001@pbx': { ringMs: 500, talkMs: 3_600_000 } })
  const answered = await job(client, 'bgapi originate {origination_caller_id_number=07012345678}user/2001@pbx &park()')
  t.same(answered.events, [
    'CHANNEL_ORIGINATE sofia/internal/2001@pbx',
    'CHANNEL_ANSWER sofia/internal/2001@pbx',
    'BACKGROUND_JOB',
  ])
  const uuid = /^\+OK (\S+)\n$/.exec(answered.body)![1]!
  t.equal(eventOf(answered.frames[0]!)['Caller-Caller-ID-Number'], '07012345678')
  t.equal((await client.command(`api uuid_exists ${uuid}`)).at(-1)!.body, 'true')
  t.equal((await job(client, 'bgapi originate user/2001@pbx &park()')).body, '-ERR USER_BUSY\n', 'phone in use')
  t.equal(fs.phones.doubleBooked.length, 1)
  t.equal((await client.command(`api uuid_kill ${uuid}`)).at(-1)!.body, '+OK\n')
  const [end] = await client.next()
  t.equal(eventOf(end!)['Hangup-Cause'], 'NORMAL_CLEARING')
  t.equal(eventOf(end!)['variable_last_app'], 'park')
  t.equal((await client.command(`api uuid_kill ${uuid}`)).at(-1)!.body, '-ERR No such channel!\n')
  t.equal((await client.command('api show channels count')).at(-1)!.body, '\n0 total.\n')
})

t.test('a manual phone answers when picked up; api originate blocks and its events follow its reply', async (t) => {
  const { client, fs } = await inbound(t, { 'user/2001@pbx': { outcome: 'manual', talkMs: 3_600_000 } })
  fs.phones.once('ring', (leg) => setImmediate(() => fs.phones.answer(leg.target)))
  client.send('api originate user/2001@pbx &park()\n\n')
  const [reply, ...events] = await client.next(3)
  t.equal(get(reply!, 'Content-Type'), 'api/response')
  t.match(reply!.body, /^\+OK [0-9a-f-]{36}\n$/)
  t.same(
    events.map((f) => eventOf(f)['Event-Name']),
    ['CHANNEL_ORIGINATE', 'CHANNEL_ANSWER'],
  )
})

t.test('&socket: the router gets the answered channel; the agent hanging up ends it', async (t) => {
  const router = await Router.start()
  t.teardown(() => router.close())
  const { client } = await inbound(t, { 'loopback/1000/default': { ringMs: 0, talkMs: 3_600_000 } })
  const answered = await job(
    client,
    `bgapi originate {ivr_callback=cb-9,origination_caller_id_number=07012345678}loopback/1000/default '&socket(127.0.0.1:${router.port} async full)'`,
  )
  t.match(answered.body, /^\+OK /)
  const connection = await router.accept()
  const [data] = await connection.command('connect')
  const channel = eventOf(data!)
  t.equal(channel['variable_ivr_callback'], 'cb-9')
  t.equal(channel['Answer-State'], 'answered')
  t.equal(channel['Channel-State'], 'CS_EXECUTE')
  t.equal(channel['Caller-Destination-Number'], '1000')
  t.equal(channel['variable_origination_caller_id_number'], '07012345678')
  await connection.command('myevents json')
  await connection.command('linger')
  const uuid = String(channel['Unique-ID'])
  t.equal((await client.command(`api uuid_kill ${uuid}`)).at(-1)!.body, '+OK\n')
  // The router sees the hang-up, and so do the inbound clients once its socket is done.
  await connection.until((f) => isEvent(f) && eventOf(f)['Event-Name'] === 'CHANNEL_HANGUP_COMPLETE')
  connection.socket.end()
  const ends = await client.next(2)
  t.same(
    ends.map((f) => [eventOf(f)['Channel-Name'], eventOf(f)['Hangup-Cause']]),
    [
      ['loopback/1000-a', 'NORMAL_CLEARING'],
      ['loopback/1000-b', 'NORMAL_CLEARING'],
    ],
  )
})

t.test('&socket: the agent hangs up after talking talkMs', async (t) => {
  const router = await Router.start()
  t.teardown(() => router.close())
  const fs = new FakeFreeSwitch({ seed: 5, phones: { 'user/2001@pbx': { ringMs: 0, talkMs: 1000 } } })
  const sw = new FakeInboundSwitch({ switch: fs })
  const { port } = await sw.listen()
  t.teardown(() => sw.close())
  const client = new Connection(connect({ host: '127.0.0.1', port }))
  await client.next()
  await client.command('auth ClueCon')
  await client.command(EVENTS)
  const ended = new Promise<PhoneLeg>((resolve) => fs.phones.once('end', resolve))
  await job(client, `bgapi originate user/2001@pbx '&socket(127.0.0.1:${router.port} async full)'`)
  const connection = await router.accept()
  await connection.command('connect')
  await connection.command('myevents json')
  const [hangup] = await connection
    .until((f) => isEvent(f) && eventOf(f)['Event-Name'] === 'CHANNEL_HANGUP')
    .then((frames) => frames.slice(-1))
  t.equal(eventOf(hangup!)['Hangup-Cause'], 'NORMAL_CLEARING')
  t.equal((await ended).cause, 'NONE', 'the phone answered, then its leg ended with the call')
})

t.test('&socket to a port nobody listens on: the originate answers +OK, then the channel hangs up', async (t) => {
  const closed = createServer()
  await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve))
  const port = (closed.address() as { port: number }).port
  await new Promise<void>((resolve) => closed.close(() => resolve()))
  const { client } = await inbound(t, { 'user/2001@pbx': { ringMs: 0 } })
  const answered = await job(client, `bgapi originate user/2001@pbx '&socket(127.0.0.1:${port} async full)'`)
  t.match(answered.body, /^\+OK /)
  const [end] = await client.next()
  t.equal(eventOf(end!)['Event-Name'], 'CHANNEL_HANGUP_COMPLETE')
  t.equal(eventOf(end!)['Hangup-Cause'], 'NORMAL_CLEARING')
})

t.test('hostile input reaches the simulator as FreeSWITCH would get it, and is noted', async (t) => {
  const { client, sw } = await inbound(t, { 'user/2001@pbx': { outcome: 'busy' } })
  await job(client, 'bgapi originate {ivr_callback=${md5(x)}}user/2001@pbx &park()')
  t.match(sw.problems[0], /originate with \$\{/)
  // A line break in a caller name: the rest of the line becomes a header of the bgapi.
  await client.command('bgapi originate {origination_caller_id_name=Eve\nx: y}user/2001@pbx &park()')
  t.ok(sw.problems.some((p) => p.includes('went with a header line "x: y}user/2001@pbx &park()"')))
  // A blank line: what follows is a command of its own.
  await client.command('api status\n\n}loopback/1/default &park()')
  t.equal(get((await client.next())[0]!, 'Reply-Text'), '-ERR command not found')
  t.equal(sw.problems.at(-1), 'unknown command "}loopback/1/default &park()"')
})
