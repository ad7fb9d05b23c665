/**
 * `serve`'s SMS delivery settings (declared in lib/config/options.ts, so the config file and `config print` know
 * them), checked together, and the worker they make (docs/sms.md). The webhook secret and the Event Socket password
 * are secrets: masked by `config print`, never logged.
 */
import type { Logger } from 'pino'
import type { Config } from '../config/options.js'
import { splitHostPort } from '../config/parsers.js'
import { DEFAULT_BACKOFF } from '../sms/backoff.js'
import { eslApiSender } from '../sms/esl-api-sender.js'
import { CHAT_WORD, FreeswitchChatProvider } from '../sms/freeswitch-provider.js'
import type { SmsProvider } from '../sms/provider.js'
import { parseRateLimit, type RateLimit } from '../sms/rate-limit.js'
import { WebhookProvider } from '../sms/webhook-provider.js'
import { SmsWorker, type SmsWorkerOptions } from '../sms/worker.js'
import type { Store } from '../store/db.js'
import { UsageError } from './errors.js'

type SmsConfig = Pick<
  Config,
  | 'smsProvider'
  | 'smsWebhookUrl'
  | 'smsWebhookSecret'
  | 'smsWebhookTimeoutMs'
  | 'smsRateLimit'
  | 'smsMaxBytes'
  | 'smsAttempts'
  | 'smsEsl'
  | 'smsEslPassword'
  | 'smsChatProto'
  | 'smsChatFrom'
  | 'smsChatTo'
>

/** What the settings ask for, checked before anything starts; undefined for `none`. */
export type SmsSettings = {
  provider:
    | { kind: 'webhook'; url: string; secret: string; timeoutMs: number }
    | { kind: 'freeswitch'; host: string; port: number; password: string; proto: string; from: string; to: string }
  rateLimitText: string
  rateLimit: RateLimit
  maxBytes: number
  maxAttempts: number
}

function providerSettings(c: SmsConfig): SmsSettings['provider'] {
  if (c.smsProvider === 'webhook') {
    if (c.smsWebhookUrl === undefined)
      throw new UsageError('--sms-provider webhook needs --sms-webhook-url http(s)://… (or IVR_SMS_WEBHOOK_URL)')
    if (c.smsWebhookSecret === undefined)
      throw new UsageError('--sms-provider webhook needs a secret: IVR_SMS_WEBHOOK_SECRET or --sms-webhook-secret')
    return { kind: 'webhook', url: c.smsWebhookUrl, secret: c.smsWebhookSecret, timeoutMs: c.smsWebhookTimeoutMs }
  }
  const { host, port } = splitHostPort(c.smsEsl)!
  for (const [flag, value] of [
    ['--sms-chat-proto', c.smsChatProto],
    ['--sms-chat-from', c.smsChatFrom],
    ['--sms-chat-to', c.smsChatTo],
  ] as const)
    if (value === undefined || !CHAT_WORD.test(value))
      throw new UsageError(
        `${flag} ${value === undefined ? 'is required with --sms-provider freeswitch' : `"${value}": letters, digits and . _ @ % + : -`}`,
      )
  return {
    kind: 'freeswitch',
    host,
    port,
    password: c.smsEslPassword,
    proto: c.smsChatProto,
    from: c.smsChatFrom!,
    to: c.smsChatTo,
  }
}

export function smsSettings(c: SmsConfig): SmsSettings | undefined {
  if (c.smsProvider === 'none') return undefined
  const rateLimit = parseRateLimit(c.smsRateLimit)
  if (!rateLimit)
    throw new UsageError(`--sms-rate-limit "${c.smsRateLimit}": a count per period, e.g. 3/h, 10/d, 1/30m`)
  return {
    provider: providerSettings(c),
    rateLimitText: c.smsRateLimit,
    rateLimit,
    maxBytes: c.smsMaxBytes,
    maxAttempts: c.smsAttempts,
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
            { host: p.host, port: p.port, password: p.password },
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
