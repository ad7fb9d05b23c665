/** End call, optionally after a message; `inbox: true` leaves it in the missed-call list. */
import type { Prompt } from '../../workflow/schema.js'
import type { ActionContext, Next } from '../context.js'
import { describePrompt } from '../prompts.js'

export async function hangup(h: { inbox: boolean; message?: Prompt | undefined }, ctx: ActionContext): Promise<Next> {
  if (h.message) {
    ctx.emit({ type: 'message', step: ctx.step, prompt: describePrompt(h.message) })
    await ctx.call.play(h.message)
  }
  ctx.emit({ type: 'hangup', step: ctx.step, by: 'workflow' })
  return h.inbox
    ? { kind: 'end', outcome: 'missed', inbox: { reason: 'workflow_hangup' } }
    : { kind: 'end', outcome: 'hangup', inbox: null }
}
