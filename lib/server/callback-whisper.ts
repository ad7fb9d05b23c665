/**
 * What an agent hears on answering a callback, before the customer is called (Korean, as the product's other
 * prompts): the number read digit by digit in its groups (lib/phone/spoken.ts), how long ago the customer asked to
 * be called back (from the place kept), and the fields the IVR collected (at most five, each cut short), so the
 * agent knows who and why without a screen. (Text bound for FreeSWITCH's `speak` is made safe where it is built.)
 */
import { spokenDigits } from '../phone/spoken.js'
import type { HeldCallback } from '../routing/callback-runner.js'

const MAX_FIELDS = 5
const MAX_VALUE = 40

export function whisperText(callback: HeldCallback, now: number, region: string): string {
  const minutes = Math.max(0, Math.round((now - callback.requestedAt) / 60_000))
  const fields = Object.entries(callback.fields)
    .slice(0, MAX_FIELDS)
    .map(([name, value]) => `${name} ${value.slice(0, MAX_VALUE)}`)
  return [
    '콜백 요청입니다.',
    `고객 번호 ${spokenDigits(callback.number, region)}.`,
    minutes > 0 ? `${minutes}분 전에 요청하셨습니다.` : '방금 요청하셨습니다.',
    ...(fields.length ? [`${fields.join(', ')}.`] : []),
    '고객에게 연결합니다.',
  ].join(' ')
}
