/**
 * Every setting of `serve`, declared once: its config-file key, flag, environment variable, parser,
 * default, whether it is secret, and what it does. The flags, `config print`, the loader and the
 * table in docs/operations.md all come from here.
 */
import { DEFAULT_ALLOW } from '../server/allow-list.js'
import { DEFAULT_DATA_DIR, DEFAULT_SPOOL_DIR } from '../store/config.js'
import * as p from './parsers.js'

export type OptionSpec<T> = {
  /** `--name <arg>` (or `--name` for a true/false setting); its camelCase name is the config-file key. */
  flag: string
  env: string
  parse: p.Parser<T>
  /** Undefined (with T including undefined): the setting is off / absent unless given. */
  default: T
  /** What the docs say when there is no default value. */
  noDefault?: string
  /** Masked by `config print` and in logs: URLs keep all but their password, other values show as `****`. */
  secret?: boolean
  description: string
}

const option = <T>(spec: OptionSpec<T>): OptionSpec<T> => spec

export const OPTIONS = {
  listen: option({
    flag: '--listen <host:port>',
    env: 'IVR_LISTEN',
    parse: p.hostPort,
    default: '127.0.0.1:8084',
    description: 'where FreeSWITCH connects (the dialplan `socket` address)',
  }),
  allow: option<readonly string[]>({
    flag: '--allow <cidrs>',
    env: 'IVR_ALLOW',
    parse: p.cidrList,
    default: DEFAULT_ALLOW,
    description: 'addresses FreeSWITCH connects from (comma-separated, or a YAML list); others are refused',
  }),
  region: option({
    flag: '--region <code>',
    env: 'IVR_REGION',
    parse: p.region,
    default: 'KR',
    description: 'region of numbers written without `+`',
  }),
  databaseUrl: option<string | undefined>({
    flag: '--database-url <url>',
    env: 'DATABASE_URL',
    parse: p.postgresUrl,
    default: undefined,
    noDefault: 'none: the embedded database',
    secret: true,
    description: 'PostgreSQL (`postgres://USER:PASSWORD@HOST:PORT/DB`)',
  }),
  dataDir: option({
    flag: '--data-dir <dir>',
    env: 'IVR_DATA_DIR',
    parse: p.text('a directory', 'path'),
    default: DEFAULT_DATA_DIR,
    description: 'the embedded database directory (when no URL)',
  }),
  spoolDir: option({
    flag: '--spool-dir <dir>',
    env: 'IVR_SPOOL_DIR',
    parse: p.text('a directory', 'path'),
    default: DEFAULT_SPOOL_DIR,
    description: 'where records wait while the database is away (one router per directory)',
  }),
  drainSeconds: option({
    flag: '--drain-seconds <s>',
    env: 'IVR_DRAIN_SECONDS',
    parse: p.nonNegative,
    default: 30,
    description: 'on SIGTERM, how long live calls may go on before they are cut',
  }),
  shutdownDelaySeconds: option({
    flag: '--shutdown-delay-seconds <s>',
    env: 'IVR_SHUTDOWN_DELAY_SECONDS',
    parse: p.nonNegative,
    default: 0,
    description: 'on SIGTERM, how long `/readyz` says 503 before the listener closes (for load balancers)',
  }),
  holdMusic: option({
    flag: '--hold-music <uri>',
    env: 'IVR_HOLD_MUSIC',
    parse: p.token('path or URI'),
    default: 'local_stream://moh',
    description: 'what callers hear while queued or ringing',
  }),
  recordings: option({
    flag: '--recordings <dir>',
    env: 'IVR_RECORDINGS_DIR',
    parse: p.token('path'),
    default: './var/recordings',
    description: 'where voicemail recordings are written',
  }),
  records: option({
    flag: '--records <file>',
    env: 'IVR_RECORDS',
    parse: p.text('a file', 'path'),
    default: './var/calls.jsonl',
    description: 'with workflow files (no database): call records, one JSON line each',
  }),
  metrics: option<string | undefined>({
    flag: '--metrics <host:port>',
    env: 'IVR_METRICS',
    parse: p.hostPort,
    default: undefined,
    noDefault: 'off',
    description: 'serve `/metrics`, `/healthz` and `/readyz` over HTTP here',
  }),
  logLevel: option({
    flag: '--log-level <level>',
    env: 'IVR_LOG_LEVEL',
    parse: p.oneOf('trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'),
    default: 'info',
    description: 'the least severe log lines written',
  }),
  pretty: option({
    flag: '--pretty',
    env: 'IVR_PRETTY',
    parse: p.boolean,
    default: false,
    description: 'readable log lines instead of JSON',
  }),
  redactNumbers: option({
    flag: '--redact-numbers',
    env: 'IVR_REDACT_NUMBERS',
    parse: p.boolean,
    default: false,
    description: 'log callers and dialled numbers masked but for their last 4 digits (records keep them whole)',
  }),
}

export type Options = typeof OPTIONS
export type OptionKey = keyof Options
export type Config = { [K in OptionKey]: Options[K] extends OptionSpec<infer T> ? T : never }
export const OPTION_KEYS = Object.keys(OPTIONS) as OptionKey[]

/** `--drain-seconds <s>` → `drain-seconds`. */
export function flagName(spec: { flag: string }): string {
  return spec.flag.replace(/^--/, '').split(' ')[0]!
}

export function isSwitch(spec: { flag: string }): boolean {
  return !spec.flag.includes(' ')
}
