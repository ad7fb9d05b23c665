/**
 * One ringing attempt for whoever the call is assigned to: reserve agents through the world,
 * ring them through the call, release the reservation when ringing (or the bridge) ends.
 */
import type { RingResult } from './call.js'
import type { ActionContext, CallState } from './context.js'
import type { RingFor } from './world.js'

/** The agent when one is assigned, else the team. */
export function ringTarget(state: CallState): RingFor | undefined {
  if (state.agent) return { agent: state.agent }
  if (state.team) return { team: state.team }
  return undefined
}

export type RingHooks = {
  /** Runs once agents are reserved, before they ring (the queue stops its hold music only then). */
  beforeRing?: () => Promise<void>
  /** Someone answered (the queue gives up the caller's place at once). */
  onAnswered?: () => void
}

export async function ringOnce(
  ctx: Omit<ActionContext, 'step' | 'index' | 'workflow'> & { step?: string },
  forWhom: RingFor,
  timeoutSeconds: number | undefined,
  hooks: RingHooks = {},
): Promise<RingResult> {
  const { call, world, state } = ctx
  const team = 'team' in forWhom ? world.team(forWhom.team) : undefined
  const plan = await world.ringPlan(call.id, forWhom)
  const before = state.phase
  let result: RingResult | undefined
  try {
    if (plan.targets.length > 0) await hooks.beforeRing?.()
    state.phase = 'ringing'
    result = await call.ring({
      targets: plan.targets,
      mode: plan.mode,
      legSeconds: plan.legSeconds,
      timeoutSeconds: timeoutSeconds ?? team?.ringSeconds ?? plan.legSeconds,
      ...(state.team ? { team: state.team } : {}),
      // The agents who did not answer go back to the pool for other calls while this one talks.
      onAnswered: (agent) => {
        hooks.onAnswered?.()
        void plan.answered(agent).catch(() => {})
      },
    })
  } finally {
    await plan.release(result?.outcome === 'no-answer' || result?.outcome === 'busy')
  }
  ctx.emit({
    type: 'ring',
    ...(ctx.step ? { step: ctx.step } : {}),
    ...forWhom,
    targets: plan.targets.map((t) => t.agent),
    result: result.outcome,
    ...(result.outcome === 'answered' ? { answeredBy: result.agent } : {}),
  })
  if (result.outcome === 'answered') {
    if (result.agent) state.agent = result.agent
    state.talkSeconds += result.talkSeconds
  } else {
    state.phase = before
  }
  return result
}
