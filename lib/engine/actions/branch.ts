/** Branch: the first entry whose `if` holds (or that has none) decides the next step; none → go on. */
import type { BranchAction } from '../../workflow/schema.js'
import { evaluate } from '../conditions.js'
import type { ActionContext, Next } from '../context.js'
import { factsOf } from '../facts.js'

export async function branch(entries: BranchAction, ctx: ActionContext): Promise<Next> {
  const facts = factsOf(ctx)
  for (const [index, entry] of entries.entries()) {
    if (entry.if === undefined || (await evaluate(entry.if, facts, ctx.world))) {
      ctx.emit({ type: 'branch', step: ctx.step, index, goto: entry.goto })
      return { goto: entry.goto }
    }
  }
  ctx.emit({ type: 'branch', step: ctx.step, index: -1, goto: null })
  return undefined
}
