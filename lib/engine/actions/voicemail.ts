/**
 * Voicemail: the caller leaves a message; it lands in the inbox with its recording. A message
 * the media side did not keep (too short, nothing said) is no voicemail: the call just ends.
 */
import type { Prompt } from '../../workflow/schema.js'
import type { ActionContext, Next } from '../context.js'
import { fillPrompt } from '../fill.js'
import { describePrompt } from '../prompts.js'

export async function voicemail(
  v: { greeting?: Prompt | undefined; maxSeconds: number; box?: string | undefined },
  ctx: ActionContext,
): Promise<Next> {
  ctx.state.phase = 'voicemail'
  // The media side plays the greeting right before recording; the record says it was played.
  const greeting = v.greeting && fillPrompt(v.greeting, ctx)
  if (greeting) ctx.emit({ type: 'message', step: ctx.step, prompt: describePrompt(greeting) })
  const result = await ctx.call.voicemail({
    maxSeconds: v.maxSeconds,
    ...(greeting ? { greeting } : {}),
    ...(v.box ? { box: v.box } : ctx.state.team ? { box: ctx.state.team } : {}),
  })
  ctx.emit({
    type: 'voicemail',
    step: ctx.step,
    recorded: result.recorded,
    seconds: result.seconds,
    ...(result.path ? { path: result.path } : {}),
  })
  if (!result.recorded) return { kind: 'end', outcome: ctx.call.isEnded ? 'abandoned' : 'hangup', inbox: null }
  return {
    kind: 'end',
    outcome: 'voicemail',
    inbox: {
      reason: 'voicemail',
      ...(result.path ? { recording: { path: result.path, seconds: result.seconds } } : {}),
    },
  }
}
