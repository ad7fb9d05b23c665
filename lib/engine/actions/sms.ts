/**
 * Send SMS: to the caller unless `to` says otherwise, with placeholders filled from the call
 * (plain substitution, never evaluated). A destination that is not a phone number is skipped
 * and logged as an error event; the call goes on.
 */
import { toE164 } from '../../phone/e164.js'
import { fillPlaceholders } from '../../workflow/placeholders.js'
import type { ActionContext, Next } from '../context.js'
import { valuesOf } from '../fill.js'

export async function sms(s: { to?: string | undefined; text: string }, ctx: ActionContext): Promise<Next> {
  const { state } = ctx
  const values = valuesOf(state)
  const to = s.to === undefined ? state.callerE164 : toE164(fillPlaceholders(s.to, values), ctx.world.region)
  if (to === undefined) {
    ctx.emit({ type: 'error', step: ctx.step, message: `sms not sent: no valid destination number` })
    return undefined
  }
  const text = fillPlaceholders(s.text, values, { now: ctx.world.clock.now() })
  state.sms.push({ to, text })
  ctx.emit({ type: 'sms', step: ctx.step, to, text })
  await ctx.world.sendSms({ callId: ctx.call.id, to, text })
  return undefined
}
