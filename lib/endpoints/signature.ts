/**
 * The signature of a request to an endpoint with a secret, like the SMS webhook's (lib/sms/signature.ts): the same
 * headers, `X-Ivr-Timestamp: <Unix seconds>` and `X-Ivr-Signature: sha256=<hex HMAC-SHA256>`, but over the
 * timestamp, the method and the path with its query as well as the body, so that a GET (no body) is signed too and
 * a recorded request cannot be replayed later or against another path. The receiver checks it with verifyRequest.
 */
import { createHmac, timingSafeEqual } from 'node:crypto'

export { SIGNATURE_HEADER, TIMESTAMP_HEADER } from '../sms/signature.js'

/** A receiver should refuse a timestamp further than this from its clock. */
export const SIGNATURE_TOLERANCE_SECONDS = 300

export type SignedParts = {
  /** Unix seconds, as sent in X-Ivr-Timestamp. */
  timestamp: string
  method: string
  /** Path and query exactly as sent (`/api/reservations/123?lang=ko`). */
  target: string
  /** The body as sent; empty for a GET. */
  body: string
}

export function signRequest(secret: string, p: SignedParts): string {
  const signed = `${p.timestamp}\n${p.method}\n${p.target}\n${p.body}`
  return `sha256=${createHmac('sha256', secret).update(signed, 'utf8').digest('hex')}`
}

/** True when `signature` signs these parts under `secret` and the timestamp is within the tolerance of `nowMs`. */
export function verifyRequest(
  secret: string,
  p: SignedParts,
  signature: string | undefined,
  nowMs: number = Date.now(),
): boolean {
  if (signature === undefined || !/^\d{1,12}$/.test(p.timestamp)) return false
  if (Math.abs(nowMs / 1000 - Number(p.timestamp)) > SIGNATURE_TOLERANCE_SECONDS) return false
  const expected = Buffer.from(signRequest(secret, p))
  const given = Buffer.from(signature)
  return given.length === expected.length && timingSafeEqual(given, expected)
}
