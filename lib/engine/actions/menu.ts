/**
 * IVR button: play the prompt, read one key, go to that key's step.
 * The prompt plays at most `repeat` times in all (first play and replays alike); no key, a key
 * with no option and the `repeat` option each use one play. An invalid key plays `invalid` first.
 * When the plays run out the call ends, or goes to `otherwise` when given — once per call: a caller
 * who gives no valid key again after that is not looped forever, the call ends.
 * The key is read with no end key, so that `#` can be an option.
 */
import type { MenuAction } from '../../workflow/schema.js'
import type { ActionContext, Next } from '../context.js'
import { fillPrompt } from '../fill.js'
import { playPrompt } from './message.js'

export async function menu(m: MenuAction, ctx: ActionContext): Promise<Next> {
  const timeoutMs = m.timeoutSeconds * 1000
  for (let play = 1; play <= ctx.workflow.repeat; play++) {
    const { digits } = await ctx.call.readKeys({
      prompt: fillPrompt(m.prompt, ctx),
      minDigits: 1,
      maxDigits: 1,
      endKey: 'none',
      firstKeyTimeoutMs: timeoutMs,
      interDigitTimeoutMs: timeoutMs,
    })
    const key = digits.slice(0, 1)
    const target = key === '' ? undefined : m.options[key]
    if (key === '') {
      ctx.emit({ type: 'menu', step: ctx.step, play, keys: '', result: 'no-input' })
    } else if (target === undefined) {
      ctx.emit({ type: 'menu', step: ctx.step, play, keys: key, result: 'invalid' })
      if (m.invalid) await playPrompt(m.invalid, ctx)
    } else if (target === 'repeat') {
      ctx.emit({ type: 'menu', step: ctx.step, play, keys: key, result: 'repeat' })
    } else {
      ctx.emit({ type: 'menu', step: ctx.step, play, keys: key, result: 'ok', goto: target })
      return { goto: target }
    }
  }
  return exhausted('menu', m.otherwise, ctx)
}

/** The repeat count is used up: `otherwise` (the first time for this action), or the call ends with no inbox row. */
export function exhausted(action: 'menu' | 'collect', otherwise: string | undefined, ctx: ActionContext): Next {
  const key = `${ctx.workflow.name}/${ctx.step}/${ctx.index}`
  const goto = otherwise !== undefined && !ctx.state.exhausted.has(key) ? otherwise : undefined
  ctx.state.exhausted.add(key)
  ctx.emit({ type: 'exhausted', step: ctx.step, action, ...(goto ? { goto } : {}) })
  return goto ? { goto } : { kind: 'end', outcome: 'hangup', inbox: null }
}
