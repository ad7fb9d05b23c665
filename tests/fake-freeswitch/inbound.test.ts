/**
 * The simulator's inbound Event Socket, byte for byte as mod_event_socket writes it (listener_run, parse_command,
 * api_exec, send_disconnect): the greeting, auth, the api/response frame, bgapi and its BACKGROUND_JOB, the ACL.
 */
import { connect, type Socket } from 'node:net'
import t, { type Test } from 'tap'
import { FakeInboundSwitch } from '../../lib/testing/fake-freeswitch/index.js'
import { FrameReader, get, type Frame } from './frames.js'

const GOODBYE =
  'Content-Type: text/disconnect-notice\nContent-Length: 67\n\nDisconnected, goodbye.\nSee you at ClueCon! http://www.cluecon.com/\n'

type Client = { socket: Socket; next(): Promise<Frame>; closed: Promise<string> }

/** A raw client: frames as they arrive, and everything received once the switch closes. */
async function client(t: Test, options: ConstructorParameters<typeof FakeInboundSwitch>[0] = {}): Promise<Client> {
  const fs = new FakeInboundSwitch({ password: 'pw', modules: ['mod_voicemail'], ...options })
  const { port } = await fs.listen()
  t.teardown(() => fs.close())
  const socket = connect({ host: '127.0.0.1', port })
  const reader = new FrameReader()
  const frames: Frame[] = []
  const waiting: ((f: Frame) => void)[] = []
  let all = ''
  socket.on('data', (chunk: Buffer) => {
    all += chunk.toString('utf8')
    for (const frame of reader.push(chunk)) {
      const waiter = waiting.shift()
      if (waiter) waiter(frame)
      else frames.push(frame)
    }
  })
  const closed = new Promise<string>((resolve) => socket.on('close', () => resolve(all)))
  return {
    socket,
    next: () => new Promise((resolve) => (frames.length ? resolve(frames.shift()!) : waiting.push(resolve))),
    closed,
  }
}

t.test('greeting, auth accepted, api/response with Content-Length, exit', async (t) => {
  const c = await client(t)
  t.equal((await c.next()).raw.toString(), 'Content-Type: auth/request\n\n')
  c.socket.write('api status\n\n')
  t.equal((await c.next()).raw.toString(), 'Content-Type: command/reply\nReply-Text: -ERR command not found\n\n')
  c.socket.write('auth pw\n\n')
  t.equal((await c.next()).raw.toString(), 'Content-Type: command/reply\nReply-Text: +OK accepted\n\n')
  c.socket.write('api module_exists mod_voicemail\n\n')
  t.equal((await c.next()).raw.toString(), 'Content-Type: api/response\nContent-Length: 4\n\ntrue')
  c.socket.write('api module_exists mod_flite\n\napi module_exists\n\napi nosuch x\n\n')
  t.equal((await c.next()).body, 'false')
  t.equal((await c.next()).body, '-ERR no reply\n', 'no argument: no output, which api turns into -ERR no reply')
  t.equal((await c.next()).body, '-ERR nosuch Command not found!\n')
  c.socket.write('api status\n\n')
  const status = await c.next()
  t.equal(get(status, 'Content-Length'), String(Buffer.byteLength(status.body)))
  t.match(status.body, /^UP 0 years, 0 days, 0 hours, 0 minutes, \d+ seconds?, \d+ milliseconds?, 0 microseconds\n/)
  t.match(status.body, /\nFreeSWITCH \(Version 1\.10\.12-release 64bit\) is ready\n/)
  c.socket.write('exit\n\n')
  t.ok((await c.closed).endsWith('Content-Type: command/reply\nReply-Text: +OK bye\n\n' + GOODBYE))
})

t.test('a wrong password: -ERR invalid, the disconnect notice, the close', async (t) => {
  const c = await client(t)
  await c.next()
  c.socket.write('auth ClueCon\n\n')
  t.equal(
    await c.closed,
    `Content-Type: auth/request\n\nContent-Type: command/reply\nReply-Text: -ERR invalid\n\n${GOODBYE}`,
  )
})

t.test('bgapi: +OK Job-UUID, then BACKGROUND_JOB to a client subscribed to it', async (t) => {
  const c = await client(t)
  await c.next()
  c.socket.write('auth pw\n\nevent json BACKGROUND_JOB\n\nbgapi module_exists mod_voicemail\njob-uuid: 0001\n\n')
  await c.next()
  t.equal(
    (await c.next()).raw.toString(),
    'Content-Type: command/reply\nReply-Text: +OK event listener enabled json\n\n',
  )
  t.equal(
    (await c.next()).raw.toString(),
    'Content-Type: command/reply\nReply-Text: +OK Job-UUID: 0001\nJob-UUID: 0001\n\n',
  )
  const job = await c.next()
  t.equal(
    job.raw.toString().split('\n\n')[0],
    `Content-Length: ${Buffer.byteLength(job.body)}\nContent-Type: text/event-json`,
  )
  t.match(JSON.parse(job.body), {
    'Event-Name': 'BACKGROUND_JOB',
    'Event-Calling-File': 'mod_event_socket.c',
    'Job-UUID': '0001',
    'Job-Command': 'module_exists',
    'Job-Command-Arg': 'mod_voicemail',
    'Content-Length': '4',
    _body: 'true',
  })
})

t.test('xml_locate: the context as one element, or the two failure texts', async (t) => {
  const c = await client(t, {
    dialplan: { public: '<?xml version="1.0"?>\n<!-- a comment -->\n<include>\n  <extension name="x"/>\n</include>\n' },
  })
  await c.next()
  c.socket.write('auth pw\n\napi xml_locate dialplan context name public\n\n')
  await c.next()
  t.equal((await c.next()).body, '<context name="public">\n<extension name="x"/>\n</context>\n')
  c.socket.write('api xml_locate dialplan context name default\n\napi xml_locate dialplan context\n\n')
  t.equal((await c.next()).body, "can't find anything\n")
  t.equal((await c.next()).body, '-Error bad args\n')
})

t.test('the ACL: text/rude-rejection, the disconnect notice, the close; no greeting', async (t) => {
  const c = await client(t, { allow: () => false })
  t.equal(
    await c.closed,
    `Content-Type: text/rude-rejection\nContent-Length: 24\n\nAccess Denied, go away.\n${GOODBYE}`,
  )
})

t.test('no auth in time: the disconnect notice and the close', async (t) => {
  const c = await client(t, { authTimeoutMs: 10 })
  t.equal(await c.closed, `Content-Type: auth/request\n\n${GOODBYE}`)
})
