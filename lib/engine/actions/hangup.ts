/** End call, optionally after a message; `inbox: true` leaves it in the missed-call list. */
import type { Prompt } from '../../workflow/schema.js'
import type { ActionContext, Next } from '../context.js'
import { playPrompt } from './message.js'

export async function hangup(h: { inbox: boolean; message?: Prompt | undefined }, ctx: ActionContext): Promise<Next> {
  if (h.message) await playPrompt(h.message, ctx)
  ctx.emit({ type: 'hangup', step: ctx.step, by: 'workflow' })
  return h.inbox
    ? { kind: 'end', outcome: 'missed', inbox: { reason: 'workflow_hangup' } }
    : { kind: 'end', outcome: 'hangup', inbox: null }
}
