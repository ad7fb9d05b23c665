/** The listener's protocol: connect reply, first packet, the full gate, exact replies, subscriptions, formats. */
import { readFileSync } from 'node:fs'
import t from 'tap'
import { FakeFreeSwitch, replayTrace } from '../../lib/testing/fake-freeswitch/index.js'
import { eventOf, get, readFrames } from './frames.js'
import { exec, router, start, summary, withCall } from './helpers.js'
import { Router } from './router.js'

t.teardown(() => router.close())

const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g

t.test('the connect reply is the recorded one, header by header, ids and times aside', async (t) => {
  const recorded = readFrames(readFileSync(new URL('../fixtures/freeswitch/basic-json.recv.raw', import.meta.url)))[0]!
  const call = replayTrace('basic-json', { port: router.port })
  const connection = await router.accept()
  const [reply] = await connection.command('connect')
  connection.socket.end()
  await call.result
  const channel = 'a76e420f-3152-41fd-9af4-dd945061dae0'
  const normal = (text: string) =>
    text
      .replace(UUID, (id) => (id === channel ? id : '<uuid>'))
      .replace(/^(Event-Date-\w+|Event-Sequence|variable_session_id|\S+-Time): .*$/gm, '$1: <varies>')
      .replace(/127\.0\.0\.1%3A\d+/g, '127.0.0.1%3A<port>')
  t.equal(normal(reply!.raw.toString()), normal(recorded.raw.toString()))
  t.match(
    reply!.raw.toString(),
    /\nContent-Type: command\/reply\nReply-Text: %2BOK%0A\nSocket-Mode: async\nControl: full\n\n$/,
  )
})

t.test('the first packet gets no reply unless it is connect', async (t) => {
  const { frames, result } = await withCall({}, async (c) => {
    c.send('myevents json\n\n')
    t.same(summary(await c.command('connect')), ['CHANNEL_DATA'], 'myevents went unanswered')
    t.same(summary(await c.command('myevents json')), ['reply -ERR aready enabled.'], 'but it did subscribe')
  })
  t.same(summary(frames).slice(2), ['disconnect-notice disconnect'], 'then only the disconnect notice')
  t.match(result.problems, [/first packet was "myevents json"/])
})

t.test('no first packet: FreeSWITCH gives up, says goodbye and closes', async (t) => {
  const { frames, result } = await withCall({ firstPacketTimeoutMs: 10 }, (c) => c.closed)
  t.same(summary(frames), ['disconnect-notice disconnect'])
  t.equal(result.closeReason, 'first-packet-timeout')
  t.equal(result.hangupBy, 'dialplan', 'the socket app returns and the dialplan ends the call')
})

t.test('exact reply bytes', async (t) => {
  await withCall({}, async (c) => {
    await c.command('connect')
    const raw = async (command: string) => (await c.command(command)).map((f) => f.raw.toString())
    t.same(await raw('myevents json'), ['Content-Type: command/reply\nReply-Text: +OK Events Enabled\n\n'])
    t.same(await raw('myevents plain'), ['Content-Type: command/reply\nReply-Text: -ERR aready enabled.\n\n'])
    t.same(await raw('linger 5'), ['Content-Type: command/reply\nReply-Text: +OK will linger 5 seconds\n\n'])
    t.same(await raw('linger'), ['Content-Type: command/reply\nReply-Text: +OK will linger\n\n'])
    t.same(await raw('nolinger'), ['Content-Type: command/reply\nReply-Text: +OK will not linger\n\n'])
    t.same(await raw('event json'), ['Content-Type: command/reply\nReply-Text: -ERR no keywords supplied\n\n'])
    t.same(await raw('getvar not_set'), ['Content-Type: command/reply\nReply-Text: -ERR command not found\n\n'])
    t.same(await raw('getvar caller_id_number'), ['Content-Type: command/reply\nReply-Text: 01012345678\n\n'])
    t.same(await raw('frobnicate'), ['Content-Type: command/reply\nReply-Text: -ERR command not found\n\n'])
    t.same(await raw('api uptime'), ['Content-Type: api/response\nContent-Length: 2\n\n0\n'])
    t.same(await raw('api nosuchcmd foo'), [
      'Content-Type: api/response\nContent-Length: 34\n\n-ERR nosuchcmd Command not found!\n',
    ])
    t.same(await raw('sendmsg 00000000-0000-4000-8000-000000000000\ncall-command: hangup'), [
      'Content-Type: command/reply\nReply-Text: -ERR invalid session id [00000000-0000-4000-8000-000000000000]\n\n',
    ])
    const bye = await c.command('exit')
    t.same(
      bye.map((f) => f.raw.toString()),
      ['Content-Type: command/reply\nReply-Text: +OK bye\n\n'],
    )
    const [notice] = await c.rest()
    t.equal(get(notice!, 'Content-Disposition'), 'disconnect')
    t.equal(notice!.body, 'Disconnected, goodbye.\nSee you at ClueCon! http://www.cluecon.com/\n')
    t.equal(get(notice!, 'Content-Length'), '67')
  })
})

