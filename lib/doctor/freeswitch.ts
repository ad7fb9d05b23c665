/**
 * The FreeSWITCH checks, over the inbound Event Socket: it answers and takes the password, `status` says ready,
 * the modules the router's commands need are loaded (`module_exists` → `true`/`false`), and each number to check
 * reaches a `socket` extension pointing at this router with `async full` (`xml_locate dialplan context name CTX`
 * returns the context as FreeSWITCH holds it after pre-processing; the doctor hunts it like mod_dialplan_xml).
 */
import { parsePhoneNumberFromString } from 'libphonenumber-js/max'
import { fail, messageOf, pass, type CheckResult } from './check.js'
import { contextOf, hunt, socketTarget, type Action } from './dialplan.js'
import {
  connectFreeSwitch,
  FreeSwitchUnavailable,
  type FreeSwitchConnection,
  type FreeSwitchTarget,
} from '../esl/inbound-client.js'
import {
  agentPhones,
  fallback,
  holdMusic,
  sessionsPerSecond,
  voicemailBoxes,
  type SwitchSetup,
} from './switch-setup.js'

/** What the router's commands need, and how to get it (freeswitch/README.md). */
export const MODULE_HINTS: Record<string, string> = {
  mod_event_socket: 'the `socket` application: <load module="mod_event_socket"/> in autoload_configs/modules.conf.xml',
  mod_dptools:
    'answer, playback, play_and_get_digits, bridge, record: <load module="mod_dptools"/> in modules.conf.xml',
  mod_sndfile: 'playing and recording .wav prompts and voicemail: <load module="mod_sndfile"/> in modules.conf.xml',
  mod_voicemail:
    'the dialplan fallback when no router answers: <load module="mod_voicemail"/> and freeswitch/autoload_configs/voicemail.conf.xml',
  mod_local_stream:
    'hold music (local_stream://moh): <load module="mod_local_stream"/> and freeswitch/autoload_configs/local_stream.conf.xml',
  mod_tts_commandline:
    'speak mode (`speak tts_commandline|ko|…`): <load module="mod_tts_commandline"/> and freeswitch/autoload_configs/tts_commandline.conf.xml',
  mod_flite: 'speak mode with flite (English voices only): <load module="mod_flite"/>',
  mod_commands:
    'the API the router calls during calls (uuid_break, uuid_setvar_multi, uuid_getvar) and the doctor asks: <load module="mod_commands"/>',
}

export const REQUIRED_MODULES = [
  'mod_event_socket',
  'mod_commands',
  'mod_dptools',
  'mod_sndfile',
  'mod_voicemail',
  'mod_local_stream',
]

export type FreeSwitchCheckOptions = FreeSwitchTarget & {
  modules: string[]
  /** The dialplan context calls arrive in. */
  context: string
  /** Where this router listens, as the dialplan's socket names it. */
  listen: string
  /** Numbers to route, E.164. */
  numbers: string[]
  /** What the calls need beyond modules (hold music, sessions per second, boxes, agents). */
  setup?: SwitchSetup
}

export async function checkFreeSwitch(o: FreeSwitchCheckOptions): Promise<CheckResult[]> {
  const name = 'FreeSWITCH event socket'
  let fs: FreeSwitchConnection
  try {
    fs = await connectFreeSwitch(o)
  } catch (err) {
    if (err instanceof FreeSwitchUnavailable) return [fail(name, err.message, err.hint)]
    return [fail(name, messageOf(err), 'is --freeswitch the inbound Event Socket?')]
  }
  const results = [pass(name, `${o.host}:${o.port}, password accepted`)]
  try {
    results.push(await status(fs))
    for (const module of o.modules) results.push(await moduleLoaded(fs, module))
    const routed = await dialplan(fs, o)
    results.push(...routed.results)
    if (routed.after) results.push(...(await fallback(fs, routed.after)))
    const setup = o.setup
    if (setup?.holdMusic) results.push(await holdMusic(fs, setup.holdMusic))
    if (setup?.callsPerSecond) results.push(await sessionsPerSecond(fs, setup.callsPerSecond))
    if (setup?.voicemail) results.push(...(await voicemailBoxes(fs, setup.voicemail)))
    results.push(...(await agentPhones(fs, setup?.agents)))
  } catch (err) {
    results.push(
      fail(
        'FreeSWITCH answers',
        messageOf(err),
        'FreeSWITCH stopped answering: see its log (fs_cli, log/freeswitch.log)',
      ),
    )
  } finally {
    fs.close()
  }
  return results
}

async function status(fs: FreeSwitchConnection): Promise<CheckResult> {
  const text = await fs.api('status')
  const line = text.split('\n').find((l) => / is (not )?ready/.test(l))
  if (line && !line.includes('not ready')) return pass('FreeSWITCH ready', line.trim())
  return fail(
    'FreeSWITCH ready',
    (line ?? text.split('\n')[0] ?? '').trim(),
    'FreeSWITCH is starting or shutting down (fsctl shutdown cancel, or wait)',
  )
}

