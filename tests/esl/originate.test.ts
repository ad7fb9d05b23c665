/**
 * lib/esl/originate.ts against the simulator over real sockets: the agent's phone answers and the channel connects
 * to a socket server the test runs, with the variables (spaces and commas intact) in its connect data; busy and
 * unregistered phones give the cause; kill; hostile input is refused before anything is sent.
 */
import { createServer, type Socket } from 'node:net'
import t from 'tap'
import { connectFreeSwitch } from '../../lib/esl/inbound-client.js'
import { kill, originate, originateArgument, OriginateRefused, type OriginateRequest } from '../../lib/esl/originate.js'
import { FakeFreeSwitch, FakeInboundSwitch } from '../../lib/testing/fake-freeswitch/index.js'

const fs = new FakeFreeSwitch({
  seed: 9,
  idleSpeed: 1000,
  phones: {
    'user/2001@pbx': { ringMs: 300, talkMs: 3_600_000 },
    'user/2002@pbx': { outcome: 'busy' },
    'user/2003@pbx': { outcome: 'unavailable' },
  },
})
const sw = new FakeInboundSwitch({ switch: fs })
const { port } = await sw.listen()
const connection = await connectFreeSwitch({ host: '127.0.0.1', port, password: 'ClueCon', timeoutMs: 5000 })
t.teardown(async () => {
  connection.close()
  await sw.close()
})

/** The router's outbound socket: resolves with the connect reply of the first channel that connects. */
async function socketServer(): Promise<{ port: number; connectData: Promise<string>; close(): Promise<void> }> {
  let socket: Socket | undefined
  const server = createServer()
  const connectData = new Promise<string>((resolve) => {
    server.on('connection', (s) => {
      socket = s
      let text = ''
      s.on('data', (chunk: Buffer) => {
        text += chunk.toString('utf8')
        if (text.includes('\n\n')) resolve(text.slice(0, text.indexOf('\n\n')))
      })
      s.write('connect\n\n')
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  return {
    port: (server.address() as { port: number }).port,
    connectData,
    close: () => {
      socket?.end()
      return new Promise((resolve) => server.close(() => resolve()))
    },
  }
}

const header = (block: string, name: string) =>
  decodeURIComponent(
    block
      .split('\n')
      .find((l) => l.startsWith(`${name}: `))
      ?.slice(name.length + 2) ?? '',
  )

t.test('the agent answers: +OK uuid, and the channel connects with the variables', async (t) => {
  const server = await socketServer()
  t.teardown(() => server.close())
  const result = await originate(connection, {
    dial: 'user/2001@pbx',
    variables: {
      ivr_callback: 'cb-42',
      origination_caller_id_name: 'Callback, queue 1',
      origination_caller_id_number: '07012345678',
    },
    timeoutSeconds: 20,
    then: { socket: { host: '127.0.0.1', port: server.port } },
  })
  t.ok(result.ok)
  const data = await server.connectData
  t.equal(header(data, 'Unique-ID'), result.ok ? result.uuid : '')
  t.equal(header(data, 'variable_ivr_callback'), 'cb-42')
  t.equal(header(data, 'variable_origination_caller_id_name'), 'Callback, queue 1', 'comma and spaces kept')
  t.equal(header(data, 'variable_originate_timeout'), '20')
  t.equal(header(data, 'Answer-State'), 'answered')
  t.same(sw.problems, [])
  t.equal(await kill(connection, result.ok ? result.uuid : ''), true)
})

t.test('busy, unregistered: the cause; kill of a channel that is gone: false', async (t) => {
  const base = { variables: {}, timeoutSeconds: 5, then: 'park' as const }
  t.same(await originate(connection, { ...base, dial: 'user/2002@pbx' }), { ok: false, cause: 'USER_BUSY' })
  t.same(await originate(connection, { ...base, dial: 'user/2003@pbx' }), { ok: false, cause: 'USER_NOT_REGISTERED' })
  t.equal(await kill(connection, '00000000-0000-4000-8000-000000000000'), false)
})

t.test('the command: variables quoted and escaped, the socket quoted', async (t) => {
  t.equal(
    originateArgument({
      dial: 'sofia/gateway/carrier/01099998888',
      variables: { a: 'x y', b: '1,2' },
      timeoutSeconds: 30,
      then: { socket: { host: '127.0.0.1', port: 8085 } },
    }),
    "{a='x y',b=1\\,2,originate_timeout=30}sofia/gateway/carrier/01099998888 '&socket(127.0.0.1:8085 async full)'",
  )
  t.equal(
    originateArgument({ dial: 'user/1@d', variables: {}, timeoutSeconds: 1, then: 'park' }),
    '{originate_timeout=1}user/1@d &park()',
  )
})

t.test('hostile input is refused, naming the field, and nothing is sent', async (t) => {
  const before = sw.commands.length
  const base: OriginateRequest = { dial: 'user/2001@pbx', variables: {}, timeoutSeconds: 5, then: 'park' }
  const cases: [Partial<OriginateRequest>, string][] = [
    [{ dial: 'user/2001@pbx &park()\n\napi system x' }, 'dial'],
    [{ dial: '{x=1}user/2001@pbx' }, 'dial'],
    [{ variables: { name: 'Eve\r\nx: y' } }, 'variables.name'],
    [{ variables: { name: '${system(id)}' } }, 'variables.name'],
    [{ variables: { name: "O'Brien" } }, 'variables.name'],
    [{ variables: { name: 'a}b' } }, 'variables.name'],
    [{ variables: { 'bad name': 'x' } }, 'variables.bad name'],
    [{ variables: { originate_timeout: '99' } }, 'variables.originate_timeout'],
    [{ timeoutSeconds: 0 }, 'timeoutSeconds'],
    [{ then: { socket: { host: '127.0.0.1 full)', port: 1 } } }, 'then.socket.host'],
    [{ then: { socket: { host: '127.0.0.1', port: 70000 } } }, 'then.socket.port'],
  ]
  for (const [change, field] of cases) {
    await t.rejects(originate(connection, { ...base, ...change }), { name: 'OriginateRefused', field })
  }
  await t.rejects(kill(connection, 'x\n\nexit'), new OriginateRefused('uuid', 'is not a channel UUID'))
  t.equal(sw.commands.length, before, 'nothing reached FreeSWITCH')
})
