/**
 * What an agent hears on answering a callback, before the customer is called (Korean, as the product's other
 * prompts): the number in its national form read digit by digit in groups, how long ago the customer asked to be
 * called back (from the place kept), and the fields the IVR collected (at most five, each cut short), so the agent
 * knows who and why without a screen.
 */
import { parsePhoneNumberFromString } from 'libphonenumber-js/max'
import type { HeldCallback } from '../routing/callback-runner.js'

const MAX_FIELDS = 5
const MAX_VALUE = 40

/** `+821012345678` → `0 1 0, 1 2 3 4, 5 6 7 8`: digits spoken one by one, a pause between groups. */
export function spokenNumber(e164: string): string {
  const national = parsePhoneNumberFromString(e164)?.formatNational() ?? e164
  return national
    .split(/[^0-9]+/)
    .filter((g) => g !== '')
    .map((g) => g.split('').join(' '))
    .join(', ')
}

export function whisperText(callback: HeldCallback, now: number): string {
  const minutes = Math.max(0, Math.round((now - callback.requestedAt) / 60_000))
  const fields = Object.entries(callback.fields)
    .slice(0, MAX_FIELDS)
    .map(([name, value]) => `${name} ${value.slice(0, MAX_VALUE)}`)
  return [
    '콜백 요청입니다.',
    `고객 번호 ${spokenNumber(callback.number)}.`,
    minutes > 0 ? `${minutes}분 전에 요청하셨습니다.` : '방금 요청하셨습니다.',
    ...(fields.length ? [`${fields.join(', ')}.`] : []),
    '고객에게 연결합니다.',
  ].join(' ')
}
