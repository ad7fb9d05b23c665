/**
 * The World of a simulated call, built from the files given: schedules, teams, agents and contacts
 * from the documents, ringing order by team strategy, SMS and records kept in memory.
 * While queued, the simulator rings again every QUEUE_RETRY_S while the script has ringing results left.
 */
import type { RingFor, RingPlan, World } from '../engine/world.js'
import type { CallRecord } from '../engine/record.js'
import { toE164 } from '../phone/e164.js'
import type { Agent, Contact, Schedule, Team, Workflow } from '../workflow/schema.js'
import type { SimCall } from './call.js'
import type { VirtualClock } from './clock.js'
import type { Directory } from './directory.js'

export const QUEUE_RETRY_S = 5

export class SimWorld implements World {
  readonly sms: { callId: string; to: string; text: string }[] = []
  readonly records: CallRecord[] = []
  readonly #schedules: Map<string, Schedule>
  readonly #teams: Map<string, Team>
  readonly #agents: Map<string, Agent>
  readonly #contacts: Map<string, Contact>
  readonly #rotation = new Map<string, number>()
  readonly #lastCallEnd = new Map<string, number>()
  call: SimCall | undefined

  constructor(
    private readonly docs: Directory,
    readonly clock: VirtualClock,
    readonly region: string,
  ) {
    this.#schedules = new Map(docs.schedules.map((s) => [s.name, s]))
    this.#teams = new Map(docs.teams.map((t) => [t.name, t]))
    this.#agents = new Map(docs.agents.map((a) => [a.name, a]))
    this.#contacts = new Map(docs.contacts.map((c) => [toE164(c.number, region) ?? c.number, c]))
  }

  schedule(name: string) {
    return this.#schedules.get(name)
  }
  team(name: string) {
    return this.#teams.get(name)
  }
  agent(name: string) {
    return this.#agents.get(name)
  }
  async contact(e164: string) {
    return this.#contacts.get(e164)
  }

  /** Available agents in the team's strategy order. */
  async ringPlan(_callId: string, forWhom: RingFor): Promise<RingPlan> {
    const release = async () => {}
    if ('agent' in forWhom) {
      const agent = this.#agents.get(forWhom.agent)
      const targets = agent && agent.status === 'available' ? [{ agent: agent.name, dial: agent.dial }] : []
      return { targets, mode: 'simultaneous', legSeconds: 20, release }
    }
    const team = this.#teams.get(forWhom.team)
    let agents = this.docs.agents.filter((a) => a.status === 'available' && a.teams.includes(forWhom.team))
    if (team?.strategy === 'round-robin' && agents.length > 0) {
      const start = this.#rotation.get(forWhom.team) ?? 0
      agents = [...agents.slice(start % agents.length), ...agents.slice(0, start % agents.length)]
      this.#rotation.set(forWhom.team, start + 1)
    } else if (team?.strategy === 'longest-idle') {
      agents = [...agents].sort((a, b) => (this.#lastCallEnd.get(a.name) ?? 0) - (this.#lastCallEnd.get(b.name) ?? 0))
    }
    return {
      targets: agents.map((a) => ({ agent: a.name, dial: a.dial })),
      mode: team?.strategy === 'simultaneous' || team === undefined ? 'simultaneous' : 'sequential',
      legSeconds: team?.ringSeconds ?? 20,
      release,
    }
  }

  async waitForAgent(_forWhom: RingFor, until: number, signal: AbortSignal): Promise<'maybe-free' | 'deadline'> {
    const retryAt = this.call?.ringsLeft ? this.clock.now() + QUEUE_RETRY_S * 1000 : Number.POSITIVE_INFINITY
    const wakeAt = Math.min(retryAt, until)
    if (wakeAt === Number.POSITIVE_INFINITY) {
      // Nobody will ever be free and nothing is due: wait for the caller to give up.
      return new Promise((_, reject) => signal.addEventListener('abort', () => reject(signal.reason), { once: true }))
    }
    await this.clock.sleep(wakeAt - this.clock.now(), signal)
    return wakeAt === until ? 'deadline' : 'maybe-free'
  }

  queuedWorkflow(team: string | undefined): Workflow | undefined {
    const queued = this.docs.workflows.filter((w) => w.trigger === 'queued' && w.enabled)
    return queued.find((w) => team !== undefined && w.team === team) ?? queued.find((w) => w.team === undefined)
  }

  async sendSms(sms: { callId: string; to: string; text: string }) {
    this.sms.push(sms)
  }

  async record(call: CallRecord) {
    if (call.agent) this.#lastCallEnd.set(call.agent, call.endedAt)
    this.records.push(call)
  }
}
