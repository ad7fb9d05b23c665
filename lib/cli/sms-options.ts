/**
 * `serve`'s SMS delivery options, declared here and nowhere else, and the worker they make (docs/sms.md). The
 * webhook secret and the Event Socket password come from the flag or the environment and are never logged or
 * shown as a default in --help.
 */
import type { Command } from 'commander'
import type { Logger } from 'pino'
import { DEFAULT_BACKOFF } from '../sms/backoff.js'
import { eslApiSender } from '../sms/esl-api-sender.js'
import { CHAT_WORD, FreeswitchChatProvider } from '../sms/freeswitch-provider.js'
import type { SmsProvider } from '../sms/provider.js'
import { parseRateLimit, type RateLimit } from '../sms/rate-limit.js'
import { WebhookProvider } from '../sms/webhook-provider.js'
import { SmsWorker, type SmsWorkerOptions } from '../sms/worker.js'
import type { Store } from '../store/db.js'
import { LMS_MAX_BYTES } from '../workflow/sms-length.js'
import { UsageError } from './errors.js'
import { wholeNumber } from './store-commands.js'

export type SmsFlags = {
  smsProvider: string
  smsWebhookUrl?: string
  smsWebhookSecret?: string
  smsWebhookTimeoutMs: string
  smsRateLimit: string
  smsMaxBytes: string
  smsAttempts: string
  smsEsl: string
  smsChatProto: string
  smsChatFrom?: string
  smsChatTo: string
}

export function addSmsOptions(command: Command): Command {
  return command
    .option(
      '--sms-provider <name>',
      'deliver queued SMS: none | webhook | freeswitch',
      process.env.IVR_SMS_PROVIDER ?? 'none',
    )
    .option('--sms-webhook-url <url>', 'webhook: where to POST (default: $IVR_SMS_WEBHOOK_URL)')
    .option('--sms-webhook-secret <secret>', 'webhook: the HMAC key (default: $IVR_SMS_WEBHOOK_SECRET)')
    .option('--sms-webhook-timeout-ms <ms>', 'webhook: how long one POST may take', '5000')
    .option('--sms-rate-limit <n/period>', 'texts per destination number, e.g. 3/h, 10/d, 1/30m', '3/h')
    .option(
      '--sms-max-bytes <n>',
      'longest text the provider takes (2 bytes a Korean character)',
      String(LMS_MAX_BYTES),
    )
    .option(
      '--sms-attempts <n>',
      'tries per message on network errors, timeouts, 5xx and 429',
      String(DEFAULT_BACKOFF.maxAttempts),
    )
    .option(
      '--sms-esl <host:port>',
      'freeswitch: its inbound Event Socket (password: $IVR_ESL_PASSWORD)',
      '127.0.0.1:8021',
    )
    .option('--sms-chat-proto <proto>', 'freeswitch: the chat protocol', 'sip')
    .option('--sms-chat-from <from>', 'freeswitch: the sender (required)')
    .option('--sms-chat-to <to>', 'freeswitch: the destination, %s = the number', '%s')
}

/** What the flags ask for, checked before anything starts; undefined for `none`. */
export type SmsSettings = {
  provider:
    | { kind: 'webhook'; url: string; secret: string; timeoutMs: number }
    | { kind: 'freeswitch'; host: string; port: number; proto: string; from: string; to: string }
  rateLimitText: string
  rateLimit: RateLimit
  maxBytes: number
  maxAttempts: number
}

function hostPort(flag: string, value: string): { host: string; port: number } {
  const m = /^(?:\[([0-9a-fA-F:]+)\]|([^:\s]+)):(\d{1,5})$/.exec(value)
  const port = Number(m?.[3])
  if (!m || port < 1 || port > 65535) throw new UsageError(`${flag} "${value}": use HOST:PORT, e.g. 127.0.0.1:8021`)
  return { host: (m[1] ?? m[2])!, port }
}