t.test('api uuid_setvar stores literally, uuid_getvar reads, other channels do not exist', async (t) => {
  const { result } = await withCall({}, async (c) => {
    await c.command('connect')
    const uuid = (await c.command('getvar uuid')).map((f) => get(f, 'Reply-Text'))[0]!
    const body = async (command: string) => (await c.command(command))[0]!.body
    t.equal(await body(`api uuid_setvar ${uuid} note \${md5(x)} and more`), '+OK\n')
    t.equal(await body(`api uuid_getvar ${uuid} note`), '${md5(x)} and more')
    t.equal(await body(`api uuid_getvar ${uuid} nothing`), '_undef_')
    t.equal(await body('api uuid_getvar 00000000-0000-4000-8000-000000000000 note'), '-ERR No such channel!\n')
    t.equal(await body(`api uuid_break ${uuid}`), '+OK\n')
  })
  t.same(result.dangerous, [], 'uuid_setvar is no expansion')
  t.equal(result.variables['note'], '${md5(x)} and more')
})

t.test('without full the global commands are not found, the channel ones work', async (t) => {
  const { frames } = await withCall({ full: false }, async (c) => {
    const [data] = await c.command('connect')
    t.equal(get(data!, 'Control'), 'single-channel')
    for (const command of ['linger', 'nolinger', 'event json ALL', 'api uptime', 'bgapi uptime', 'nixevent DTMF']) {
      t.same(summary(await c.command(command)), ['reply -ERR command not found'], command)
    }
    t.same(summary(await c.command('myevents json')), ['reply +OK Events Enabled'])
    t.same(summary(await exec(c, 'answer').then(() => [])), [])
  })
  t.ok(summary(frames).includes('CHANNEL_ANSWER'), 'sendmsg works without full')
})

t.test('events only once subscribed, and only those asked for', async (t) => {
  await withCall({}, async (c) => {
    await c.command('connect')
    t.same(summary(await c.command('sendmsg\ncall-command: execute\nexecute-app-name: answer\n')), ['reply +OK'])
    t.same(summary(await c.command('event json CHANNEL_EXECUTE_COMPLETE')), ['reply +OK event listener enabled json'])
    const events = await exec(c, 'playback', 'silence_stream://100')
    t.same(
      events.map((e) => e['Event-Name']),
      ['CHANNEL_EXECUTE_COMPLETE'],
      'no EXECUTE, no unsubscribed events before',
    )
  })
})

t.test(
  'plain and json carry the same event; plain values URL-encoded, Content-Length counting the blank line',
  async (t) => {
    const channel = { callerName: '홍길동 #1', callerNumber: '+821012345678' }
    const bodies: Record<string, string> = {}
    for (const format of ['plain', 'json']) {
      const { frames } = await withCall({ channel }, async (c) => {
        await c.command('connect')
        await c.command(`myevents ${format}`)
        await exec(c, 'answer')
      })
      const answer = frames.find((f) => get(f, 'Content-Type') === `text/event-${format}`)!
      t.equal(Number(get(answer, 'Content-Length')), Buffer.byteLength(answer.body))
      bodies[format] = answer.body
      t.equal(eventOf(answer)['Caller-Caller-ID-Name'], '홍길동 #1')
      t.equal(eventOf(answer)['Caller-Caller-ID-Number'], '+821012345678')
    }
    t.match(bodies['plain'], /\nCaller-Caller-ID-Name: %ED%99%8D%EA%B8%B8%EB%8F%99%20%231\n/)
    t.match(bodies['plain'], /\nCaller-Caller-ID-Number: %2B821012345678\n/)
    t.ok(bodies['plain']!.endsWith('\n\n'))
    t.match(bodies['json'], /"Caller-Caller-ID-Name":"홍길동 #1"/)
    t.match(bodies['json'], /"variable_origination_caller_id_name":"홍길동 #1"/)
    t.match(bodies['json'], /"variable_DP_MATCH":\["07012345678","07012345678"\]/, 'array variables as arrays')
  },
)