async function moduleLoaded(fs: FreeSwitchConnection, module: string): Promise<CheckResult> {
  const name = `module ${module}`
  const answer = (await fs.api(`module_exists ${module}`)).trim()
  if (answer === 'true') return pass(name, 'loaded')
  if (answer === 'false') return fail(name, 'not loaded', MODULE_HINTS[module] ?? `load ${module} in modules.conf.xml`)
  return fail(name, `module_exists answered "${answer}"`, 'load mod_commands (it provides module_exists)')
}

/** The forms FreeSWITCH may see a number in: as the carrier sends it (national digits) or E.164, with or without +. */
function forms(e164: string): string[] {
  const national = parsePhoneNumberFromString(e164)?.formatNational().replace(/\D/g, '')
  return [...new Set([national, e164, e164.slice(1)].filter((f): f is string => !!f))]
}

function samePlace(a: string, b: string): boolean {
  const norm = (s: string) => (/:\d+$/.test(s) ? s : `${s}:8084`).replace(/^localhost:/, '127.0.0.1:')
  return norm(a) === norm(b)
}

/** The checks of each number, and the actions after the socket of the first that reaches the router. */
async function dialplan(
  fs: FreeSwitchConnection,
  o: FreeSwitchCheckOptions,
): Promise<{ results: CheckResult[]; after?: Action[] }> {
  let after: Action[] | undefined
  const results = await routes(fs, o, (actions) => (after ??= actions))
  return after ? { results, after } : { results }
}

async function routes(
  fs: FreeSwitchConnection,
  o: FreeSwitchCheckOptions,
  found: (after: Action[]) => void,
): Promise<CheckResult[]> {
  const xml = await fs.api(`xml_locate dialplan context name ${o.context}`)
  let context
  try {
    context = xml.startsWith("can't find") ? undefined : contextOf(xml, o.context)
  } catch (err) {
    return [
      fail(
        `dialplan context ${o.context}`,
        `cannot read what xml_locate returned: ${messageOf(err)}`,
        'look at what `xml_locate dialplan context name CONTEXT` prints in fs_cli',
      ),
    ]
  }
  if (!context)
    return [
      fail(
        `dialplan context ${o.context}`,
        `xml_locate found no context "${o.context}"`,
        'name the context your trunks land in (--context), or copy freeswitch/dialplan/ivr-router.xml there and reloadxml',
      ),
    ]
  if (o.numbers.length === 0)
    return [
      fail(
        'dialplan reaches the router',
        'no number to check',
        'bind a number (ivr-router number bind NUMBER WORKFLOW) or pass --number',
      ),
    ]
  return o.numbers.map((number) => {
    const name = `dialplan routes ${number}`
    let tried
    try {
      tried = forms(number).map((form) => ({ form, hunt: hunt(context, form) }))
    } catch (err) {
      // FreeSWITCH's expressions are PCRE; the few constructs JavaScript lacks cannot be evaluated here.
      return fail(name, `cannot evaluate the dialplan: ${messageOf(err)}`, 'check that number with a test call')
    }
    const reached = tried.find((t) => t.hunt.actions.some((a) => a.application === 'socket'))
    if (!reached) {
      const seen = tried.map((t) => `${t.form} → ${t.hunt.extensions.join(', ') || 'no extension'}`).join('; ')
      return fail(
        name,
        `no socket extension in context ${o.context} (${seen})`,
        'add freeswitch/dialplan/ivr-router.xml to that context (its destination pattern must match) and reloadxml',
      )
    }
    const socket = reached.hunt.actions.find((a) => a.application === 'socket')!
    const target = socketTarget(socket.data)
    const where = `${reached.form} → extension ${reached.hunt.extensions.join(', ')}: socket ${socket.data}`
    if (!target.async || !target.full)
      return fail(name, where, 'the router needs `socket HOST:PORT async full` (without full, linger and api fail)')
    if (!target.hosts.some((h) => samePlace(h, o.listen)))
      return fail(name, where, `this router listens on ${o.listen}: list it in the socket's hosts, or change --listen`)
    // No dead air: when no router answers, `socket` returns and the dialplan must go on to a fallback.
    if (reached.hunt.actions.at(-1) === socket)
      return fail(
        name,
        `${where}, and nothing after it: callers are cut off when no router answers`,
        'add the fallback of freeswitch/dialplan/ivr-router.xml after the socket (answer, playback, voicemail)',
      )
    found(reached.hunt.actions.slice(reached.hunt.actions.indexOf(socket) + 1))
    const assumed = reached.hunt.assumed.length ? ` (assuming ${reached.hunt.assumed.join(', ')})` : ''
    return pass(name, where + assumed)
  })
}
