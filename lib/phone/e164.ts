/**
 * Phone numbers in E.164 (`+821012345678`), whatever form they arrive in (caller ID, dialled number,
 * workflow files, contacts), with libphonenumber-js's full ("max") metadata.
 *
 * Accepted: digits with spaces, `-`, `.`, `/`, `(`, `)` as separators; a leading `+` or the region's
 * international call prefix (`001 82 …` from KR) for numbers in international form; a leading `tel:`.
 * Without `+` or a call prefix a number is read in the region's national form, so `82 10 1234 5678`
 * from KR is rejected rather than guessed to be international; `1 212 555 1234` from US still works
 * because `1` is the US trunk prefix. Anything else with letters (`anonymous`, extensions, SIP URIs,
 * `*` or `#`) is not a number.
 *
 * A number is accepted when its length is possible for its country (`isPossible`), not only when its
 * digits fall in a range the metadata knows as assigned (`isValid`): metadata lags behind newly
 * opened ranges, and a number that is merely unassigned costs nothing (it matches no condition),
 * while rejecting a real caller's number would silently break their routing.
 */
import { AsYouType, getCountryCallingCode, isSupportedCountry, parsePhoneNumberFromString } from 'libphonenumber-js/max'
import type { CountryCode } from 'libphonenumber-js/max'

/** Far above any written phone number; keeps hostile input away from the parser. */
const MAX_INPUT = 64
const NUMBER_TEXT = /^\+?[0-9 ()./-]*[0-9][0-9 ()./-]*$/
const TEL_URI = /^tel:/i

/** An ISO 3166-1 alpha-2 region libphonenumber-js knows (any case), e.g. `KR`, `us`. */
export function isValidRegion(code: string): boolean {
  return /^[A-Za-z]{2}$/.test(code) && isSupportedCountry(code.toUpperCase())
}

function country(region: string): CountryCode {
  const code = region.toUpperCase()
  if (!/^[A-Z]{2}$/.test(code) || !isSupportedCountry(code)) throw new RangeError(`unknown phone region "${region}"`)
  return code
}

/**
 * Recent answers, since every call normalises its caller and dialled number and the dialled ones repeat:
 * parsing with libphonenumber is a visible share of a call's CPU. Emptied when full.
 */
const recent = new Map<string, string | undefined>()
const RECENT_MAX = 10_000

/** The number in E.164, or undefined when `raw` is not a possible phone number. Throws on an unknown region. */
export function toE164(raw: string, region: string): string | undefined {
  const key = `${region}\u0000${raw}`
  if (recent.has(key)) return recent.get(key)
  const e164 = parseE164(raw, region)
  if (recent.size >= RECENT_MAX) recent.clear()
  recent.set(key, e164)
  return e164
}

function parseE164(raw: string, region: string): string | undefined {
  const cc = country(region)
  if (raw.length > MAX_INPUT) return undefined
  const text = raw.trim().replace(TEL_URI, '')
  if (!NUMBER_TEXT.test(text)) return undefined
  const number = parsePhoneNumberFromString(text, cc)
  // E.164 caps a number at 15 digits; some regions' metadata allows national numbers past that.
  if (number === undefined || !number.isPossible() || number.number.length > 16) return undefined
  if (!text.startsWith('+') && countryCodeWithoutPlus(text, cc, number.nationalNumber)) return undefined
  // A national number still starting with 0 kept its trunk prefix because no pattern matched it (`070-12` in KR):
  // only a valid number may look like that (Italy's do).
  if (number.nationalNumber.startsWith('0') && !number.isValid()) return undefined
  return number.number
}

/**
 * True when libphonenumber-js read a number written without `+` as starting with the region's own
 * country code (`821012345678` from KR). A national reading is the national number, possibly after
 * the region's trunk prefix: that prefix, unlike a country code, is allowed (`1 212 555 1234`, US).
 */
function countryCodeWithoutPlus(text: string, cc: CountryCode, nationalNumber: string): boolean {
  const digits = text.replace(/\D/g, '')
  const code = getCountryCallingCode(cc)
  if (!digits.startsWith(code) || !digits.endsWith(nationalNumber)) return false
  const lead = digits.slice(0, digits.length - nationalNumber.length)
  return lead !== '' && prefixToE164(lead, cc) !== `+${code}`
}

/**
 * A number prefix from a workflow condition in E.164 form, so it can be compared with `startsWith`.
 * With `+` it is international already; without, it is national and the region's trunk prefix is
 * dropped: `010` → `+8210`, `02` → `+822` (KR), `212` or `1212` → `+1212` (US), and `8210` from KR is
 * `+828210` (write `+8210` for the country code). Text that is not a number prefix is returned as
 * given: it then only matches the same text, never a number.
 */
export function prefixToE164(prefix: string, region: string): string {
  const cc = country(region)
  const text = prefix.trim()
  if (text.length > MAX_INPUT || !NUMBER_TEXT.test(text)) return prefix
  const typed = new AsYouType(cc)
  typed.input(text)
  return typed.getNumberValue() ?? prefix
}
