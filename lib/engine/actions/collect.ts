/**
 * Phone input form: read digits into a named field. The digits must have `minDigits`..`maxDigits`
 * keys (the end key is not counted) and match `pattern` when given; otherwise the input is invalid,
 * `invalid` plays and the prompt replays, within the workflow's repeat count like a menu.
 * Validation happens here, not in FreeSWITCH, so the simulator and real calls agree exactly.
 */
import type { CollectAction } from '../../workflow/schema.js'
import type { ActionContext, Next } from '../context.js'
import { fillPrompt } from '../fill.js'
import { exhausted } from './menu.js'
import { playPrompt } from './message.js'

const patterns = new WeakMap<CollectAction, RegExp>()
function patternOf(c: CollectAction): RegExp | undefined {
  if (c.pattern === undefined) return undefined
  let re = patterns.get(c)
  if (!re) {
    re = new RegExp(`^(?:${c.pattern})$`)
    patterns.set(c, re)
  }
  return re
}

export async function collect(c: CollectAction, ctx: ActionContext): Promise<Next> {
  const pattern = patternOf(c)
  for (let play = 1; play <= ctx.workflow.repeat; play++) {
    const { digits } = await ctx.call.readKeys({
      prompt: fillPrompt(c.prompt, ctx),
      minDigits: c.minDigits,
      maxDigits: c.maxDigits,
      endKey: c.endKey,
      firstKeyTimeoutMs: c.timeoutSeconds * 1000,
      interDigitTimeoutMs: c.interDigitSeconds * 1000,
    })
    const base = { type: 'collect', step: ctx.step, field: c.field, play, keys: digits } as const
    if (digits === '') {
      ctx.emit({ ...base, result: 'no-input' })
      continue
    }
    const valid =
      digits.length >= c.minDigits &&
      digits.length <= c.maxDigits &&
      (pattern ? pattern.test(digits) : /^[0-9*#]+$/.test(digits))
    if (!valid) {
      ctx.emit({ ...base, result: 'invalid' })
      if (c.invalid) await playPrompt(c.invalid, ctx)
      continue
    }
    ctx.state.fields[c.field] = digits
    ctx.emit({ ...base, result: 'ok' })
    return undefined
  }
  return exhausted('collect', c.otherwise, ctx)
}
