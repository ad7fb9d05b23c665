/** Command builders: byte for byte against every recorded command they can express, and every refusal. */
import t from 'tap'
import fc from 'fast-check'
import {
  api,
  CommandError,
  connect,
  event,
  execute,
  exit,
  hangup,
  linger,
  myevents,
  nolinger,
  uuidBreak,
  uuidSetvar,
  type EventFormat,
} from '../../lib/esl/command.js'
import { sent, sentCommands, traceNames, type SentCommand } from './traces.js'

/** Our builder's version of a recorded command; undefined when no builder expresses that command. */
function rebuild({ line, headers, body }: SentCommand): string | undefined {
  const [verb, ...words] = line.split(' ')
  const header = (name: string) => headers.find(([key]) => key === name)?.[1]
  switch (verb) {
    case 'connect':
      return connect()
    case 'myevents':
      return myevents(words[0] as EventFormat)
    case 'event':
      return event(words[0] as EventFormat, words.slice(1))
    case 'linger':
      return linger(words[0] === undefined ? undefined : Number(words[0]))
    case 'nolinger':
      return nolinger()
    case 'exit':
      return exit()
    case 'api': {
      const [name = '', ...args] = words
      if (name === 'uuid_break' && args.length === 2 && args[1] === 'all') return uuidBreak(args[0]!)
      if (name === 'uuid_setvar') return uuidSetvar(args[0]!, args[1]!, args.slice(2).join(' '))
      return api(name, ...args)
    }
    case 'sendmsg': {
      const uuid = header('Event-UUID')
      if (body !== undefined || words.length > 0) return undefined
      if (header('call-command') === 'hangup') return hangup(header('hangup-cause'))
      const app = header('execute-app-name')
      if (header('call-command') !== 'execute' || app === undefined || uuid === undefined) return undefined
      const arg = header('execute-app-arg')
      return execute({ app, uuid, ...(arg === undefined ? {} : { arg }), lock: header('event-lock') === 'true' })
    }
  }
  return undefined
}

function outcome(command: SentCommand): 'same' | 'differs' | 'refused' | 'no builder' {
  try {
    const built = rebuild(command)
    return built === undefined ? 'no builder' : built === command.bytes ? 'same' : 'differs'
  } catch (err) {
    if (err instanceof CommandError) return 'refused'
    throw err
  }
}

