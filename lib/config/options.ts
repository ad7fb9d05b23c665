/**
 * Every setting of `serve`, declared once: its config-file key, flag, environment variable, parser,
 * default, whether it is secret, and what it does. The flags, `config print`, the loader and the
 * table in docs/operations.md all come from here.
 */
import { shownEndpoints, type Endpoints } from '../endpoints/endpoint.js'
import { DEFAULT_RETRY_DELAY_SECONDS, DEFAULT_UNREACHABLE_SECONDS } from '../routing/ledger.js'
import { DEFAULT_ALLOW } from '../server/allow-list.js'
import { DEFAULT_DATA_DIR, DEFAULT_SPOOL_DIR } from '../store/config.js'
import { DEFAULT_BACKOFF } from '../sms/backoff.js'
import { LMS_MAX_BYTES } from '../workflow/sms-length.js'
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
  /** How a secret setting is shown instead of `****` (to keep its non-secret parts readable). */
  show?(value: T): unknown
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
  leaseSeconds: option({
    flag: '--lease-seconds <s>',
    env: 'IVR_LEASE_SECONDS',
    parse: p.integer(3, 3600),
    default: 60,
    description:
      "how long an agent's reservation lasts unless this router renews it: after a router dies, the agents it held are free again within this time (its callers in line stop counting within seconds)",
  }),
  retryDelaySeconds: option({
    flag: '--retry-delay-seconds <s>',
    env: 'IVR_RETRY_DELAY_SECONDS',
    parse: p.integer(0, 3600),
    default: DEFAULT_RETRY_DELAY_SECONDS,
    description:
      'after a ring goes unanswered, busy or failed, how long its agent rests before it is offered a caller again (0: at once); `agent status NAME available` ends the rest',
  }),
  unreachableSeconds: option({
    flag: '--unreachable-seconds <s>',
    env: 'IVR_UNREACHABLE_SECONDS',
    parse: p.integer(0, 86400),
    default: DEFAULT_UNREACHABLE_SECONDS,
    description:
      'after a ring cannot reach an agent at all (not registered, no route), how long it is skipped (`agent list` shows why); `agent status NAME available` ends it',
  }),
  holdMusic: option({
    flag: '--hold-music <uri>',
    env: 'IVR_HOLD_MUSIC',
    parse: p.token('path or URI'),
    default: 'local_stream://moh',
    description: 'what callers hear while queued or ringing',
  }),
  prompts: option({
    flag: '--prompts <how>',
    env: 'IVR_PROMPTS',
    parse: p.oneOf('render', 'speak'),
    default: 'render',
    description:
      '`say` prompts: `render` (the router renders WAV files with espeak-ng, FreeSWITCH plays them) or `speak` (FreeSWITCH speaks the text with `speak ENGINE|VOICE|TEXT`, docs/tts.md)',
  }),
  speakEngine: option({
    flag: '--speak-engine <name>',
    env: 'IVR_SPEAK_ENGINE',
    parse: p.word('a FreeSWITCH TTS engine'),
    default: 'tts_commandline',
    description: 'with `--prompts speak`: the engine FreeSWITCH speaks with (mod_tts_commandline, or `flite`)',
  }),
  speakVoice: option({
    flag: '--speak-voice <name>',
    env: 'IVR_SPEAK_VOICE',
    parse: p.word('a voice'),
    default: 'ko',
    description: 'with `--prompts speak`: the voice when a prompt names none',
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
  voicemail: option({
    flag: '--voicemail <how>',
    env: 'IVR_VOICEMAIL',
    parse: p.oneOf('record', 'mod_voicemail'),
    default: 'record',
    description: 'how messages are taken: `record` (the router records a file) or `mod_voicemail` (a FreeSWITCH box)',
  }),
  voicemailProfile: option({
    flag: '--voicemail-profile <name>',
    env: 'IVR_VOICEMAIL_PROFILE',
    parse: p.word('a voicemail.conf profile'),
    default: 'default',
    description: 'with `mod_voicemail`: the voicemail.conf profile',
  }),
  voicemailDomain: option<string | undefined>({
    flag: '--voicemail-domain <domain>',
    env: 'IVR_VOICEMAIL_DOMAIN',
    parse: p.word('a domain'),
    default: undefined,
    noDefault: 'none (required with `mod_voicemail`)',
    description: "with `mod_voicemail`: the boxes' domain",
  }),
  voicemailMinSeconds: option({
    flag: '--voicemail-min-seconds <s>',
    env: 'IVR_VOICEMAIL_MIN_SECONDS',
    parse: p.integer(0, 600),
    default: 2,
    description: 'a shorter message is a hang-up, not a voicemail',
  }),
  fallbackMailbox: option<string | undefined>({
    flag: '--fallback-mailbox <box@domain/profile>',
    env: 'IVR_FALLBACK_MAILBOX',
    parse: p.voicemailBox,
    default: undefined,
    noDefault: 'none: not imported',
    description:
      "database only: import the dialplan fallback mailbox's messages (callers no router answered) into the inbox, over `--mailbox-esl`",
  }),
  fallbackMailboxSeconds: option({
    flag: '--fallback-mailbox-seconds <s>',
    env: 'IVR_FALLBACK_MAILBOX_SECONDS',
    parse: p.integer(5, 3600),
    default: 60,
    description: 'how often the fallback mailbox is read',
  }),
  mailboxEsl: option({
    flag: '--mailbox-esl <host:port>',
    env: 'IVR_MAILBOX_ESL',
    parse: p.hostPort,
    default: '127.0.0.1:8021',
    description: "FreeSWITCH's inbound Event Socket (for the fallback mailbox)",
  }),
  mailboxEslPassword: option({
    flag: '--mailbox-esl-password <password>',
    env: 'IVR_MAILBOX_ESL_PASSWORD',
    parse: p.text('a password'),
    default: 'ClueCon',
    secret: true,
    description: "the inbound Event Socket's password (event_socket.conf.xml)",
  }),
  smsProvider: option({
    flag: '--sms-provider <name>',
    env: 'IVR_SMS_PROVIDER',
    parse: p.oneOf('none', 'webhook', 'freeswitch'),
    default: 'none',
    description: 'deliver the SMS outbox (database only): `webhook` or FreeSWITCH `chat`',
  }),
  smsWebhookUrl: option<string | undefined>({
    flag: '--sms-webhook-url <url>',
    env: 'IVR_SMS_WEBHOOK_URL',
    parse: p.httpUrl,
    default: undefined,
    noDefault: 'none (required with `webhook`)',
    description: 'webhook: where each message is POSTed',
  }),
  smsWebhookSecret: option<string | undefined>({
    flag: '--sms-webhook-secret <secret>',
    env: 'IVR_SMS_WEBHOOK_SECRET',
    parse: p.text('a secret'),
    default: undefined,
    noDefault: 'none (required with `webhook`)',
    secret: true,
    description: 'webhook: the HMAC-SHA256 key of the signature header (prefer the environment or the file)',
  }),
  smsWebhookTimeoutMs: option({
    flag: '--sms-webhook-timeout-ms <ms>',
    env: 'IVR_SMS_WEBHOOK_TIMEOUT_MS',
    parse: p.integer(100, 120_000),
    default: 5000,
    description: 'webhook: how long one POST may take',
  }),
  smsRateLimit: option({
    flag: '--sms-rate-limit <n/period>',
    env: 'IVR_SMS_RATE_LIMIT',
    parse: p.text('a count per period, e.g. 3/h'),
    default: '3/h',
    description: 'texts per destination number, e.g. `3/h`, `10/d`, `1/30m`; over it a message fails as `rate_limited`',
  }),
  smsMaxBytes: option({
    flag: '--sms-max-bytes <n>',
    env: 'IVR_SMS_MAX_BYTES',
    parse: p.integer(1, 100_000),
    default: LMS_MAX_BYTES,
    description: 'longest text the provider takes (a Korean character counts 2)',
  }),
  smsAttempts: option({
    flag: '--sms-attempts <n>',
    env: 'IVR_SMS_ATTEMPTS',
    parse: p.integer(1, 100),
    default: DEFAULT_BACKOFF.maxAttempts,
    description: 'tries per message on network errors, timeouts, 5xx and 429',
  }),
  smsEsl: option({
    flag: '--sms-esl <host:port>',
    env: 'IVR_SMS_ESL',
    parse: p.hostPort,
    default: '127.0.0.1:8021',
    description: "freeswitch: FreeSWITCH's inbound Event Socket",
  }),
  smsEslPassword: option({
    flag: '--sms-esl-password <password>',
    env: 'IVR_FREESWITCH_PASSWORD',
    parse: p.text('a password'),
    default: 'ClueCon',
    secret: true,
    description: "freeswitch: the inbound Event Socket's password (event_socket.conf.xml)",
  }),
  smsChatProto: option({
    flag: '--sms-chat-proto <proto>',
    env: 'IVR_SMS_CHAT_PROTO',
    parse: p.word('a chat protocol'),
    default: 'sip',
    description: 'freeswitch: the chat protocol',
  }),
  smsChatFrom: option<string | undefined>({
    flag: '--sms-chat-from <from>',
    env: 'IVR_SMS_CHAT_FROM',
    parse: p.word('a sender'),
    default: undefined,
    noDefault: 'none (required with `freeswitch`)',
    description: 'freeswitch: the sender',
  }),
  smsChatTo: option({
    flag: '--sms-chat-to <to>',
    env: 'IVR_SMS_CHAT_TO',
    parse: p.word('a destination'),
    default: '%s',
    description: 'freeswitch: the destination, `%s` = the number',
  }),
  endpoints: option<Endpoints>({
    flag: '--endpoints <json>',
    env: 'IVR_ENDPOINTS',
    parse: p.endpoints,
    default: {},
    noDefault: 'none: workflows may not use `http`',
    secret: true,
    show: (v) => shownEndpoints(v),
    description:
      'the systems workflows may ask (`http` action): `NAME: {url, headers, secret, maxBytes}` (docs/operations.md, "Endpoints")',
  }),
  callbackDial: option<string | undefined>({
    flag: '--callback-dial <template>',
    env: 'IVR_CALLBACK_DIAL',
    parse: p.dialTemplate,
    default: undefined,
    noDefault: 'none: callbacks are not served',
    description:
      'database only: serve callbacks (docs/routing.md, "Callbacks"), calling customers through this endpoint, `%s` = the E.164 number',
  }),
  callbackEsl: option({
    flag: '--callback-esl <host:port>',
    env: 'IVR_CALLBACK_ESL',
    parse: p.hostPort,
    default: '127.0.0.1:8021',
    description: "with `--callback-dial`: FreeSWITCH's inbound Event Socket, where agents are originated",
  }),
  callbackEslPassword: option({
    flag: '--callback-esl-password <password>',
    env: 'IVR_CALLBACK_ESL_PASSWORD',
    parse: p.text('a password'),
    default: 'ClueCon',
    secret: true,
    description: "with `--callback-dial`: the inbound Event Socket's password (event_socket.conf.xml)",
  }),
  callbackSocket: option<string | undefined>({
    flag: '--callback-socket <host:port>',
    env: 'IVR_CALLBACK_SOCKET',
    parse: p.hostPort,
    default: undefined,
    noDefault: 'the `--listen` address',
    description:
      'with `--callback-dial`: where FreeSWITCH reaches this router for an originated agent (`&socket`); needed when `--listen` is a wildcard address',
  }),
  callbackRingSeconds: option({
    flag: '--callback-ring-seconds <s>',
    env: 'IVR_CALLBACK_RING_SECONDS',
    parse: p.integer(5, 300),
    default: 30,
    description: "with `--callback-dial`: how long the customer's phone rings",
  }),
  metrics: option<string | undefined>({
    flag: '--metrics <host:port>',
    env: 'IVR_METRICS',
    parse: p.hostPort,
    default: undefined,
    noDefault: 'off',
    description: 'serve `/metrics`, `/healthz` and `/readyz` over HTTP here',
  }),
  console: option<string | undefined>({
    flag: '--console <host:port>',
    env: 'IVR_CONSOLE',
    parse: p.hostPort,
    default: undefined,
    noDefault: 'off',
    description: 'serve the web console (docs/console.md) here; loopback unless told otherwise',
  }),
  freeswitchStorage: option<string | undefined>({
    flag: '--freeswitch-storage <dir[=local]>',
    env: 'IVR_FREESWITCH_STORAGE',
    parse: p.storageMap,
    default: undefined,
    noDefault: "off: mod_voicemail's messages do not play in the console",
    description:
      "with `--console`: FreeSWITCH's storage directory, to play mod_voicemail's messages (`DIR=LOCAL` when this machine mounts it at LOCAL)",
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
