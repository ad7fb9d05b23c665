/**
 * The webhook's signature: `X-Ivr-Signature: sha256=<hex HMAC-SHA256 of the exact body bytes, keyed by the secret>`.
 * The same function checks it on a receiver (docs/sms.md has a standalone example).
 */
import { createHmac, timingSafeEqual } from 'node:crypto'

export const SIGNATURE_HEADER = 'X-Ivr-Signature'
export const TIMESTAMP_HEADER = 'X-Ivr-Timestamp'

export function signBody(secret: string, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(body, 'utf8').digest('hex')}`
}

/** True when `header` is the signature of `body` under `secret` (compared in constant time). */
export function verifySignature(secret: string, body: string, header: string | undefined): boolean {
  if (header === undefined) return false
  const expected = Buffer.from(signBody(secret, body))
  const given = Buffer.from(header)
  return given.length === expected.length && timingSafeEqual(given, expected)
}
