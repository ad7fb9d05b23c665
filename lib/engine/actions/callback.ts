/**
 * Callback: the caller asks to be called back instead of waiting on the line, and keeps its place in it (the
 * callback takes it over). The number is the caller's own or one a `collect` kept in a field; with `confirm` it is
 * read back digit by digit and the caller presses 1 (right) or 2 (enter another). The read-back plays at most the
 * workflow's `repeat` times in all (no key, a wrong key and each other number entered use one), so a caller is
 * never looped. Once taken, the caller hears `message` and the call ends (outcome `callback`, no inbox row: the
 * callback is followed up). Not taken (no team or agent assigned, not a phone number, not confirmed, the line's
 * callbacks full): `otherwise`, else the next action.
 */
import { toE164 } from '../../phone/e164.js'
import { spokenDigits } from '../../phone/spoken.js'
import { CALLBACK_DEFAULTS, DEFAULT_CALLBACK_MESSAGE, type CallbackAction } from '../../workflow/schema.js'
import { CallEnded } from '../call.js'
import type { ActionContext, Next } from '../context.js'
import type { CallbackResult } from '../record.js'
import { ringTarget } from '../ring.js'
import { playPrompt } from './message.js'

const KEY_TIMEOUT_MS = 5000
const DIGIT_TIMEOUT_MS = 3000
/** E.164 allows 15 digits; a national number entered has its trunk prefix on top. */
const MAX_ENTERED = 16
const MIN_ENTERED = 7

export const CALLBACK_PROMPTS = {
  readBack: (digits: string) =>
    `다시 전화받으실 번호는 ${digits} 입니다. 맞으면 1번, 다른 번호를 입력하시려면 2번을 눌러주세요.`,
  enter: '다시 전화받으실 번호를 누르신 뒤 우물 정자를 눌러주세요.',
  invalid: '번호를 다시 확인해 주세요.',
} as const

/** The number to call back, E.164; undefined when the caller's or the field's is not a phone number. */
function numberOf(c: CallbackAction, ctx: ActionContext): string | undefined {
  const { state, world } = ctx
  if (c.number === 'caller') return state.callerE164
  const value = state.fields[c.number.field]
  return value === undefined ? undefined : toE164(value, world.region)
}

/** Another number typed by the caller, E.164, within the workflow's repeat count; undefined when none came. */
async function enterNumber(ctx: ActionContext): Promise<string | undefined> {
  for (let play = 1; play <= ctx.workflow.repeat; play++) {
    const { digits } = await ctx.call.readKeys({
      prompt: { say: CALLBACK_PROMPTS.enter },
      minDigits: MIN_ENTERED,
      maxDigits: MAX_ENTERED,
      endKey: '#',
      firstKeyTimeoutMs: KEY_TIMEOUT_MS,
      interDigitTimeoutMs: DIGIT_TIMEOUT_MS,
    })
    // Keys, not FreeSWITCH's word for them: only digits make a number.
    const number = /^[0-9]+$/.test(digits) ? toE164(digits, ctx.world.region) : undefined
    const result = digits === '' ? 'no-input' : number === undefined ? 'invalid' : 'entered'
    ctx.emit({ type: 'callback-input', step: ctx.step, play, keys: digits, result })
    if (number !== undefined) return number
    if (digits !== '') await playPrompt({ say: CALLBACK_PROMPTS.invalid }, ctx)
  }
  return undefined
}

/** The number read back until the caller presses 1 for it; undefined when the read-backs ran out. */
async function confirmNumber(number: string, ctx: ActionContext): Promise<string | undefined> {
  let current = number
  for (let play = 1; play <= ctx.workflow.repeat; play++) {
    const { digits } = await ctx.call.readKeys({
      prompt: { say: CALLBACK_PROMPTS.readBack(spokenDigits(current, ctx.world.region)) },
      minDigits: 1,
      maxDigits: 1,
      endKey: 'none',
      firstKeyTimeoutMs: KEY_TIMEOUT_MS,
      interDigitTimeoutMs: KEY_TIMEOUT_MS,
    })
    const key = digits.slice(0, 1)
    const result = key === '1' ? 'confirmed' : key === '2' ? 'another' : key === '' ? 'no-input' : 'invalid'
    ctx.emit({ type: 'callback-input', step: ctx.step, play, keys: key, result })
    if (result === 'confirmed') return current
    if (result !== 'another') continue
    const entered = await enterNumber(ctx)
    if (entered === undefined) return undefined
    current = entered
  }
  return undefined
}

export async function callback(c: CallbackAction, ctx: ActionContext): Promise<Next> {
  const { state, world } = ctx
  const notTaken = (result: Exclude<CallbackResult, 'taken'>, number?: string): Next => {
    ctx.emit({
      type: 'callback',
      step: ctx.step,
      result,
      ...(number ? { number } : {}),
      ...(c.otherwise !== undefined ? { goto: c.otherwise } : {}),
    })
    return c.otherwise !== undefined ? { goto: c.otherwise } : undefined
  }
  const forWhom = ringTarget(state)
  if (!forWhom) return notTaken('unassigned')
  const written = numberOf(c, ctx)
  if (written === undefined) return notTaken('invalid-number')
  const number = c.confirm ? await confirmNumber(written, ctx) : written
  if (number === undefined) return notTaken('unconfirmed', written)

  // The team's settings, also for a caller assigned to one of its agents; the limit is the team's line only.
  const team = state.team === null ? undefined : world.team(state.team)
  const settings = team?.callback
  const taken = await world.requestCallback({
    callId: ctx.call.id,
    forWhom,
    priority: state.priority,
    number,
    caller: state.callerE164 ?? state.caller,
    dialed: state.dialedE164 ?? state.dialed,
    fields: { ...state.fields },
    attempts: settings?.attempts ?? CALLBACK_DEFAULTS.attempts,
    retrySeconds: settings?.retrySeconds ?? CALLBACK_DEFAULTS.retrySeconds,
    ...('team' in forWhom && settings?.maxWaiting !== undefined ? { limit: settings.maxWaiting } : {}),
  })
  if (!taken.ok) return notTaken('full', number)
  ctx.emit({ type: 'callback', step: ctx.step, result: 'taken', number, id: taken.id })
  try {
    await playPrompt(c.message ?? { say: DEFAULT_CALLBACK_MESSAGE }, ctx)
  } catch (err) {
    // The callback is taken: a caller who hangs up during the goodbye still gets its call back.
    if (!(err instanceof CallEnded)) throw err
  }
  ctx.emit({ type: 'hangup', step: ctx.step, by: 'workflow' })
  return { kind: 'end', outcome: 'callback', inbox: null }
}
