/**
 * Rings a phone from the router (issue 15, callbacks): `bgapi originate {vars}<dial> <app>` on the inbound Event
 * Socket, whose BACKGROUND_JOB says `+OK <uuid>` once the phone answered or `-ERR <CAUSE>` (fixtures, fourth batch:
 * USER_BUSY, NO_ANSWER, USER_NOT_REGISTERED …). The answered channel then runs `&park()` or connects to the router's
 * outbound socket (`'&socket(host:port async full)'`, quoted because originate splits its arguments at spaces),
 * with the variables in its connect data (`variable_<name>`).
 *
 * The command is built from checked parts only. originate splits its argument at spaces outside single quotes and
 * drops the quotes (`switch_separate_string`), then the `{…}` block at commas, where `\,` is a comma
 * (`switch_event_create_brackets`); FreeSWITCH expands `${…}` on the new channel and ends the command at a line
 * break. So a value may hold spaces (the value is quoted) and commas (escaped), but never a line break or any other
 * control, `${`, a quote, a backslash or a brace: such input is refused, naming the field, instead of being altered.
 */
import type { FreeSwitchConnection } from './inbound-client.js'

export type OriginateRequest = {
  /** One endpoint: `user/1001@pbx.example.com`, `sofia/gateway/carrier/01099998888`, `loopback/1000/default`. */
  dial: string
  /** Channel variables of the new channel (`ivr_callback`, `origination_caller_id_number` …). */
  variables: Record<string, string>
  /** How long the phone may ring (`originate_timeout`). */
  timeoutSeconds: number
  /** What the answered channel does: connect to the router's outbound socket, or wait parked. */
  then: { socket: { host: string; port: number } } | 'park'
}

export type OriginateResult = { ok: true; uuid: string } | { ok: false; cause: string }

/** Input that would not reach FreeSWITCH as meant; `field` names it (`dial`, `variables.ivr_callback` …). */
export class OriginateRefused extends Error {
  override readonly name = 'OriginateRefused' as const
  constructor(
    readonly field: string,
    reason: string,
  ) {
    super(`refusing to originate: ${field} ${reason}`)
  }
}

const ENDPOINT = /^[A-Za-z0-9_.@:/+=-]+$/
const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/
const HOST = /^[A-Za-z0-9.-]+$/
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/
const CAUSE = /^[A-Z_]+$/
const CONTROLS = /[\p{Cc}\p{Zl}\p{Zp}]/u
/** Quotes and backslashes change how FreeSWITCH splits; braces end or open the variables block. */
const SPLITTERS = /['"\\{}]/
/** Room for the job's submission and its event after the ringing. */
const MARGIN_MS = 10_000

function value(field: string, text: string): string {
  if (CONTROLS.test(text)) throw new OriginateRefused(field, 'contains a line break or another control character')
  if (text.includes('${')) throw new OriginateRefused(field, 'contains ${, which FreeSWITCH would expand')
  if (SPLITTERS.test(text)) throw new OriginateRefused(field, 'contains a quote, a backslash or a brace')
  if (text !== text.trim()) throw new OriginateRefused(field, 'starts or ends with a space, which FreeSWITCH drops')
  const escaped = text.replaceAll(',', '\\,')
  return text.includes(' ') ? `'${escaped}'` : escaped
}

/** The argument of `originate` (what follows `originate `). */
export function originateArgument(req: OriginateRequest): string {
  if (!ENDPOINT.test(req.dial)) throw new OriginateRefused('dial', 'is not one endpoint (letters, digits, _.@:/+=-)')
  const seconds = req.timeoutSeconds
  if (!Number.isInteger(seconds) || seconds < 1 || seconds > 3600)
    throw new OriginateRefused('timeoutSeconds', 'must be a whole number of seconds from 1 to 3600')
  const vars = Object.entries(req.variables).map(([name, text]) => {
    const field = `variables.${name}`
    if (!NAME.test(name)) throw new OriginateRefused(field, 'is not a variable name ([A-Za-z_][A-Za-z0-9_]*)')
    if (name.toLowerCase() === 'originate_timeout') throw new OriginateRefused(field, 'is set by timeoutSeconds')
    return `${name}=${value(field, text)}`
  })
  vars.push(`originate_timeout=${seconds}`)
  return `{${vars.join(',')}}${req.dial} ${application(req.then)}`
}

function application(then: OriginateRequest['then']): string {
  if (then === 'park') return '&park()'
  const { host, port } = then.socket
  if (!HOST.test(host)) throw new OriginateRefused('then.socket.host', 'is not a host name or IPv4 address')
  if (!Number.isInteger(port) || port < 1 || port > 65535)
    throw new OriginateRefused('then.socket.port', 'is not a TCP port')
  return `'&socket(${host}:${port} async full)'`
}

/** Originates and waits for the answer (or the failure) of the phone. */
export async function originate(connection: FreeSwitchConnection, req: OriginateRequest): Promise<OriginateResult> {
  const output = await connection.api(`originate ${originateArgument(req)}`, req.timeoutSeconds * 1000 + MARGIN_MS)
  const ok = /^\+OK ([0-9a-f-]{36})\s*$/.exec(output)
  if (ok) return { ok: true, uuid: ok[1]! }
  const failed = /^-ERR (\S+)\s*$/.exec(output)
  if (failed) return { ok: false, cause: failed[1]! }
  throw new Error(`originate: unexpected reply ${JSON.stringify(output)}`)
}

/** Hangs a channel up (`uuid_kill`); false when FreeSWITCH has no such channel. */
export async function kill(
  connection: FreeSwitchConnection,
  uuid: string,
  cause = 'NORMAL_CLEARING',
): Promise<boolean> {
  if (!UUID.test(uuid)) throw new OriginateRefused('uuid', 'is not a channel UUID')
  if (!CAUSE.test(cause)) throw new OriginateRefused('cause', 'is not a hangup cause name')
  const output = await connection.api(`uuid_kill ${uuid} ${cause}`)
  if (output.startsWith('+OK')) return true
  if (output.startsWith('-ERR No such channel')) return false
  throw new Error(`uuid_kill: unexpected reply ${JSON.stringify(output)}`)
}
