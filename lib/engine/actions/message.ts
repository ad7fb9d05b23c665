/** Voice message: play a sound file or speak text, then go on. */
import type { Prompt } from '../../workflow/schema.js'
import type { ActionContext, Next } from '../context.js'
import { fillPrompt } from '../fill.js'
import { describePrompt } from '../prompts.js'

export async function message(prompt: Prompt, ctx: ActionContext): Promise<Next> {
  await playPrompt(prompt, ctx)
  return undefined
}

/** Plays a prompt and says so in the record (messages, invalid-key prompts, goodbyes). */
export async function playPrompt(written: Prompt, ctx: ActionContext): Promise<void> {
  const prompt = fillPrompt(written, ctx)
  ctx.emit({ type: 'message', step: ctx.step, prompt: describePrompt(prompt) })
  await ctx.call.play(prompt)
}
