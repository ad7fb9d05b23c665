/**
 * How a setting's raw value (a flag's or variable's text, or a YAML value) becomes its typed value.
 * A parser throws `BadValue` with what it expected; the loader adds where the value came from.
 */
import { parse as parseYaml } from 'yaml'
import { Endpoints } from '../endpoints/endpoint.js'
import { isValidRegion } from '../phone/e164.js'
import { parseAllowList } from '../server/allow-list.js'
import { redactUrl } from '../store/config.js'

export class BadValue extends Error {
  override readonly name = 'BadValue' as const
}

export type Parser<T> = {
  parse(raw: unknown): T
  /** For the docs' table: what is accepted, e.g. `number ≥ 0`. */
  type: string
}

const shown = (raw: unknown) => JSON.stringify(raw)

function expected(what: string, raw: unknown): never {
  throw new BadValue(`expected ${what}, got ${shown(raw)}`)
}

export const text = (what = 'a non-empty string', type = 'string'): Parser<string> => ({
  type,
  parse: (raw) => (typeof raw === 'string' && raw.trim() !== '' ? raw : expected(what, raw)),
})

/** One word: no spaces, quotes or FreeSWITCH syntax (it is written into application arguments). */
export const token = (what: string): Parser<string> => ({
  type: what,
  parse: (raw) =>
    typeof raw === 'string' && /^[^\s'"{}$\\,|;]+$/.test(raw) ? raw : expected(`${what} (one word)`, raw),
})

export const storageMap: Parser<string> = {
  type: 'DIR or DIR=LOCAL (absolute paths)',
  parse: (raw) =>
    typeof raw === 'string' && splitStorageMap(raw) ? raw : expected('DIR or DIR=LOCAL, absolute paths', raw),
}

/** Where FreeSWITCH keeps a directory and where this machine reads it: `DIR` (the same path) or `DIR=LOCAL`. */
export function splitStorageMap(value: string): { freeswitch: string; local: string } | undefined {
  const [freeswitch = '', local = freeswitch, ...rest] = value.split('=')
  const absolute = (path: string) => path.startsWith('/') && !path.includes('\0')
  return rest.length === 0 && absolute(freeswitch) && absolute(local) ? { freeswitch, local } : undefined
}

/** `BOX@DOMAIN/PROFILE`, a mod_voicemail box as vm_list names it. */
export const voicemailBox: Parser<string> = {
  type: 'BOX@DOMAIN/PROFILE',
  parse: (raw) =>
    typeof raw === 'string' && /^[A-Za-z0-9_.-]+@[A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+$/.test(raw)
      ? raw
      : expected('BOX@DOMAIN/PROFILE, e.g. ivr-fallback@pbx.example.com/ivr-router', raw),
}

export const nonNegative: Parser<number> = {
  type: 'number ≥ 0',
  parse(raw) {
    const n = typeof raw === 'number' ? raw : typeof raw === 'string' && raw.trim() !== '' ? Number(raw) : NaN
    return Number.isFinite(n) && n >= 0 ? n : expected('a number ≥ 0', raw)
  },
}

const TRUE = new Set(['true', 'yes', 'on', '1'])
const FALSE = new Set(['false', 'no', 'off', '0'])

export const boolean: Parser<boolean> = {
  type: 'true/false',
  parse(raw) {
    if (typeof raw === 'boolean') return raw
    const s = typeof raw === 'string' ? raw.trim().toLowerCase() : ''
    if (TRUE.has(s)) return true
    if (FALSE.has(s)) return false
    return expected('true or false', raw)
  },
}

export type HostPort = { host: string; port: number }

/** `HOST:PORT` or `[IPv6]:PORT`; port 0 picks a free one. */
export const hostPort: Parser<string> = {
  type: 'HOST:PORT',
  parse(raw) {
    if (typeof raw === 'string' && splitHostPort(raw)) return raw
    return expected('HOST:PORT, e.g. 127.0.0.1:8084', raw)
  },
}

export function splitHostPort(value: string): HostPort | undefined {
  const m = /^(?:\[([0-9a-fA-F:]+)\]|([^:[\]\s]+)):(\d{1,5})$/.exec(value)
  const port = Number(m?.[3])
  if (!m || port > 65535) return undefined
  return { host: (m[1] ?? m[2])!, port }
}

/** A comma-separated list (flag, variable) or a YAML list of addresses / CIDR blocks. */
export const cidrList: Parser<string[]> = {
  type: 'CIDR list',
  parse(raw) {
    const list =
      typeof raw === 'string' ? raw.split(',') : Array.isArray(raw) ? raw : expected('a list of CIDR blocks', raw)
    const entries = list.map((e) => (typeof e === 'string' ? e.trim() : expected('a CIDR block', e))).filter(Boolean)
    if (entries.length === 0) expected('at least one address or CIDR block', raw)
    try {
      parseAllowList(entries)
    } catch (err) {
      throw new BadValue(err instanceof Error ? err.message : String(err))
    }
    return entries
  },
}

export const region: Parser<string> = {
  type: 'country code',
  parse: (raw) =>
    typeof raw === 'string' && isValidRegion(raw) ? raw.toUpperCase() : expected('a country code such as KR', raw),
}

export const postgresUrl: Parser<string> = {
  type: 'URL',
  parse: (raw) =>
    typeof raw === 'string' && /^postgres(ql)?:\/\/\S+$/.test(raw)
      ? raw
      : expected('postgres://USER@HOST:PORT/DATABASE', typeof raw === 'string' ? redactUrl(raw) : raw),
}

export const oneOf = <T extends string>(...values: T[]): Parser<T> => ({
  type: values.join(' | '),
  parse: (raw) =>
    typeof raw === 'string' && (values as string[]).includes(raw) ? (raw as T) : expected(values.join(', '), raw),
})

/** A whole number in [min, max]. */
export const integer = (min: number, max: number): Parser<number> => ({
  type: `integer ${min}–${max}`,
  parse(raw) {
    const n = typeof raw === 'number' ? raw : typeof raw === 'string' && raw.trim() !== '' ? Number(raw) : NaN
    return Number.isInteger(n) && n >= min && n <= max ? n : expected(`a whole number from ${min} to ${max}`, raw)
  },
})

/** An http(s) URL with no spaces. */
export const httpUrl: Parser<string> = {
  type: 'URL',
  parse: (raw) =>
    typeof raw === 'string' && /^https?:\/\/\S+$/.test(raw) && URL.canParse(raw)
      ? raw
      : expected('an http:// or https:// URL', raw),
}

/** A word FreeSWITCH takes in an application or API argument as is: letters, digits and `. _ @ % + : -`. */
export const word = (what: string): Parser<string> => ({
  type: what,
  parse: (raw) =>
    typeof raw === 'string' && /^[A-Za-z0-9._@%+:-]+$/.test(raw)
      ? raw
      : expected(`${what} (letters, digits and . _ @ % + : -)`, raw),
})

/** A dial string for one endpoint with `%s` where the E.164 number goes (`sofia/gateway/carrier/%s`). */
export const dialTemplate: Parser<string> = {
  type: 'a dial string with %s',
  parse: (raw) =>
    typeof raw === 'string' && /^[A-Za-z0-9_.@:/+=-]*%s[A-Za-z0-9_.@:/+=-]*$/.test(raw) && raw.length <= 200
      ? raw
      : expected('one FreeSWITCH endpoint with %s for the number, e.g. sofia/gateway/carrier/%s', raw),
}

/**
 * The named endpoints of the `http` action: a YAML mapping in the file, or the same as JSON (or YAML) text in the
 * flag or variable. Each problem names its path: `crm.url: must be an http:// or https:// URL`.
 */
export const endpoints: Parser<Endpoints> = {
  type: 'mapping NAME: {url, headers?, secret?, maxBytes?}',
  parse(raw) {
    let value: unknown = raw
    if (typeof raw === 'string') {
      try {
        value = parseYaml(raw)
      } catch {
        return expected('endpoints as JSON or YAML', '…')
      }
    }
    if (typeof value !== 'object' || value === null || Array.isArray(value))
      return expected('a mapping of endpoint names to {url, headers?, secret?}', typeof raw === 'string' ? '…' : raw)
    const result = Endpoints.safeParse(value)
    if (result.success) return result.data
    // Never the value itself: it may be a secret.
    const why = (i: (typeof result.error.issues)[number]) =>
      i.code === 'invalid_key' ? 'not a name: use lowercase letters, digits and "-"' : i.message
    throw new BadValue(result.error.issues.map((i) => `${i.path.join('.')}: ${why(i)}`).join('; '))
  },
}
