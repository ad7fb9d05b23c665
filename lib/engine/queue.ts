/**
 * The queue: the caller waits in line (priority, then arrival; across routers on the database) with hold music
 * until the distributor offers it an agent, then hunts from there. After the team's `queued` workflow's
 * `waitSeconds`, that workflow runs once (its prompts interrupt the hold music) while the caller keeps its place
 * but holds nobody back; if it runs out of steps with the call up, the caller waits again, in the same place.
 * A team with `announcePositionSeconds` tells the caller its place in line on entering the queue and then at
 * that interval (the hold music stops for the announcement and starts again after it), with the estimated wait
 * when the team has a `waitMessage` and the wait can be estimated.
 */
import { CallEnded } from './call.js'
import type { CallState, EventInput, Exit } from './context.js'
import { hunt, ringTarget, seatOf } from './ring.js'
import type { Call } from './call.js'
import type { Offer, RingFor, Want, World } from './world.js'
import { DEFAULT_POSITION_MESSAGE, type Team, type Workflow } from '../workflow/schema.js'

export type QueueContext = {
  call: Call
  world: World
  state: CallState
  emit(event: EventInput): void
  runWorkflow(workflow: Workflow): Promise<Exit>
}

/** Why a timer no longer needed is stopped: without a reason each abort builds a DOMException with a stack trace. */
const NOT_NEEDED = new Error('no longer needed')

const HANG_UP: Exit = { kind: 'end', outcome: 'hangup', inbox: null }

const sameTarget = (a: RingFor, b: RingFor) =>
  'agent' in a ? 'agent' in b && a.agent === b.agent : 'team' in b && a.team === b.team
const sameWant = (a: Want | null, b: Want) =>
  a !== null && sameTarget(a.forWhom, b.forWhom) && a.priority === b.priority

/** What the caller hears of its place: the position message, then the wait message when there is an estimate. */
function announcement(team: Team | undefined, position: number, waitSeconds: number | undefined): string {
  const text = (team?.positionMessage ?? DEFAULT_POSITION_MESSAGE).replaceAll('{{position}}', String(position))
  if (waitSeconds === undefined || !team?.waitMessage) return text
  return `${text} ${team.waitMessage.replaceAll('{{wait}}', String(Math.max(1, Math.ceil(waitSeconds / 60))))}`
}

export async function waitInQueue(ctx: QueueContext): Promise<Exit> {
  const { call, world, state } = ctx
  const team = state.team ?? undefined
  const queued = world.queuedWorkflow(team)
  const enteredAt = world.clock.now()
  const talkBefore = state.talkSeconds
  const seat = seatOf(ctx)
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
      const want: Want = { forWhom, priority: state.priority }
      let offer: Offer | 'deadline' | undefined
      if (!sameWant(state.inLine, want)) {
        // Entering the line (or coming back from the queued workflow): one try before waiting.
        offer = await seat.request(want, 'queue')
        state.inLine = want
      }
      state.phase = 'queued'
      if (!offer && world.clock.now() >= nextAnnouncement) {
        nextAnnouncement = world.clock.now() + announceMs
        const place = await seat.position()
        if (place !== undefined) {
          await unhold()
          ctx.emit({ type: 'queue', event: 'position', position: place.position, ...(team ? { team } : {}) })
          await call.play({ say: announcement(teamSettings, place.position, place.waitSeconds) })
        }
      }
      const deadline = queued && !queuedRan ? enteredAt + (queued.waitSeconds ?? 0) * 1000 : Number.POSITIVE_INFINITY
      if (!offer) {
        await hold()
        const waiting = seat.wait(Math.min(deadline, nextAnnouncement), stop.signal)
        // When the caller leaves first, the wait is aborted later and its rejection is of no interest.
        waiting.catch(() => {})
        offer = await Promise.race([waiting, gone])
      }
      if (offer === 'deadline' && world.clock.now() < deadline) continue
      if (offer === 'deadline') {
        if (!queued) continue
        queuedRan = true
        await unhold()
        // In the queued workflow the caller keeps its place but holds nobody back.
        await seat.pause()
        state.inLine = null
        ctx.emit({ type: 'queue', event: 'workflow', workflow: queued.name, ...(team ? { team } : {}) })
        const exit = await ctx.runWorkflow(queued)
        if (exit.kind === 'end') return exit
        continue
      }
      // Hold music goes on until an agent is offered: a caller is never woken for nothing.
      const result = await hunt(ctx, forWhom, { mode: 'queue', offer, hooks: { beforeRing: unhold } })
      if (result.outcome === 'answered') return { kind: 'end', outcome: 'connected', inbox: null }
    }
  } finally {
    stop.abort(NOT_NEEDED)
    if (state.seat) await state.seat.leave()
    state.inLine = null
    // An answered ring returns when the talk ends: the talk is not waiting.
    const waited = Math.max(0, (world.clock.now() - enteredAt) / 1000 - (state.talkSeconds - talkBefore))
    state.queueSeconds += waited
    ctx.emit({ type: 'queue', event: 'leave', waitSeconds: waited, ...(team ? { team } : {}) })
  }
}
