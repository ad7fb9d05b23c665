/**
 * Placeholders filled from the call: SMS texts and `say` prompts (`{{data.crm.time | time}}`). A prompt whose text
 * changes per call is a new text, rendered (and cached) by the media side like any other.
 */
import { fillPlaceholders, type PlaceholderValues } from '../workflow/placeholders.js'
import { languageOf } from '../workflow/formats.js'
import type { Prompt } from '../workflow/schema.js'
import type { ActionContext, CallState } from './context.js'

export function valuesOf(state: CallState): PlaceholderValues {
  return {
    caller: state.callerE164 ?? state.caller,
    dialed: state.dialedE164 ?? state.dialed,
    team: state.team ?? '',
    fields: state.fields,
    data: state.data,
  }
}

/** A filled prompt → the prompt as written (path enumeration recognises the workflow's prompts by identity). */
const written = new WeakMap<Prompt, Prompt>()

/** The prompt with its placeholders filled; the same object when it has none. */
export function fillPrompt(prompt: Prompt, ctx: Pick<ActionContext, 'state' | 'world'>): Prompt {
  if (!('say' in prompt) || !prompt.say.includes('{{')) return prompt
  const say = fillPlaceholders(prompt.say, valuesOf(ctx.state), {
    lang: languageOf(prompt.voice),
    now: ctx.world.clock.now(),
  }).trim()
  // Everything filled in was empty: a short silence instead of a TTS render of nothing.
  const filled: Prompt = say === '' ? { play: 'silence_stream://250' } : { ...prompt, say }
  written.set(filled, prompt)
  return filled
}

export function writtenPrompt(prompt: Prompt): Prompt {
  return written.get(prompt) ?? prompt
}
