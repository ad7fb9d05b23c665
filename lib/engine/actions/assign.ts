/**
 * Team / assignee assignment. Assigning a team clears the agent (the call now belongs to the
 * team, so a fallback to a team does not ring the earlier agent again); assigning an agent keeps
 * the team for the record.
 */
import type { ActionContext, Next } from '../context.js'

export function assign(to: { team: string } | { agent: string }, ctx: ActionContext): Next {
  if ('team' in to) {
    ctx.state.team = to.team
    ctx.state.agent = null
  } else {
    ctx.state.agent = to.agent
  }
  ctx.emit({ type: 'assign', step: ctx.step, ...to })
  return undefined
}

export function unassign(what: 'team' | 'agent' | 'all', ctx: ActionContext): Next {
  if (what !== 'agent') ctx.state.team = null
  if (what !== 'team') ctx.state.agent = null
  ctx.emit({ type: 'unassign', step: ctx.step, what })
  return undefined
}