t.test('filter and CUSTOM subclasses', async (t) => {
  await withCall({}, async (c) => {
    await c.command('connect')
    t.same(summary(await c.command('filter Event-Name CHANNEL_ANSWER')), [
      'reply +OK filter added. [Event-Name]=[CHANNEL_ANSWER]',
    ])
    await c.command('event json ALL')
    c.send('sendmsg\ncall-command: execute\nexecute-app-name: answer\n\n')
    t.same(summary(await c.next(2)), ['reply +OK', 'CHANNEL_ANSWER'])
    t.same(summary(await c.command('filter delete all')), ['reply +OK filter deleted. [all][]'])
    t.same(summary(await c.command('noevents')), ['reply +OK no longer listening for events'])
    t.same(summary(await c.command('noevents')), ['reply -ERR not listening for events'])
  })
})

t.test(
  'static (sync) mode: a command waits for the application before it, whose events follow its reply',
  async (t) => {
    const playThenAsk =
      'sendmsg\ncall-command: execute\nexecute-app-name: playback\nexecute-app-arg: silence_stream://300\n\n' +
      'getvar caller_id_number\n\n'
    for (const async of [false, true]) {
      await withCall({ async }, async (c) => {
        const [data] = await c.command('connect')
        t.equal(get(data!, 'Socket-Mode'), async ? 'async' : 'static')
        await c.command('myevents json')
        await exec(c, 'answer')
        c.send(playThenAsk)
        const order = async
          ? ['reply +OK', 'reply 01012345678', 'CHANNEL_EXECUTE playback', 'CHANNEL_EXECUTE_COMPLETE playback']
          : ['reply +OK', 'CHANNEL_EXECUTE playback', 'CHANNEL_EXECUTE_COMPLETE playback', 'reply 01012345678']
        t.same(summary(await c.next(4)), order, async ? 'async' : 'static')
      })
    }
  },
)

t.test('bgapi: the Job-UUID reply, then BACKGROUND_JOB only when subscribed', async (t) => {
  await withCall({}, async (c) => {
    await start(c)
    const [reply] = await c.command('bgapi uptime\nJob-UUID: 11111111-2222-4333-8444-555555555555')
    t.equal(
      reply!.raw.toString(),
      'Content-Type: command/reply\nReply-Text: +OK Job-UUID: 11111111-2222-4333-8444-555555555555\n' +
        'Job-UUID: 11111111-2222-4333-8444-555555555555\n\n',
    )
    await c.command('event json BACKGROUND_JOB')
    await c.command('bgapi uptime')
    const [job] = await c.next()
    t.equal(eventOf(job!)['Event-Name'], 'BACKGROUND_JOB')
    t.equal(eventOf(job!)['_body'], '0\n')
  })
})

t.test('nobody listening: the result says so', async (t) => {
  const closed = await Router.start()
  const port = closed.port
  await closed.close()
  const result = await new FakeFreeSwitch({ seed: 1 }).call({ port }).result
  t.equal(result.closeReason, 'connection-failed')
  t.match(result.problems, [/ECONNREFUSED/])
  t.same(result.commands, [])
})

t.test('api uuid_setvar_multi: pairs split like FreeSWITCH, escaped semicolons kept, a bare name unsets', async (t) => {
  const { result } = await withCall({}, async (c) => {
    await c.command('connect')
    const uuid = get((await c.command('getvar uuid'))[0]!, 'Reply-Text')!
    await c.command(`api uuid_setvar ${uuid} gone yes`)
    const [reply] = await c.command(`api uuid_setvar_multi ${uuid} a=1;b=x\\;y;gone;c=\${md5(x)}`)
    t.equal(reply!.body, '+OK\n')
    t.equal(
      (await c.command('api uuid_setvar_multi 00000000-0000-4000-8000-000000000000 a=1'))[0]!.body,
      '-ERR No such channel!\n-USAGE: <uuid> <var>=<value>;<var>=<value>...\n',
    )
  })
  t.equal(result.variables['a'], '1')
  t.equal(result.variables['b'], 'x;y')
  t.equal(result.variables['c'], '${md5(x)}')
  t.equal(result.variables['gone'], undefined)
  t.same(result.dangerous, [])
})
