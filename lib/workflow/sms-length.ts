/**
 * How long an SMS text is for a Korean carrier: Korean SMS/LMS count bytes in EUC-KR (KS X 1001), a Hangul syllable
 * or any other non-ASCII character 2 bytes, ASCII 1. Up to 90 bytes goes as one SMS, up to 2,000 bytes as one LMS;
 * longer texts are refused (at validation, with the placeholders at their longest, and by the delivery worker).
 */
import { parsePlaceholders } from './placeholders.js'

export const SMS_BYTES = 90
export const LMS_MAX_BYTES = 2000

/** Longest values of the placeholders: E.164 numbers are at most 15 digits and `+`; names at most 64 characters. */
const NUMBER_BYTES = 16
const NAME_BYTES = 64

export function smsBytes(text: string): number {
  let n = 0
  for (const ch of text) n += ch.codePointAt(0)! < 0x80 ? 1 : 2
  return n
}

/**
 * The text's bytes once filled, each placeholder at its longest: `fieldBytes(name)` says how long a field can be
 * (a collect's maxDigits); the known placeholders are removed first and counted apart.
 */
export function longestSmsBytes(text: string, fieldBytes: (name: string) => number): number {
  const { known } = parsePlaceholders(text)
  let rest = text
  let n = 0
  for (const p of known) {
    rest = rest.replace(p.text, '')
    n += p.kind === 'field' ? fieldBytes(p.name) : p.kind === 'team' ? NAME_BYTES : NUMBER_BYTES
  }
  return n + smsBytes(rest)
}
