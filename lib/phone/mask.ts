/**
 * A phone number for logs when numbers are redacted: every digit masked but the last 4 (at most half of them,
 * so a short number stays mostly hidden), and the country code of an international number kept
 * (`+821012345678` → `+82******5678`), so a log still tells calls apart and shows where they come from without
 * holding anyone's number.
 */
import { parsePhoneNumberFromString } from 'libphonenumber-js/max'

const KEEP = 4

export function maskNumber(value: string): string {
  let head = ''
  let rest = value
  if (value.startsWith('+')) {
    const code = parsePhoneNumberFromString(value)?.countryCallingCode
    head = `+${code ?? ''}`
    rest = value.slice(head.length)
  }
  const digits = (rest.match(/\d/g) ?? []).length
  const keep = Math.min(KEEP, Math.floor(digits / 2))
  let seen = 0
  return head + rest.replace(/\d/g, (d) => (++seen > digits - keep ? d : '*'))
}
