/**
 * Hunting: ask the distributor for an agent, ring the one offered (every free one at once for a `simultaneous`
 * team), and on no answer, busy or a failure give that agent back (its rest follows from how the ring ended) and
 * ask for the next, in one round trip — until someone answers, nobody is free, or the try-connect's own time runs
 * out. Each ring is its own bridge, so the router always knows whom it rang.
 */
import type { RingResult } from './call.js'
import type { ActionContext, CallState } from './context.js'
import type { After, Offer, RingEnd, RingFor, Seat, Want } from './world.js'

/** The agent when one is assigned, else the team. */
export function ringTarget(state: CallState): RingFor | undefined {
  if (state.agent) return { agent: state.agent }
  if (state.team) return { team: state.team }
  return undefined
}

export type RingHooks = {
  /** Runs once an agent is offered, before the first ring (the queue stops its hold music only then). */
  beforeRing?: () => Promise<void>
  /** Someone answered. */
  onAnswered?: () => void
}

export type HuntContext = Omit<ActionContext, 'step' | 'index' | 'workflow'> & { step?: string }

export type HuntOptions = {
  /** The try-connect's own limit in seconds; none: hunt while agents are offered. */
  timeoutSeconds?: number
  /** `try`: when nobody is offered the caller gives up its place; `queue`: it keeps it and waits. */
  mode: 'try' | 'queue'
  /** An offer already in hand (a queued caller was offered an agent). */
  offer?: Offer
  hooks?: RingHooks
}

/** The caller's seat with the distributor, made on first use. */
export function seatOf(ctx: HuntContext): Seat {
  const { state } = ctx
  state.seat ??= ctx.world.seat({ id: ctx.call.id, caller: state.callerE164 ?? state.caller })
  return state.seat
}

function ringEnd(result: RingResult): RingEnd {
  const legs = result.unreachable?.length ? { unreachable: result.unreachable } : {}
  if (result.outcome === 'answered')
    return { outcome: 'answered', agent: result.agent, talkSeconds: result.talkSeconds, ...legs }
  return result.cause === undefined
    ? { outcome: result.outcome, ...legs }
    : { outcome: result.outcome, cause: result.cause, ...legs }
}

export async function hunt(ctx: HuntContext, forWhom: RingFor, o: HuntOptions): Promise<RingResult> {
  const { call, world, state } = ctx
  const clock = world.clock
  const seat = seatOf(ctx)
  const want: Want = { forWhom, priority: state.priority }
  const deadline = o.timeoutSeconds === undefined ? Infinity : clock.now() + o.timeoutSeconds * 1000
  const emit = (targets: string[], result: RingResult | 'unavailable') =>
    ctx.emit({
      type: 'ring',
      ...(ctx.step ? { step: ctx.step } : {}),
      ...forWhom,
      targets,
      result: result === 'unavailable' ? result : result.outcome,
      ...(result !== 'unavailable' && result.outcome === 'answered' ? { answeredBy: result.agent } : {}),
    })
  let offer = o.offer ?? (await seat.request(want, o.mode))
  state.inLine = o.mode === 'queue' && !offer ? want : null
  if (!offer) {
    emit([], 'unavailable')
    return { outcome: 'unavailable', cause: 'NO_AGENT_AVAILABLE' }
  }
  const before = state.phase
  let last: RingResult | undefined
  /** Agents this hunt rang: the next offer is someone else (the queue's next wait may offer them again). */
  const rung = new Set<string>()
  await o.hooks?.beforeRing?.()
  while (offer) {
    state.phase = 'ringing'
    const seconds = Math.max(1, Math.min(offer.ringSeconds, (deadline - clock.now()) / 1000))
    let result: RingResult
    try {
      result = await call.ring({
        targets: offer.targets,
        ringSeconds: seconds,
        ...(state.team ? { team: state.team } : {}),
        onAnswered: (agent, unreachable) => {
          o.hooks?.onAnswered?.()
          void seat.answered(agent, unreachable)
        },
      })
    } catch (err) {
      // The caller left while it rang (or the media side failed): the agents go back at once.
      await seat.finish({ outcome: 'unused' }, 'leave')
      state.inLine = null
      throw err
    }
    emit(
      offer.targets.map((t) => t.agent),
      result,
    )
    for (const t of offer.targets) rung.add(t.agent)
    if (result.outcome === 'answered') {
      state.agent = result.agent
      state.talkSeconds += result.talkSeconds
      await seat.finish(ringEnd(result), 'leave')
      state.inLine = null
      return result
    }
    last = result
    const after: After =
      clock.now() < deadline ? { ask: o.mode, exclude: [...rung], ...want } : o.mode === 'try' ? 'leave' : 'stay'
    offer = await seat.finish(ringEnd(result), after)
  }
  state.phase = before
  state.inLine = o.mode === 'queue' ? want : null
  return last!
}
