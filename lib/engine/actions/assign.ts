/**
 * Team / assignee assignment. Assigning a team clears the agent (the call now belongs to the
 * team, so a fallback to a team does not ring the earlier agent again); assigning an agent keeps
 * the team for the record. `priority` places the caller in the queue (higher first).
 */
import type { ActionContext, Next } from '../context.js'

export function assign(
  to: ({ team: string } | { agent: string }) & { priority?: number | undefined },
  ctx: ActionContext,
): Next {
  if ('team' in to) {
    ctx.state.team = to.team
    ctx.state.agent = null
  } else {
    ctx.state.agent = to.agent
  }
  // The priority belongs to the assignment: a later one without it puts the caller back at 0.
  ctx.state.priority = to.priority ?? 0
  ctx.emit({
    type: 'assign',
    step: ctx.step,
    ...('team' in to ? { team: to.team } : { agent: to.agent }),
    ...(to.priority === undefined ? {} : { priority: to.priority }),
  })
  return undefined
}

export function unassign(what: 'team' | 'agent' | 'all', ctx: ActionContext): Next {
  if (what !== 'agent') ctx.state.team = null
  if (what !== 'team') ctx.state.agent = null
  ctx.emit({ type: 'unassign', step: ctx.step, what })
  return undefined
}
