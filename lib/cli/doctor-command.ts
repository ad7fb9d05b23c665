/**
 * `ivr-router doctor`: checks what a router needs before it takes calls (lib/doctor/): the database, TTS, the
 * directories it writes, and with `--freeswitch HOST:PORT` FreeSWITCH itself over its inbound Event Socket.
 * Exit 0 when every check passes, 1 otherwise.
 */
import type { Command } from 'commander'
import { resolve } from 'node:path'
import { OPTIONS } from '../config/options.js'
import { splitHostPort } from '../config/parsers.js'
import { REQUIRED_MODULES } from '../doctor/freeswitch.js'
import { formatReport, runDoctor, type DoctorOptions } from '../doctor/run.js'
import { isValidRegion, toE164 } from '../phone/e164.js'
import { ConfigError, storeConfig } from '../store/config.js'
import { UsageError } from './errors.js'

/** FreeSWITCH's defaults, also in freeswitch/autoload_configs/event_socket.conf.xml. */
export const DEFAULT_FREESWITCH_PASSWORD = 'ClueCon'
export const DEFAULT_FREESWITCH = '127.0.0.1:8021'
/** serve's default --listen. */
export const DEFAULT_LISTEN = OPTIONS.listen.default
const SPEAK_MODULES = ['mod_tts_commandline', 'mod_flite']
/** 20 calls at once: 40 sessions with their agents' legs, above FreeSWITCH's default limit of 30 per second. */
const DEFAULT_CALLS_PER_SECOND = 20

type Options = {
  databaseUrl?: string
  dataDir?: string
  region: string
  recordings: string
  ttsDir: string
  freeswitch?: string
  password?: string
  listen: string
  context: string
  number: string[]
  speakModule?: string
  holdMusic: string
  callsPerSecond: string
  voicemailDomain?: string
  timeout: string
  json?: boolean
}

export function registerDoctorCommand(program: Command): void {
  program
    .command('doctor')
    .description('check the database, TTS, directories and (with --freeswitch) FreeSWITCH; exit 1 if any fails')
    .option('--database-url <url>', 'PostgreSQL (default: $DATABASE_URL, else the embedded database)')
    .option('--data-dir <dir>', 'the embedded database directory (default: $IVR_DATA_DIR or ./var/db)')
    .option('--region <code>', 'region of numbers without a country code', process.env.IVR_REGION || 'KR')
    .option('--recordings <dir>', 'where serve writes voicemail', process.env.IVR_RECORDINGS_DIR ?? './var/recordings')
    .option('--tts-dir <dir>', 'where serve renders say prompts', process.env.IVR_TTS_DIR ?? './var/tts')
    .option('--freeswitch <host:port>', `FreeSWITCH's inbound Event Socket (its default: ${DEFAULT_FREESWITCH})`)
    // No commander default: --help would print the password taken from the environment.
    .option(
      '--password <password>',
      `the Event Socket password (default: $IVR_FREESWITCH_PASSWORD or ${DEFAULT_FREESWITCH_PASSWORD})`,
    )
    .option(
      '--listen <host:port>',
      "this router's serve --listen, as the dialplan names it",
      process.env.IVR_LISTEN ?? DEFAULT_LISTEN,
    )
    .option('--context <name>', 'the dialplan context calls arrive in', 'public')
    .option('--number <number...>', 'also check that these numbers reach the router (bound numbers are checked)', [])
    .option('--speak-module <module>', `when prompts are spoken by FreeSWITCH: ${SPEAK_MODULES.join(' or ')}`)
    .option('--hold-music <uri>', "serve's --hold-music", process.env.IVR_HOLD_MUSIC ?? OPTIONS.holdMusic.default)
    .option(
      '--calls-per-second <n>',
      "calls arriving per second at peak, against FreeSWITCH's sessions-per-second limit",
      String(DEFAULT_CALLS_PER_SECOND),
    )
    .option(
      '--voicemail-domain <domain>',
      "with serve --voicemail mod_voicemail: the boxes' domain (each box the workflows use must exist)",
      process.env.IVR_VOICEMAIL_DOMAIN,
    )
    .option('--timeout <seconds>', 'how long to wait for FreeSWITCH', '5')
    .option('--json', 'print the checks as JSON')
    .action(async (opts: Options) => {
      const results = await runDoctor(doctorOptions(opts))
      const failed = results.some((r) => !r.ok)
      if (opts.json) process.stdout.write(`${JSON.stringify({ ok: !failed, checks: results }, null, 2)}\n`)
      else process.stdout.write(formatReport(results))
      process.exitCode = failed ? 1 : 0
    })
}

