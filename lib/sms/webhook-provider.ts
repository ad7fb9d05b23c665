/**
 * The `webhook` provider: an HTTP POST of `{id, to, text, callId, createdAt}` as JSON, signed (signature.ts), with
 * the send time in `X-Ivr-Timestamp` (Unix seconds). 2xx: sent. Network errors, timeouts, 5xx and 429: try again
 * later (429's Retry-After honoured). Any other status (redirects included: they are not followed): the receiver
 * refused the message, it fails.
 */
import type { OutgoingSms, SendResult, SmsProvider } from './provider.js'
import { SIGNATURE_HEADER, TIMESTAMP_HEADER, signBody } from './signature.js'

export type WebhookOptions = {
  url: string
  /** Never logged. */
  secret: string
  timeoutMs: number
  now?: () => number
}

const BODY_EXCERPT = 200

/** Retry-After in seconds (an HTTP date is rare from SMS gateways and is ignored). */
function retryAfterMs(value: string | null): number | undefined {
  const s = value === null ? NaN : Number(value)
  return Number.isFinite(s) && s >= 0 ? s * 1000 : undefined
}

export class WebhookProvider implements SmsProvider {
  readonly name = 'webhook'

  constructor(private readonly o: WebhookOptions) {}

  async send(sms: OutgoingSms): Promise<SendResult> {
    const body = JSON.stringify({
      id: sms.id,
      to: sms.to,
      text: sms.text,
      callId: sms.callId,
      createdAt: sms.createdAt,
    })
    let res: Response
    try {
      res = await fetch(this.o.url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json; charset=utf-8',
          'user-agent': 'ivr-router',
          [SIGNATURE_HEADER]: signBody(this.o.secret, body),
          [TIMESTAMP_HEADER]: String(Math.floor((this.o.now ?? Date.now)() / 1000)),
        },
        body,
        redirect: 'manual',
        signal: AbortSignal.timeout(this.o.timeoutMs),
      })
    } catch (err) {
      const timedOut = err instanceof Error && err.name === 'TimeoutError'
      const why = timedOut
        ? `timeout after ${this.o.timeoutMs} ms`
        : `network error: ${err instanceof Error ? (err.cause instanceof Error ? err.cause.message : err.message) : String(err)}`
      return { ok: false, retry: true, reason: why }
    }
    const excerpt = (await res.text().catch(() => '')).slice(0, BODY_EXCERPT).replace(/\s+/g, ' ').trim()
    if (res.ok) return { ok: true }
    const reason = `HTTP ${res.status}${excerpt ? `: ${excerpt}` : ''}`
    if (res.status >= 500 || res.status === 429) {
      const after = retryAfterMs(res.headers.get('retry-after'))
      return { ok: false, retry: true, reason, ...(after === undefined ? {} : { retryAfterMs: after }) }
    }
    return { ok: false, retry: false, reason }
  }
}
