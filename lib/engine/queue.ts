/**
 * The queue: the caller takes a place in the world's queue (first come, first served) and hears hold
 * music while the world waits for an agent of the team (or the assigned agent) to free up; each time
 * one may be free, agents are reserved and, if any were, the hold music stops and they ring. After the
 * team's `queued` workflow's `waitSeconds`, that workflow runs once (its prompts interrupt the hold
 * music); if it runs out of steps with the call up, the caller goes back to waiting, in the same place.
 * A team with `announcePositionSeconds` tells the caller its place in line on entering the queue and then
 * at that interval (the hold music stops for the announcement and starts again after it).
 */
import { CallEnded } from './call.js'
import type { CallState, EventInput, Exit } from './context.js'
import { ringOnce, ringTarget } from './ring.js'
import type { Call } from './call.js'
import type { QueuePlace, RingFor, World } from './world.js'
import { DEFAULT_POSITION_MESSAGE, type Workflow } from '../workflow/schema.js'

export type QueueContext = {
  call: Call
  world: World
  state: CallState
  emit(event: EventInput): void
  runWorkflow(workflow: Workflow): Promise<Exit>
}

const HANG_UP: Exit = { kind: 'end', outcome: 'hangup', inbox: null }

const same = (a: RingFor, b: RingFor) =>
  'agent' in a ? 'agent' in b && a.agent === b.agent : 'team' in b && a.team === b.team

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
  const teamSettings = team === undefined ? undefined : world.team(team)
  const announceMs = (teamSettings?.announcePositionSeconds ?? 0) * 1000
  let nextAnnouncement = announceMs > 0 ? enteredAt : Number.POSITIVE_INFINITY
  let place: QueuePlace | undefined
  /** Whom the place waits for, and whether it waits, as the world knows it. */
  let known: { forWhom: RingFor; waiting: boolean } | undefined
  let holding = false
  const hold = async () => {
    if (holding) return
    await call.startHold()
    holding = true
  }
  const unhold = async () => {
    if (!holding) return
    holding = false
    await call.stopHold()
  }
  state.phase = 'queued'
  ctx.emit({ type: 'queue', event: 'enter', ...(team ? { team } : {}) })
  try {
    for (;;) {
      const forWhom = ringTarget(state)
      if (!forWhom) return HANG_UP
      if (!place) place = await world.joinQueue({ id: call.id, caller: state.callerE164 ?? state.caller }, forWhom)
      else if (!known || !known.waiting || !same(known.forWhom, forWhom)) await place.update(forWhom, true)
      known = { forWhom, waiting: true }
      state.phase = 'queued'
      if (world.clock.now() >= nextAnnouncement) {
        nextAnnouncement = world.clock.now() + announceMs
        const position = await place.position()
        if (position !== undefined) {
          await unhold()
          ctx.emit({ type: 'queue', event: 'position', position, ...(team ? { team } : {}) })
          const text = (teamSettings?.positionMessage ?? DEFAULT_POSITION_MESSAGE).replaceAll(
            '{{position}}',
            String(position),
          )
          await call.play({ say: text })
        }
      }
      await hold()
      const deadline = queued && !queuedRan ? enteredAt + (queued.waitSeconds ?? 0) * 1000 : Number.POSITIVE_INFINITY
      const waiting = world.waitForAgent(forWhom, Math.min(deadline, nextAnnouncement), stop.signal)
      // When the caller leaves first, the wait is aborted later and its rejection is of no interest.
      waiting.catch(() => {})
      const woke = await Promise.race([waiting, gone])
      if (woke === 'deadline' && world.clock.now() < deadline) continue
      if (woke === 'deadline' && queued) {
        queuedRan = true
        await unhold()
        // In the queued workflow the caller keeps its place but holds nobody back.
        await place.update(forWhom, false)
        known = { forWhom, waiting: false }
        ctx.emit({ type: 'queue', event: 'workflow', workflow: queued.name, ...(team ? { team } : {}) })
        const exit = await ctx.runWorkflow(queued)
        if (exit.kind === 'end') return exit
        continue
      }
      const joined = place
      // Hold music goes on until agents are reserved: a caller woken for nothing hears no break.
      const result = await ringOnce(ctx, forWhom, undefined, {
        beforeRing: unhold,
        onAnswered: () => void joined.leave(),
      })
      if (result.outcome === 'answered') return { kind: 'end', outcome: 'connected', inbox: null }
    }
  } finally {
    stop.abort()
    await place?.leave()
    // An answered ring returns when the talk ends: the talk is not waiting.
    const waited = Math.max(0, (world.clock.now() - enteredAt) / 1000 - (state.talkSeconds - talkBefore))
    state.queueSeconds += waited
    ctx.emit({ type: 'queue', event: 'leave', waitSeconds: waited, ...(team ? { team } : {}) })
  }
}
