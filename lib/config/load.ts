/**
 * The effective configuration: each setting from its flag, else its environment variable, else the
 * config file (`--config FILE` or `$IVR_CONFIG`, YAML), else its default. Every bad value and unknown
 * file key is reported, each naming where it came from; nothing starts with a setting half-understood.
 */
import { readFileSync } from 'node:fs'
import { parseDocument } from 'yaml'
import { redactUrl } from '../store/config.js'
import { OPTION_KEYS, OPTIONS, flagName, type Config, type OptionKey, type OptionSpec } from './options.js'
import { BadValue } from './parsers.js'

export type Source = 'flag' | 'env' | 'file' | 'default'

export type Loaded = {
  config: Config
  /** Where each value came from: `flag`, `env` (with the variable), `file` (with the path) or `default`. */
  sources: Record<OptionKey, { source: Source; from?: string }>
  file?: string
}

/** Settings that cannot be used as given; each line names the flag, variable or file key. Exit 2. */
export class ConfigInvalid extends Error {
  override readonly name = 'ConfigInvalid' as const
  constructor(readonly problems: string[]) {
    super(problems.join('\n'))
  }
}

export const CONFIG_ENV = 'IVR_CONFIG'

export type LoadInput = {
  /** Commander's option values: undefined for a flag not given. */
  flags: Partial<Record<OptionKey, unknown>>
  env?: NodeJS.ProcessEnv
  /** `--config FILE`; else `$IVR_CONFIG`; else no file. */
  file?: string | undefined
}

export function loadConfig(input: LoadInput): Loaded {
  const env = input.env ?? process.env
  const problems: string[] = []
  const path = input.file ?? nonEmpty(env[CONFIG_ENV])
  const fromFile = path === undefined ? {} : readConfigFile(path, problems)
  const config: Record<string, unknown> = {}
  const sources = {} as Loaded['sources']
  for (const key of OPTION_KEYS) {
    const spec: OptionSpec<unknown> = OPTIONS[key]
    const flag = input.flags[key]
    const variable = nonEmpty(env[spec.env])
    const [raw, where, source]: [unknown, string, Loaded['sources'][OptionKey]] =
      flag !== undefined
        ? [flag, `--${flagName(spec)}`, { source: 'flag' }]
        : variable !== undefined
          ? [variable, spec.env, { source: 'env', from: spec.env }]
          : key in fromFile
            ? [fromFile[key], `${path}: ${key}`, { source: 'file', from: path! }]
            : [undefined, '', { source: 'default' }]
    sources[key] = source
    if (source.source === 'default') {
      config[key] = spec.default
      continue
    }
    try {
      config[key] = spec.parse.parse(raw)
    } catch (err) {
      if (!(err instanceof BadValue)) throw err
      problems.push(`${where}: ${err.message}`)
    }
  }
  if (problems.length > 0) throw new ConfigInvalid(problems)
  return { config: config as Config, sources, ...(path !== undefined ? { file: path } : {}) }
}

function readConfigFile(path: string, problems: string[]): Record<string, unknown> {
  let text
  try {
    text = readFileSync(path, 'utf8')
  } catch (err) {
    problems.push(`${path}: cannot read: ${(err as NodeJS.ErrnoException).code ?? String(err)}`)
    return {}
  }
  const doc = parseDocument(text, { prettyErrors: true })
  if (doc.errors.length > 0) {
    problems.push(`${path}: not YAML: ${doc.errors[0]!.message.split('\n')[0]}`)
    return {}
  }
  const value: unknown = doc.toJS()
  if (value === null || value === undefined) return {}
  if (typeof value !== 'object' || Array.isArray(value)) {
    problems.push(`${path}: expected a mapping of settings (key: value)`)
    return {}
  }
  const known = new Set<string>(OPTION_KEYS)
  for (const key of Object.keys(value)) {
    if (!known.has(key)) problems.push(`${path}: ${key}: unknown key${suggest(key)}`)
  }
  return value as Record<string, unknown>
}

function suggest(key: string): string {
  const lower = key.toLowerCase().replace(/[-_]/g, '')
  const near = OPTION_KEYS.find((k) => k.toLowerCase() === lower || k.toLowerCase().startsWith(lower.slice(0, 6)))
  return near ? ` (did you mean ${near}?)` : ` (known: ${OPTION_KEYS.join(', ')})`
}

function nonEmpty(v: string | undefined): string | undefined {
  return v === undefined || v.trim() === '' ? undefined : v
}

/** A value as `config print` and logs may show it: secrets masked. */
export function shownValue(spec: Pick<OptionSpec<unknown>, 'secret' | 'show'>, value: unknown): unknown {
  if (!spec.secret || value === undefined) return value
  if (spec.show) return spec.show(value)
  if (typeof value === 'string' && /^[a-z][a-z0-9+.-]*:\/\//i.test(value)) return redactUrl(value)
  return '****'
}