function doctorOptions(opts: Options): DoctorOptions {
  if (!isValidRegion(opts.region)) throw new UsageError(`--region "${opts.region}": use a country code such as KR`)
  let store
  try {
    store = storeConfig({ databaseUrl: opts.databaseUrl, dataDir: opts.dataDir })
  } catch (err) {
    if (err instanceof ConfigError) throw new UsageError(err.message)
    throw err
  }
  const base = { store, ttsDir: resolve(opts.ttsDir), recordingsDir: resolve(opts.recordings) }
  if (opts.freeswitch === undefined) return base
  const { host, port } = parseAddress('--freeswitch', opts.freeswitch)
  parseAddress('--listen', opts.listen)
  const seconds = Number(opts.timeout)
  if (!(seconds >= 1 && seconds <= 120)) throw new UsageError(`--timeout "${opts.timeout}": seconds from 1 to 120`)
  if (opts.speakModule !== undefined && !SPEAK_MODULES.includes(opts.speakModule))
    throw new UsageError(`--speak-module "${opts.speakModule}": ${SPEAK_MODULES.join(' or ')}`)
  // Both go into Event Socket commands: a line break or space would end or split them.
  if (!/^[A-Za-z0-9_.-]{1,64}$/.test(opts.context)) throw new UsageError(`--context "${opts.context}": a context name`)
  const password = opts.password ?? (process.env.IVR_FREESWITCH_PASSWORD || DEFAULT_FREESWITCH_PASSWORD)
  // eslint-disable-next-line no-control-regex
  if (password === '' || /[\u0000-\u001f]/.test(password))
    throw new UsageError('--password: empty or with control characters')
  const callsPerSecond = Number(opts.callsPerSecond)
  if (!Number.isInteger(callsPerSecond) || callsPerSecond < 1 || callsPerSecond > 10000)
    throw new UsageError(`--calls-per-second "${opts.callsPerSecond}": a whole number from 1 to 10000`)
  // Both go into API commands as single words.
  if (!/^[^\s'"${}\\]+$/.test(opts.holdMusic)) throw new UsageError(`--hold-music "${opts.holdMusic}": one word`)
  if (opts.voicemailDomain !== undefined && !/^[A-Za-z0-9_.-]{1,253}$/.test(opts.voicemailDomain))
    throw new UsageError(`--voicemail-domain "${opts.voicemailDomain}": a domain`)
  const numbers = opts.number.map((n) => {
    const e164 = toE164(n, opts.region)
    if (!e164) throw new UsageError(`--number "${n}": not a phone number`)
    return e164
  })
  return {
    ...base,
    ...(opts.voicemailDomain !== undefined && { voicemailDomain: opts.voicemailDomain }),
    freeswitch: {
      host,
      port,
      password,
      timeoutMs: seconds * 1000,
      modules: [...REQUIRED_MODULES, ...(opts.speakModule ? [opts.speakModule] : [])],
      context: opts.context,
      listen: opts.listen,
      numbers,
      setup: { holdMusic: opts.holdMusic, callsPerSecond },
    },
  }
}

function parseAddress(flag: string, value: string): { host: string; port: number } {
  const address = splitHostPort(value)
  if (!address || address.port === 0) throw new UsageError(`${flag} "${value}": use HOST:PORT, e.g. 127.0.0.1:8021`)
  return address
}