t.test('every recorded command a builder expresses comes out byte for byte', async (t) => {
  const unusual: string[] = []
  let same = 0
  for (const name of traceNames) {
    for (const command of sentCommands(sent(name))) {
      const result = outcome(command)
      if (result === 'same') same++
      else unusual.push(`${name}: ${result}: ${JSON.stringify(command.bytes)}`)
    }
  }
  t.equal(same, 333)
  t.same(unusual, [
    'getvar_api: no builder: "getvar caller_id_number\\n\\n"',
    'getvar_api: no builder: "getvar not_set_var\\n\\n"',
    'getvar_api: no builder: "getvar\\n\\n"',
    'getvar_api: no builder: "foobar\\n\\n"',
    'getvar_api: refused: "event json\\n\\n"',
    'getvar_api: no builder: "bgapi uptime\\n\\n"',
    'getvar_api: no builder: "bgapi uptime\\n\\n"',
    'injection: no builder: "getvar foo1\\n\\n"',
    'injection: no builder: "getvar foo2\\n\\n"',
    'injection: differs: "sendmsg\\ncall-command: execute\\nexecute-app-name: set\\nexecute-app-arg: foo3=bar\\nx-injected: yes\\nEvent-UUID: 8b30effe-6bea-421e-ab9b-ec0dea468723\\n\\n"',
    'injection: no builder: "getvar foo3\\n\\n"',
    'injection: no builder: "getvar x-injected\\n\\n"',
    'injection: no builder: "sendmsg\\ncall-command: execute\\nexecute-app-name: set\\nEvent-UUID: a6d35208-32f8-47f7-a41e-1ae6fc560dcf\\ncontent-type: text/plain\\ncontent-length: 16\\n\\nfoo4=line1\\nline2"',
    'injection: no builder: "getvar foo4\\n\\n"',
    'injection: refused: "sendmsg\\ncall-command: execute\\nexecute-app-name: set\\nexecute-app-arg: foo5=${caller_id_number}\\nEvent-UUID: dfa3a8ce-47e4-41a0-8649-42447909c61c\\n\\n"',
    'injection: no builder: "getvar foo5\\n\\n"',
    'injection: refused: "sendmsg\\ncall-command: execute\\nexecute-app-name: set\\nexecute-app-arg: foo6=${md5(hello)}\\nEvent-UUID: dc0e306c-23d1-4fc8-87e7-c9b11a77dc30\\n\\n"',
    'injection: no builder: "getvar foo6\\n\\n"',
    'injection: no builder: "getvar foo7\\n\\n"',
    'injection: no builder: "getvar foo8\\n\\n"',
    'injection: refused: "api uuid_setvar f19dc792-8c6a-4aa2-aa7e-4992762b61ba foo10 ${md5(hello)}\\n\\n"',
    'injection: no builder: "getvar foo10\\n\\n"',
    'injection: refused: "sendmsg\\ncall-command: execute\\nexecute-app-name: set\\nexecute-app-arg: foo11=\\\\${md5(hello)}\\nEvent-UUID: 2467386d-e298-4e68-968a-a0826658e9f2\\n\\n"',
    'injection: no builder: "getvar foo11\\n\\n"',
    'injection: no builder: "sendmsg\\ncall-command: execute\\nexecute-app-name: set\\nexecute-app-arg: foo13=bar\\n\\n"',
    'injection: no builder: "getvar caller_id_number\\nEvent-UUID: 6b4510ee-b666-41d2-b9b9-b866c66272c2\\n\\n"',
    'injection: no builder: "getvar foo13\\n\\n"',
  ])
})

t.test('the commands of the protocol notes', async (t) => {
  t.equal(connect(), 'connect\n\n')
  t.equal(myevents(), 'myevents json\n\n')
  t.equal(myevents('plain'), 'myevents plain\n\n')
  t.equal(event('json', ['CHANNEL_EXECUTE_COMPLETE', 'DTMF']), 'event json CHANNEL_EXECUTE_COMPLETE DTMF\n\n')
  t.equal(event('json', ['CUSTOM', 'vm::maintenance']), 'event json CUSTOM vm::maintenance\n\n')
  t.equal(linger(), 'linger\n\n')
  t.equal(linger(10), 'linger 10\n\n')
  t.equal(nolinger(), 'nolinger\n\n')
  t.equal(exit(), 'exit\n\n')
  t.equal(api('uptime'), 'api uptime\n\n')
  t.equal(hangup(), 'sendmsg\ncall-command: hangup\nhangup-cause: NORMAL_CLEARING\n\n')
  t.equal(hangup('USER_BUSY'), 'sendmsg\ncall-command: hangup\nhangup-cause: USER_BUSY\n\n')
  t.equal(
    execute({ app: 'playback', arg: 'ivr/welcome.wav', uuid: 'A1', lock: true }),
    'sendmsg\ncall-command: execute\nexecute-app-name: playback\nexecute-app-arg: ivr/welcome.wav\nevent-lock: true\nEvent-UUID: A1\n\n',
  )
  t.equal(
    execute({ app: 'answer', uuid: 'A2' }),
    'sendmsg\ncall-command: execute\nexecute-app-name: answer\nEvent-UUID: A2\n\n',
  )
  t.equal(
    uuidSetvar('7f4d-1', 'caller_name', 'x: "quoted" 100% {a}'),
    'api uuid_setvar 7f4d-1 caller_name x: "quoted" 100% {a}\n\n',
  )
  t.equal(uuidBreak('7f4d-1'), 'api uuid_break 7f4d-1 all\n\n')
})

