/**
 * Try connect: hunt for an agent of the assigned team (or the assigned agent) now, within the action's
 * `timeoutSeconds` when it has one. Answered → the call is connected and the workflow is over. Otherwise →
 * `otherwise`, or the queue when there is none (the caller keeps the place it took when it first asked). Each
 * try-connect runs at most once per call; met again, it is skipped as if nobody answered.
 */
import type { ActionContext, Next } from '../context.js'
import { hunt, ringTarget } from '../ring.js'

export async function connect(
  c: { timeoutSeconds?: number | undefined; otherwise?: string | undefined },
  ctx: ActionContext,
): Promise<Next> {
  const key = `${ctx.workflow.name}/${ctx.step}/${ctx.index}`
  const forWhom = ringTarget(ctx.state)
  const failed: Next = c.otherwise ? { goto: c.otherwise } : forWhom ? { kind: 'queue' } : { kind: 'fell-off' }
  if (ctx.state.triedConnects.has(key) || !forWhom) {
    ctx.emit({
      type: 'ring',
      step: ctx.step,
      ...(forWhom ?? {}),
      targets: [],
      result: forWhom ? 'skipped' : 'unavailable',
    })
    return failed
  }
  ctx.state.triedConnects.add(key)
  const result = await hunt(ctx, forWhom, {
    ...(c.timeoutSeconds === undefined ? {} : { timeoutSeconds: c.timeoutSeconds }),
    mode: c.otherwise ? 'try' : 'queue',
  })
  if (result.outcome === 'answered') return { kind: 'end', outcome: 'connected', inbox: null }
  return failed
}
