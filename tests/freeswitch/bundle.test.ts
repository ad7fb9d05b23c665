/**
 * The FreeSWITCH bundle (freeswitch/) and the systemd unit (deploy/) agree with what the router and the doctor
 * expect: valid XML, the socket address serve listens on, the inbound socket the doctor assumes, the hold-music
 * stream serve plays, no ringing variable the router sets itself, the fallback mailbox, a stop timeout longer
 * than the drain.
 */
import { XMLParser, XMLValidator } from 'fast-xml-parser'
import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import t from 'tap'
import type { Command } from 'commander'
import { registerDoctorCommand, DEFAULT_FREESWITCH, DEFAULT_FREESWITCH_PASSWORD } from '../../lib/cli/doctor-command.js'
import { buildProgram } from '../../lib/cli/main.js'
import { OPTIONS } from '../../lib/config/options.js'
import { contextOf, hunt, socketTarget } from '../../lib/doctor/dialplan.js'
import { dialString } from '../../lib/esl/dial-string.js'
import { packageRoot } from '../../lib/paths.js'

const bundle = join(packageRoot, 'freeswitch')
const read = (...path: string[]) => readFileSync(join(bundle, ...path), 'utf8')
const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '',
  isArray: (_name, _path, _leaf, attribute) => !attribute,
})
type Node = Record<string, unknown>
/** The elements named `name` anywhere under `node`, in document order. */
function all(node: unknown, name: string): Node[] {
  if (Array.isArray(node)) return node.flatMap((n) => all(n, name))
  if (node === null || typeof node !== 'object') return []
  return Object.entries(node as Node).flatMap(([key, value]) =>
    key === name ? [...(value as Node[]), ...all(value, name)] : all(value, name),
  )
}
const params = (file: string) =>
  Object.fromEntries(all(parser.parse(read(file)), 'param').map((p) => [p['name'] as string, p['value'] as string]))

/** An option's default as the CLI defines it (no IVR_* variables set in tests). */
function defaultOf(register: (p: Command) => void, command: string, flag: string): unknown {
  const cmd = buildProgram([register]).commands.find((c) => c.name() === command)!
  return cmd.options.find((o) => o.long === flag)?.defaultValue
}

