/** What the delivery worker asks of a provider: send one text, say whether it went, and if not whether to retry. */

export type OutgoingSms = {
  /** The outbox row's id: receivers use it to drop a message delivered twice (a retry after a lost reply). */
  id: string
  to: string
  text: string
  callId: string
  /** ISO 8601. */
  createdAt: string
}

export type SendResult =
  | { ok: true }
  /** `retry`: a network error, a timeout, 5xx or 429; not: the provider refused the message itself. */
  | { ok: false; retry: boolean; reason: string; retryAfterMs?: number }

export type SmsProvider = {
  readonly name: string
  send(sms: OutgoingSms): Promise<SendResult>
  close?(): Promise<void>
}