t.test('refusals', async (t) => {
  const refuses = (build: () => string, reason: CommandError['reason'], what: string) => {
    let error: unknown
    try {
      build()
    } catch (err) {
      error = err
    }
    t.type(error, CommandError, what)
    t.equal((error as CommandError | undefined)?.reason, reason, what)
  }
  const hostile = 'x${md5(a)}\n\nsendmsg\ncall-command: hangup'
  refuses(() => execute({ app: 'set', arg: `name=${hostile}`, uuid: 'A1' }), 'line-break', 'the hostile caller name')
  refuses(() => execute({ app: 'set', arg: 'name=x${md5(a)}', uuid: 'A1' }), 'expansion', '${')
  refuses(() => execute({ app: 'set', arg: 'name=$${domain}', uuid: 'A1' }), 'expansion', '$${')
  refuses(() => execute({ app: 'set', arg: 'name=\\${md5(a)}', uuid: 'A1' }), 'expansion', 'a backslash does not help')
  for (const bad of ['a\rb', 'a\nb', 'a\0b']) {
    refuses(() => execute({ app: 'playback', arg: bad, uuid: 'A1' }), 'line-break', JSON.stringify(bad))
    refuses(() => api('uptime', bad), 'line-break', `api ${JSON.stringify(bad)}`)
    refuses(() => uuidSetvar('u1', 'v', bad), 'line-break', `setvar ${JSON.stringify(bad)}`)
  }
  refuses(() => uuidSetvar('u1', 'v', '${md5(a)}'), 'expansion', 'setvar ${')
  refuses(() => api('uptime', '${x}'), 'expansion', 'api ${')
  for (const app of ['Playback', '1app', 'play back', 'play-back', '', 'answer\n', 'bridge;hangup']) {
    refuses(
      () => execute({ app, uuid: 'A1' }),
      app.includes('\n') ? 'line-break' : 'name',
      `app ${JSON.stringify(app)}`,
    )
  }
  refuses(() => execute({ app: 'answer', uuid: 'A 1' }), 'name', 'uuid with a space')
  refuses(() => execute({ app: 'answer', uuid: '' }), 'name', 'empty uuid')
  refuses(() => uuidBreak('u1 all\n\nexit'), 'line-break', 'uuid_break')
  refuses(() => uuidBreak('u1 all'), 'name', 'uuid_break with a space')
  refuses(() => uuidSetvar('u1', 'a b', 'v'), 'name', 'variable name')
  refuses(() => hangup('normal clearing'), 'name', 'cause')
  refuses(() => api('uuid_kill; x'), 'name', 'api name')
  refuses(() => event('json', []), 'value', 'no event names')
  refuses(() => event('json', ['CHANNEL_HANGUP DTMF']), 'name', 'two names in one')
  for (const seconds of [0, -1, 1.5, Number.NaN]) refuses(() => linger(seconds), 'value', `linger ${seconds}`)
})

t.test('whatever the input, a built command is one command with no expansion', async (t) => {
  const text = fc.oneof(
    fc.constantFrom('set', 'playback', 'u-1', 'NORMAL_CLEARING', 'CUSTOM', 'vm::maintenance', 'name=value'),
    fc.string({ unit: fc.constantFrom('a', ' ', '$', '{', '}', '\n', '\r', '\0', ':', '\\', '_', 'Z') }),
  )
  const builders = [
    (a: string, b: string, c: string) => execute({ app: a, arg: b, uuid: c }),
    (a: string, b: string) => hangup(a + b),
    (a: string, b: string, c: string) => api(a, b, c),
    (a: string, b: string, c: string) => uuidSetvar(a, b, c),
    (a: string) => uuidBreak(a),
    (a: string, b: string) => event('json', [a, b]),
  ]
  let built = 0
  fc.assert(
    fc.property(fc.nat(builders.length - 1), text, text, text, (which, a, b, c) => {
      let out: string
      try {
        out = builders[which]!(a, b, c)
      } catch (err) {
        if (err instanceof CommandError) return
        throw err
      }
      built++
      if (out.indexOf('\n\n') !== out.length - 2 || /[\r\0]/.test(out) || out.includes('${')) {
        throw new Error(`unsafe: ${JSON.stringify(out)}`)
      }
    }),
    { numRuns: 2000, seed: 20261125 },
  )
  t.ok(built > 100, `${built} commands built`)
})