const xmlFiles = readdirSync(bundle, { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.xml'))

t.test('every file in freeswitch/ is well-formed XML', async (t) => {
  t.ok(xmlFiles.length >= 6, xmlFiles.join(' '))
  for (const file of xmlFiles) t.equal(XMLValidator.validate(read(file)), true, file)
})

t.test('the dialplan hands calls to serve, async full, then falls back to the mailbox', async (t) => {
  // As FreeSWITCH holds it after X-PRE-PROCESS: the file's <include> dropped, inside the context.
  const extension = read('dialplan', 'ivr-router.xml').replace(/<\?xml[^>]*\?>|<\/?include>/g, '')
  const context = contextOf(`<context name="public">${extension}</context>`, 'public')!
  const { actions, extensions } = hunt(context, '07012345678')
  t.same(extensions, ['ivr-router'])
  t.same(
    actions.map((a) => a.application),
    ['set', 'socket', 'answer', 'playback', 'set', 'voicemail', 'hangup'],
  )
  t.equal(actions[0]!.data, 'socket_resume=true', 'a router that dies mid-call lets the dialplan go on')
  const socket = socketTarget(actions[1]!.data)
  t.equal(socket.hosts[0], OPTIONS.listen.default, "serve's default --listen first")
  t.equal(defaultOf(registerDoctorCommand, 'doctor', '--listen'), OPTIONS.listen.default, "the doctor's --listen too")
  t.ok(socket.async && socket.full, 'async full')
  t.same(socket.hosts.slice(1), ['127.0.0.1:8085'], 'a second router for failover')
  t.same(hunt(context, '+827012345678').extensions, ['ivr-router'], 'E.164 too')

  const [profile, domain, mailbox] = actions[5]!.data.split(' ')
  t.equal(domain, '$${domain}', 'the domain the directory uses, expanded at load (a trunk call has no domain_name)')
  t.same(
    all(parser.parse(read('autoload_configs', 'voicemail.conf.xml')), 'profile').map((p) => p['name']),
    [profile],
  )
  t.same(
    all(parser.parse(read('directory', 'ivr-fallback.xml')), 'user').map((u) => u['id']),
    [mailbox],
  )
})

t.test('the dialplan sets none of the variables the router sets on each call', async (t) => {
  const call = readFileSync(join(packageRoot, 'lib', 'esl', 'call.ts'), 'utf8')
  const setvar = /`(continue_on_fail=[^`]*)`/.exec(call)?.[1]
  t.ok(setvar, 'the uuid_setvar_multi the router sends before ringing')
  const dial = dialString({ targets: [{ agent: 'alice', dial: 'user/1001' }], ringSeconds: 20 }, '+821012345678')
  const owned = new Set([
    ...setvar!.split(';').map((pair) => pair.split('=')[0]!),
    ...[...dial.matchAll(/[{,[]([a-z_]+)=/g)].map((m) => m[1]!),
  ])
  t.ok(
    owned.has('hangup_after_bridge') &&
      owned.has('playback_terminators') &&
      owned.has('originate_timeout') &&
      owned.has('ivr_agent'),
    [...owned].join(' '),
  )
  const dialplan = parser.parse(read('dialplan', 'ivr-router.xml'))
  const setHere = all(dialplan, 'action')
    .filter((a) => ['set', 'export', 'multiset'].includes(a['application'] as string))
    .flatMap((a) => (a['data'] as string).split(' ').map((pair) => pair.split('=')[0]!))
  t.same(setHere, ['socket_resume', 'skip_greeting'], 'the dialplan sets only these')
  t.same(
    setHere.filter((name) => owned.has(name)),
    [],
  )
})

t.test("the inbound Event Socket is the doctor's default: loopback, its port and password", async (t) => {
  const p = params('autoload_configs/event_socket.conf.xml')
  t.equal(`${p['listen-ip']}:${p['listen-port']}`, DEFAULT_FREESWITCH)
  t.equal(p['password'], DEFAULT_FREESWITCH_PASSWORD)
  t.equal(p['apply-inbound-acl'], 'loopback.auto')
})

t.test('the hold-music stream is the one serve plays by default', async (t) => {
  const holdMusic = OPTIONS.holdMusic.default
  t.equal(holdMusic, 'local_stream://moh')
  const streams = all(parser.parse(read('autoload_configs', 'local_stream.conf.xml')), 'directory')
  t.same(
    streams.map((s) => s['name']),
    [holdMusic.replace('local_stream://', '')],
  )
  t.equal(params('autoload_configs/local_stream.conf.xml')['rate'], '8000')
})

t.test('TTS through FreeSWITCH: espeak-ng reads the text on stdin, in the voice asked for', async (t) => {
  const command = params('autoload_configs/tts_commandline.conf.xml')['command']!
  t.match(command, /^printf %s \$\{text\} \| espeak-ng -v \$\{voice\} --stdin -w \$\{file\}$/)
})

t.test('systemd: stops later than serve drains, restarts on failure, runs confined', async (t) => {
  const unit = readFileSync(join(packageRoot, 'deploy', 'ivr-router.service'), 'utf8')
  const settings = new Map<string, string[]>()
  for (const line of unit.split('\n')) {
    const m = /^([A-Za-z]+)=(.*)$/.exec(line)
    if (m) settings.set(m[1]!, [...(settings.get(m[1]!) ?? []), m[2]!])
  }
  const one = (key: string) => settings.get(key)?.at(-1)
  const drain = OPTIONS.drainSeconds.default
  t.equal(drain, 30)
  t.ok(Number(one('TimeoutStopSec')) > drain, `TimeoutStopSec=${one('TimeoutStopSec')} > ${drain}`)
  t.notMatch(one('ExecStart'), /--drain-seconds/, 'the default drain, which the test compares')
  t.equal(one('Restart'), 'on-failure')
  t.equal(one('KillSignal'), 'SIGTERM')
  t.equal(one('User'), 'ivr-router')
  t.ok(one('EnvironmentFile'))
  t.equal(one('NoNewPrivileges'), 'yes')
  t.equal(one('ProtectSystem'), 'strict')
  t.notOk(settings.has('MemoryDenyWriteExecute'), 'V8 needs executable memory')
})
