/** Conversation tag: attach tags to the call record (each once). */
import type { ActionContext, Next } from '../context.js'

export function tag(tags: string[], ctx: ActionContext): Next {
  for (const t of tags) if (!ctx.state.tags.includes(t)) ctx.state.tags.push(t)
  ctx.emit({ type: 'tag', step: ctx.step, tags })
  return undefined
}
