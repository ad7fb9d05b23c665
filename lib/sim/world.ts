/**
 * The World of a simulated call: the in-memory world of the files given, with SMS and records kept for the
 * result, and agents as the script says: each time the distributor would offer the caller an agent, the
 * script's next ringing result decides (`none`, or the end of the list: nobody is free; otherwise the agent
 * rings and the result says how that ends). While the script has results left, an agent may free up every
 * QUEUE_RETRY_S of virtual time (a sweep), so a queued caller is offered one again. A team the files give no
 * agent gets a stand-in, `TEAM-agent`, so that a workflow can be simulated before its agents are written.
 */
import type { CallRecord } from '../engine/record.js'
import type { Seat } from '../engine/world.js'
import { DEFAULT_RETRY_DELAY_SECONDS } from '../routing/ledger.js'
import { MemoryWorld } from '../server/memory-world.js'
import type { SimCall } from './call.js'
import type { VirtualClock } from './clock.js'
import { ScriptedRequests, type HttpScript } from './requests.js'
import type { Directory } from '../workflow/directory.js'
import type { Agent } from '../workflow/schema.js'

export const QUEUE_RETRY_S = 5

/** The directory with a stand-in agent for each team that has none. */
function withStandIns(directory: Directory): Directory {
  const staffed = new Set(directory.agents.flatMap((a) => a.teams))
  const standIns: Agent[] = directory.teams
    .filter((t) => !staffed.has(t.name))
    .map((t) => ({
      kind: 'agent',
      name: `${t.name}-agent`,
      dial: `user/${t.name}`,
      teams: [t.name],
      status: 'available',
    }))
  return standIns.length ? { ...directory, agents: [...directory.agents, ...standIns] } : directory
}

/** The part of a simulated call the world asks when it would offer it an agent. */
export type ScriptedAgents = Pick<SimCall, 'nobodyFree' | 'ringsLeft'>

export class SimWorld extends MemoryWorld {
  readonly sms: { callId: string; to: string; text: string }[] = []
  readonly records: CallRecord[] = []
  call: ScriptedAgents | undefined
  #pulsing = false

  constructor(
    directory: Directory,
    readonly virtualClock: VirtualClock,
    region: string,
    http: Pick<ReadonlyMap<string, HttpScript>, 'get'> = new Map(),
  ) {
    super(withStandIns(directory), {
      clock: virtualClock,
      region,
      record: async (call) => void this.records.push(call),
      sendSms: async (sms) => void this.sms.push(sms),
      retryDelaySeconds: DEFAULT_RETRY_DELAY_SECONDS,
      available: (_callId, asked) => !this.call?.nobodyFree(asked),
      requests: new ScriptedRequests(http),
    })
  }

  override seat(call: { id: string; caller: string }): Seat {
    if (!this.#pulsing) {
      this.#pulsing = true
      void this.#pulse()
    }
    return super.seat(call)
  }

  async #pulse(): Promise<void> {
    while (this.call?.ringsLeft) {
      await this.virtualClock.sleep(QUEUE_RETRY_S * 1000)
      await this.distributor.sweep()
    }
  }
}
