/**
 * `ivr-router simulate`: one call through the real engine, against a scripted caller and agents,
 * in virtual time. The result is DESIGN.md's simulator JSON.
 */
import { runCall } from '../engine/run.js'
import type { CallEvent, CallRecord, Inbox, Outcome } from '../engine/record.js'
import type { Workflow } from '../workflow/schema.js'
import { SimCall } from './call.js'
import { VirtualClock } from './clock.js'
import type { Directory } from '../workflow/directory.js'
import type { HttpScript } from './requests.js'
import type { Scenario } from './scenario.js'
import { serveSimCallback, type SimCallbackServed } from './serve-callback.js'
import { SimWorld } from './world.js'

export type SimulateOptions = {
  directory: Directory
  /** The workflow to run; default: the first enabled `incoming` workflow of the directory. */
  workflow?: Workflow
  /** Its stored version, for the record. */
  version?: number
  caller: string
  dialed: string
  /** Virtual start time, ms since the epoch. */
  at: number
  region: string
  scenario: Scenario
  /** `--http`: each http action's scripted response, by the action's name. */
  http?: ReadonlyMap<string, HttpScript>
  onEvent?: (event: CallEvent) => void
}

export type SimulateResult = {
  workflow: string
  steps: string[]
  events: CallEvent[]
  outcome: Outcome
  inbox: Inbox | null
  team: string | null
  agent: string | null
  tags: string[]
  fields: Record<string, string>
  sms: { to: string; text: string }[]
  /**
   * The callback the caller took (`callback` action), or null; with `--callback` it is then served in virtual
   * time (`served`: how each offer ended, ms since the call started).
   */
  callback: ({ id: string; number: string; team?: string; agent?: string } & { served?: SimCallbackServed }) | null
  /** The whole call record, as `serve` would store it. */
  record: CallRecord
}

export function firstIncoming(directory: Directory): Workflow | undefined {
  return directory.workflows.find((w) => w.trigger === 'incoming')
}

async function takenCallback(
  world: SimWorld,
  opts: SimulateOptions,
  startedAt: number,
): Promise<SimulateResult['callback']> {
  const taken = world.callbacks[0]
  if (!taken) return null
  const served =
    opts.scenario.callback === undefined
      ? undefined
      : await serveSimCallback(world, taken, opts.scenario.callback, {
          talkSeconds: opts.scenario.talkSeconds,
          callStartedAt: startedAt,
        })
  return { id: taken.id, number: taken.number, ...taken.forWhom, ...(served ? { served } : {}) }
}

export async function simulate(opts: SimulateOptions): Promise<SimulateResult> {
  const workflow = opts.workflow ?? firstIncoming(opts.directory)
  if (!workflow) throw new Error('no incoming workflow among the files')
  const clock = new VirtualClock(opts.at)
  const world = new SimWorld(opts.directory, clock, opts.region, opts.http)
  const call = new SimCall('sim-0001', opts.caller, opts.dialed, clock, opts.scenario)
  world.call = call
  const record = await clock.drive(
    runCall({
      workflow,
      ...(opts.version !== undefined ? { version: opts.version } : {}),
      call,
      world,
      onEvent: (event) => {
        opts.onEvent?.(event)
        if (event.type === 'step' && event.step === opts.scenario.hangupAtStep) call.callerHangsUp()
      },
    }),
  )
  return {
    workflow: record.workflow,
    steps: record.steps,
    events: record.events,
    outcome: record.outcome,
    inbox: record.inbox,
    team: record.team,
    agent: record.agent,
    tags: record.tags,
    fields: record.fields,
    sms: record.sms,
    callback: await takenCallback(world, opts, record.startedAt),
    record,
  }
}
