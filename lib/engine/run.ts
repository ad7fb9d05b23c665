/**
 * The interpreter: runs one call through a workflow, then the connect phase and the queue, and
 * leaves a CallRecord. It talks only to the Call and World interfaces.
 *
 * Outcomes (DESIGN.md): connected · abandoned (caller left during the IVR, no inbox) · missed
 * (caller left while ringing or queued: inbox `queue_abandoned`; or `hangup: {inbox: true}`:
 * `workflow_hangup`) · voicemail (inbox `voicemail`) · hangup (the workflow ended the call).
 */
import { toE164 } from '../phone/e164.js'
import type { Prompt, Workflow } from '../workflow/schema.js'
import { runAction } from './actions/index.js'
import { CallEnded, type Call } from './call.js'
import type { CallState, EventInput, Exit } from './context.js'
import { waitInQueue } from './queue.js'
import type { CallEvent, CallRecord } from './record.js'
import { hunt, ringTarget } from './ring.js'
import type { CallBegun, World } from './world.js'

export type RunOptions = {
  workflow: Workflow
  version?: number
  call: Call
  world: World
  /** Sees each event as it happens (transcripts, logs, the simulator's scripted hang-ups). */
  onEvent?: (event: CallEvent) => void
  /** Played before hanging up when something inside the router fails, so the caller never hears dead air. */
  fallbackPrompt?: Prompt
  /** Guard against runaway workflows (validation already rejects loops that read no key). */
  maxSteps?: number
}

/** Strips what must never be stored or shown as a caller's name or number: control characters. */
function clean(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/[\u0000-\u001f\u007f]/g, '').slice(0, 200)
}

export async function runCall(opts: RunOptions): Promise<CallRecord> {
  const { call, world } = opts
  const clock = world.clock
  const maxSteps = opts.maxSteps ?? 1000
  const caller = clean(call.caller)
  const dialed = clean(call.dialed)
  const state: CallState = {
    caller,
    callerE164: toE164(caller, world.region),
    dialed,
    dialedE164: toE164(dialed, world.region),
    callerName: clean(call.callerName),
    startedAt: clock.now(),
    answeredAt: null,
    phase: 'ivr',
    team: null,
    agent: null,
    priority: 0,
    inLine: null,
    tags: [],
    fields: {},
    data: {},
    sms: [],
    steps: [],
    events: [],
    triedConnects: new Set(),
    exhausted: new Set(),
    offHours: false,
    lastWasMessage: false,
    queueSeconds: 0,
    talkSeconds: 0,
  }
  const begun: CallBegun = {
    id: call.id,
    caller: state.callerE164 ?? state.caller,
    callerName: state.callerName,
    dialed: state.dialedE164 ?? state.dialed,
    workflow: opts.workflow.name,
    ...(opts.version !== undefined ? { version: opts.version } : {}),
    startedAt: state.startedAt,
  }
  world.started?.(begun)
  const emit = (e: EventInput) => {
    const event = { ...e, at: clock.now() - state.startedAt } as CallEvent
    state.events.push(event)
    opts.onEvent?.(event)
  }

  let visits = 0
  const runWorkflow = async (workflow: Workflow): Promise<Exit> => {
    let step = workflow.start ?? Object.keys(workflow.steps)[0]!
    for (;;) {
      if (++visits > maxSteps) throw new Error(`more than ${maxSteps} steps in one call`)
      state.steps.push(step)
      emit({ type: 'step', step, workflow: workflow.name })
      world.stepped?.(call.id, { workflow: workflow.name, step, at: clock.now() })
      if (call.isEnded) throw new CallEnded()
      const actions = workflow.steps[step]
      if (!actions) throw new Error(`unknown step "${step}" in workflow ${workflow.name}`)
      let goto: string | undefined
      for (const [index, action] of actions.entries()) {
        const next = await runAction(action, { call, world, state, workflow, step, index, emit })
        state.lastWasMessage = 'message' in action
        if (next === undefined) continue
        if ('goto' in next) {
          goto = next.goto
          break
        }
        return next
      }
      if (goto === undefined) return { kind: 'fell-off' }
      step = goto
    }
  }

  /** The workflow ran out of steps with the call up: connect to whoever is assigned, or hang up. */
  const afterWorkflow = async (): Promise<Exit> => {
    const forWhom = ringTarget(state)
    // Seed rule: a voice message that ends the workflow outside hours ends the call.
    if (!forWhom || (state.offHours && state.lastWasMessage)) {
      emit({ type: 'hangup', by: 'workflow' })
      return { kind: 'end', outcome: 'hangup', inbox: null }
    }
    const result = await hunt({ call, world, state, emit }, forWhom, { mode: 'queue' })
    return result.outcome === 'answered' ? { kind: 'end', outcome: 'connected', inbox: null } : { kind: 'queue' }
  }

  let exit: Exit
  let handedBack = false
  try {
    await call.answer()
    state.answeredAt = clock.now()
    exit = await runWorkflow(opts.workflow)
    while (exit.kind !== 'end') {
      exit =
        exit.kind === 'fell-off' ? await afterWorkflow() : await waitInQueue({ call, world, state, emit, runWorkflow })
    }
  } catch (err) {
    if (err instanceof CallEnded || call.isEnded) {
      emit({ type: 'hangup', by: 'caller', ...(err instanceof CallEnded && err.cause ? { cause: err.cause } : {}) })
      exit =
        state.phase === 'ringing' || state.phase === 'queued'
          ? { kind: 'end', outcome: 'missed', inbox: { reason: 'queue_abandoned' } }
          : { kind: 'end', outcome: 'abandoned', inbox: null }
    } else {
      const message = err instanceof Error ? err.message : String(err)
      // The caller is not dropped: the dialplan's fallback takes the call where there is one, else the prompt.
      handedBack = (await call.handBack?.().catch(() => false)) ?? false
      emit({ type: 'error', message, ...(handedBack ? { handedTo: 'dialplan' as const } : {}) })
      exit = { kind: 'end', outcome: 'hangup', inbox: null }
      if (!handedBack && opts.fallbackPrompt) await call.play(opts.fallbackPrompt).catch(() => {})
    }
  }
  // Whatever happened, the caller's place and any agent offered go back (idempotent after a normal end).
  await state.seat?.leave().catch(() => {})
  if (!call.isEnded && !handedBack) await call.hangup()

  const record: CallRecord = {
    ...begun,
    answeredAt: state.answeredAt,
    endedAt: clock.now(),
    outcome: exit.outcome,
    inbox: exit.inbox,
    steps: state.steps,
    events: state.events,
    team: state.team,
    agent: state.agent,
    tags: state.tags,
    fields: state.fields,
    sms: state.sms,
    queueSeconds: state.queueSeconds,
    talkSeconds: state.talkSeconds,
  }
  await world.record(record)
  return record
}
