/**
 * A phone number as text to speech reads it back: digit by digit, in the groups people write it in
 * (`+821012345678` from KR → `0 1 0, 1 2 3 4, 5 6 7 8`), nationally when it is the region's, else
 * internationally. Only digits, spaces and commas come out, whatever went in.
 */
import { parsePhoneNumberFromString } from 'libphonenumber-js/max'

export function spokenDigits(e164: string, region: string): string {
  const number = parsePhoneNumberFromString(e164)
  const written =
    number === undefined
      ? e164
      : number.country === region.toUpperCase()
        ? number.formatNational()
        : number.formatInternational()
  return (written.match(/[0-9]+/g) ?? []).map((group) => [...group].join(' ')).join(', ')
}
