/**
 * What calls need from FreeSWITCH beyond its modules, asked over the inbound Event Socket with the API replies of
 * the fourth batch of traces (inbound_auth): the hold-music stream (`local_stream show`: `moh` is found as
 * `moh/<rate>`), the sessions-per-second limit (`fsctl sps`: 30 by default, which refused 26 of 40 calls arriving at
 * once), the files and mailbox of the dialplan's fallback (`global_getvar sound_prefix`, `file_exists`,
 * `user_exists id BOX DOMAIN`), the mod_voicemail boxes serve will use, and whether `user/…` agents exist and are
 * registered (`sofia_contact` answers `error/user_not_registered`): warnings that name the agent.
 */
import type { Action } from './dialplan.js'
import { fail, pass, warn, type CheckResult } from './check.js'
import type { FreeSwitchConnection } from '../esl/inbound-client.js'

export type SwitchSetup = {
  /** serve's --hold-music. */
  holdMusic?: string
  /** Calls per second the switch should take at peak (each call may be two sessions: the caller and an agent leg). */
  callsPerSecond?: number
  /** With `--voicemail mod_voicemail`: the boxes' domain, and the boxes the workflows use. */
  voicemail?: { domain: string; boxes: string[] }
  /** The agents, for `user/…` dial strings. */
  agents?: { name: string; dial: string }[]
}

/** FreeSWITCH's own words are trimmed: some bodies end in a line break, some do not (fourth batch). */
const ask = async (fs: FreeSwitchConnection, command: string) => (await fs.api(command)).trim()

const isTrue = (answer: string) => answer === 'true'

export async function holdMusic(fs: FreeSwitchConnection, source: string): Promise<CheckResult> {
  const name = 'hold music'
  const stream = /^local_stream:\/\/([A-Za-z0-9_./-]+)$/.exec(source)?.[1]
  if (!stream) {
    if (/^[a-z_]+:\/\//.test(source)) return pass(name, `${source} (not a local_stream: not checked)`)
    return fileCheck(fs, name, source, 'copy the file there, or point --hold-music at an existing one')
  }
  const streams = (await ask(fs, 'local_stream show'))
    .split('\n')
    .map((l) => l.split(',')[0]!)
    .filter(Boolean)
  // `local_stream://moh` plays `moh/<rate>` (fourth batch: `local_stream show moh` is -ERR, moh/8000 exists).
  const found = streams.filter((s) => s === stream || s.startsWith(`${stream}/`))
  if (found.length > 0) return pass(name, `${source}: stream ${found.join(', ')}`)
  return fail(
    name,
    `${source}: no such stream (local_stream show: ${streams.join(', ') || 'none'})`,
    'add the stream (freeswitch/autoload_configs/local_stream.conf.xml) and `reload mod_local_stream`, or set --hold-music',
  )
}

export async function sessionsPerSecond(fs: FreeSwitchConnection, callsPerSecond: number): Promise<CheckResult> {
  const name = 'sessions per second'
  const answer = await ask(fs, 'fsctl sps')
  const limit = Number(/sessions per second: (\d+)/.exec(answer)?.[1])
  if (!Number.isFinite(limit)) return fail(name, `fsctl sps answered "${answer}"`, 'load mod_commands')
  // A call through the router is the caller's session and, when it rings, an agent's leg.
  const needed = callsPerSecond * 2
  if (limit >= needed) return pass(name, `limit ${limit}, ${callsPerSecond} calls/s need ${needed}`)
  return fail(
    name,
    `limit ${limit}, ${callsPerSecond} calls/s need ${needed}: FreeSWITCH refuses the rest ("Throttle Error")`,
    'raise <param name="sessions-per-second" value="1000"/> in autoload_configs/switch.conf.xml (freeswitch/README.md) and restart, or `fsctl sps 1000` now',
  )
}

async function fileCheck(fs: FreeSwitchConnection, name: string, path: string, hint: string): Promise<CheckResult> {
  let full = path
  if (!path.startsWith('/')) full = `${await ask(fs, 'global_getvar sound_prefix')}/${path}`
  if (isTrue(await ask(fs, `file_exists ${full}`))) return pass(name, full)
  return fail(name, `${full} does not exist`, hint)
}

/** The dialplan's actions after `socket`: each `playback` file exists, each `voicemail` box is a directory user. */
export async function fallback(fs: FreeSwitchConnection, after: Action[]): Promise<CheckResult[]> {
  const results: CheckResult[] = []
  for (const action of after) {
    if (action.application === 'playback' && /^[^\s${}]+$/.test(action.data) && !/^[a-z_]+:\/\//.test(action.data))
      results.push(
        await fileCheck(
          fs,
          'fallback prompt',
          action.data,
          'install the sounds (freeswitch-sounds-en-us-callie) or record that prompt, or change the dialplan',
        ),
      )
    if (action.application === 'voicemail') {
      const [profile, domain, box] = action.data.split(/\s+/)
      if (!profile || !domain || !box || !/^[\w.@-]+$/.test(`${domain}${box}`)) continue
      results.push(await boxCheck(fs, 'fallback mailbox', box, domain, 'freeswitch/directory/ivr-fallback.xml'))
    }
  }
  return results
}

async function boxCheck(
  fs: FreeSwitchConnection,
  name: string,
  box: string,
  domain: string,
  how: string,
): Promise<CheckResult> {
  if (isTrue(await ask(fs, `user_exists id ${box} ${domain}`))) return pass(name, `${box}@${domain}`)
  return fail(
    name,
    `${box}@${domain} is not in the directory: mod_voicemail refuses it`,
    `add a directory user ${box} with vm-password (${how}) and reloadxml`,
  )
}

export async function voicemailBoxes(
  fs: FreeSwitchConnection,
  o: NonNullable<SwitchSetup['voicemail']>,
): Promise<CheckResult[]> {
  const results: CheckResult[] = []
  for (const box of o.boxes)
    results.push(
      await boxCheck(
        fs,
        `voicemail box ${box}`,
        box,
        o.domain,
        'one per team or number with --voicemail mod_voicemail',
      ),
    )
  return results
}

/** `user/ID[@DOMAIN]` agents: the user exists and has a registration now (warnings: agents come and go). */
export async function agentPhones(
  fs: FreeSwitchConnection,
  agents: SwitchSetup['agents'] = [],
): Promise<CheckResult[]> {
  const users = agents
    .map((a) => ({ agent: a, m: /^user\/([\w.+-]+)(?:@([\w.-]+))?$/.exec(a.dial) }))
    .filter((u) => u.m)
  if (users.length === 0) return []
  const defaultDomain = await ask(fs, 'global_getvar domain')
  const results: CheckResult[] = []
  for (const { agent, m } of users) {
    const [, id, domain = defaultDomain] = m!
    const name = `agent ${agent.name}`
    if (!isTrue(await ask(fs, `user_exists id ${id} ${domain}`))) {
      results.push(
        warn(
          name,
          `${agent.dial}: no user ${id} in domain ${domain}`,
          `ring attempts fail: add the user to the directory, or \`ivr-router agent add ${agent.name} --dial …\``,
        ),
      )
      continue
    }
    const contact = await ask(fs, `sofia_contact ${id}@${domain}`)
    if (contact.startsWith('error/'))
      results.push(
        warn(
          name,
          `${agent.dial}: not registered (${contact})`,
          `register a phone as ${id}@${domain}, or \`ivr-router agent add ${agent.name} --dial …\` to a reachable one`,
        ),
      )
    else results.push(pass(name, `${agent.dial}: registered`))
  }
  return results
}