function providerSettings(f: SmsFlags): SmsSettings['provider'] {
  if (f.smsProvider === 'webhook') {
    const url = f.smsWebhookUrl ?? process.env.IVR_SMS_WEBHOOK_URL
    if (!url || !/^https?:\/\/\S+$/.test(url) || !URL.canParse(url))
      throw new UsageError('--sms-provider webhook needs --sms-webhook-url http(s)://… (or IVR_SMS_WEBHOOK_URL)')
    const secret = f.smsWebhookSecret ?? process.env.IVR_SMS_WEBHOOK_SECRET
    if (!secret)
      throw new UsageError('--sms-provider webhook needs a secret: IVR_SMS_WEBHOOK_SECRET or --sms-webhook-secret')
    const timeoutMs = wholeNumber('--sms-webhook-timeout-ms', f.smsWebhookTimeoutMs, 100, 120_000)
    return { kind: 'webhook', url, secret, timeoutMs }
  }
  if (f.smsProvider === 'freeswitch') {
    const { host, port } = hostPort('--sms-esl', f.smsEsl)
    for (const [flag, value] of [
      ['--sms-chat-proto', f.smsChatProto],
      ['--sms-chat-from', f.smsChatFrom],
      ['--sms-chat-to', f.smsChatTo],
    ] as const)
      if (value === undefined || !CHAT_WORD.test(value))
        throw new UsageError(
          `${flag} ${value === undefined ? 'is required with --sms-provider freeswitch' : `"${value}": letters, digits and . _ @ % + : -`}`,
        )
    return { kind: 'freeswitch', host, port, proto: f.smsChatProto, from: f.smsChatFrom!, to: f.smsChatTo }
  }
  throw new UsageError(`--sms-provider "${f.smsProvider}": none, webhook or freeswitch`)
}

export function smsSettings(f: SmsFlags): SmsSettings | undefined {
  if (f.smsProvider === 'none') return undefined
  const rateLimit = parseRateLimit(f.smsRateLimit)
  if (!rateLimit)
    throw new UsageError(`--sms-rate-limit "${f.smsRateLimit}": a count per period, e.g. 3/h, 10/d, 1/30m`)
  return {
    provider: providerSettings(f),
    rateLimitText: f.smsRateLimit,
    rateLimit,
    maxBytes: wholeNumber('--sms-max-bytes', f.smsMaxBytes, 1, 100_000),
    maxAttempts: wholeNumber('--sms-attempts', f.smsAttempts, 1, 100),
  }
}

/**
 * The worker for checked settings, not started. `hooks` are where metrics count sends and failures
 * (SmsWorkerOptions' onSent / onFailed / onRetry): one line each.
 */
export function smsWorker(
  s: SmsSettings,
  store: Store,
  log: Logger,
  hooks: Pick<SmsWorkerOptions, 'onSent' | 'onFailed' | 'onRetry'> = {},
): SmsWorker {
  const p = s.provider
  const provider: SmsProvider =
    p.kind === 'webhook'
      ? new WebhookProvider({ url: p.url, secret: p.secret, timeoutMs: p.timeoutMs })
      : new FreeswitchChatProvider(
          eslApiSender(
            { host: p.host, port: p.port, password: process.env.IVR_ESL_PASSWORD ?? 'ClueCon' },
            log.child({ component: 'sms-esl' }),
            10_000,
          ),
          { proto: p.proto, from: p.from, to: p.to },
        )
  log.info(
    { provider: provider.name, rateLimit: s.rateLimitText, maxBytes: s.maxBytes },
    `sms: delivering through ${provider.name}`,
  )
  return new SmsWorker(store, {
    provider,
    rateLimit: s.rateLimit,
    backoff: { ...DEFAULT_BACKOFF, maxAttempts: s.maxAttempts },
    maxBytes: s.maxBytes,
    pollMs: 1000,
    log: log.child({ component: 'sms' }),
    ...hooks,
  })
}
