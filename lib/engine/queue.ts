/**
 * The queue: the caller hears hold music while the world waits for an agent of the team (or the
 * assigned agent) to free up; each time one may be free, ring again. After the team's `queued`
 * workflow's `waitSeconds`, that workflow runs once (its prompts interrupt the hold music); if it
 * runs out of steps with the call up, the caller goes back to waiting.
 */
import { CallEnded } from './call.js'
import type { CallState, EventInput, Exit } from './context.js'
import { ringOnce, ringTarget } from './ring.js'
import type { Call } from './call.js'
import type { World } from './world.js'
import type { Workflow } from '../workflow/schema.js'

export type QueueContext = {
  call: Call
  world: World
  state: CallState
  emit(event: EventInput): void
  runWorkflow(workflow: Workflow): Promise<Exit>
}

const HANG_UP: Exit = { kind: 'end', outcome: 'hangup', inbox: null }

export async function waitInQueue(ctx: QueueContext): Promise<Exit> {
  const { call, world, state } = ctx
  const team = state.team ?? undefined
  const queued = world.queuedWorkflow(team)
  const enteredAt = world.clock.now()
  const talkBefore = state.talkSeconds
  const stop = new AbortController()
  const gone = call.ended.then(() => {
    throw new CallEnded()
  })
  // The race below observes `gone`; this keeps it from being reported as unhandled when nobody does.
  gone.catch(() => {})
  let queuedRan = false
  state.phase = 'queued'
  ctx.emit({ type: 'queue', event: 'enter', ...(team ? { team } : {}) })
  try {
    await call.startHold()
    for (;;) {
      const forWhom = ringTarget(state)
      if (!forWhom) return HANG_UP
      const deadline = queued && !queuedRan ? enteredAt + (queued.waitSeconds ?? 0) * 1000 : Number.POSITIVE_INFINITY
      const waiting = world.waitForAgent(forWhom, deadline, stop.signal)
      // When the caller leaves first, the wait is aborted later and its rejection is of no interest.
      waiting.catch(() => {})
      const woke = await Promise.race([waiting, gone])
      await call.stopHold()
      if (woke === 'deadline' && queued) {
        queuedRan = true
        ctx.emit({ type: 'queue', event: 'workflow', workflow: queued.name, ...(team ? { team } : {}) })
        const exit = await ctx.runWorkflow(queued)
        if (exit.kind === 'end') return exit
      } else {
        const result = await ringOnce(ctx, forWhom, undefined)
        if (result.outcome === 'answered') return { kind: 'end', outcome: 'connected', inbox: null }
      }
      state.phase = 'queued'
      await call.startHold()
    }
  } finally {
    stop.abort()
    // An answered ring returns when the talk ends: the talk is not waiting.
    const waited = Math.max(0, (world.clock.now() - enteredAt) / 1000 - (state.talkSeconds - talkBefore))
    state.queueSeconds += waited
    ctx.emit({ type: 'queue', event: 'leave', waitSeconds: waited, ...(team ? { team } : {}) })
  }
}
