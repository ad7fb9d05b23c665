/**
 * The live board's world for the bench, written through the store's own functions as the routers and the CLI
 * write it: teams and agents (`applyDocuments`), calls in progress with their steps (`insertStarts`,
 * `updateSteps`, ended by their record, `writeRecord`), callers in line (the distributor's `StoreLedger.route`),
 * agents' status (`setAgentStatus`). Then a churn of such changes at a steady rate.
 */
import { applyDocuments } from '../../lib/store/apply.js'
import { insertStarts, updateSteps } from '../../lib/store/calls-in-progress.js'
import type { Store } from '../../lib/store/db.js'
import { setAgentStatus, type AgentStatus } from '../../lib/store/agents.js'
import { StoreLedger } from '../../lib/store/ledger.js'
import { writeRecord } from '../../lib/store/records.js'
import type { CallBegun } from '../../lib/engine/world.js'
import { loadString } from '../../lib/workflow/load.js'
import { callRecord } from '../helpers/store.js'

export type BoardSize = { teams: number; agents: number; calls: number; queued: number }

const ROUTER = 'bench-board-router'
const STEPS = ['A', 'menu', 'collect', 'hours', 'queue', 'B', 'C']
const STATUSES: AgentStatus[] = ['available', 'away', 'offline']

/** A change; what the page shows for it: a selector that appears (or goes). */
export type Change = { probe?: { selector: string; present: boolean }; apply(): Promise<unknown> }

const pick = <T>(list: readonly T[], random: () => number): T => list[Math.floor(random() * list.length)]!
const team = (i: number) => `team-${String(i).padStart(2, '0')}`
const queuedId = (n: number) => `bench-queued-${n}`
const caller = (n: number) => `+8210${String(10_000_000 + n).slice(-8)}`

/** Deterministic pseudo-random numbers (mulberry32), so that two runs make the same changes. */
function seeded(seed: number): () => number {
  let a = seed
  return () => {
    a = (a + 0x6d2b79f5) | 0
    let x = Math.imul(a ^ (a >>> 15), 1 | a)
    x = (x + Math.imul(x ^ (x >>> 7), 61 | x)) ^ x
    return ((x ^ (x >>> 14)) >>> 0) / 4294967296
  }
}

export class BoardWorld {
  readonly #ledger: StoreLedger
  readonly #random = seeded(14)
  readonly #queued: string[] = []
  readonly #calls: string[] = []
  readonly #agents: { name: string; status: AgentStatus }[] = []
  #next = 0

  constructor(
    private readonly store: Store,
    private readonly size: BoardSize,
  ) {
    // Far longer than the run: nothing in the bench renews reservations or beats again.
    this.#ledger = new StoreLedger(store.db, {
      routerId: ROUTER,
      leaseSeconds: 3600,
      aliveSeconds: 3600,
      retryDelaySeconds: 0,
      unreachableSeconds: 60,
    })
  }

  /** Teams and agents (a fifth available: they ring for the first callers), the calls with their steps, the line. */
  async seed(): Promise<void> {
    const { teams, agents, calls, queued } = this.size
    const docs = Array.from({ length: teams }, (_, i) => `kind: team\nname: ${team(i)}\ntitle: Team ${i}\n`)
    for (let i = 0; i < agents; i++) {
      const status: AgentStatus = i % 5 === 0 ? 'available' : 'away'
      const of = [team(i % teams), team((i + 7) % teams)]
      docs.push(
        `kind: agent\nname: agent-${i}\ntitle: Agent ${i}\ndial: "user/${1000 + i}@pbx.example.com"\n` +
          `teams: [${of.join(', ')}]\nstatus: ${status}\n`,
      )
      this.#agents.push({ name: `agent-${i}`, status })
    }
    const applied = await applyDocuments(this.store, loadString(docs.join('---\n'), 'board.yaml'), {
      region: 'KR',
      importedBy: 'bench',
      note: 'npm run bench (board)',
    })
    if (!applied.ok) throw new Error(`board teams refused: ${applied.reasons.join('; ')}`)
    // The router the callers are on beats once: alive for the run (the board leaves out callers of dead routers).
    await this.#ledger.sweep()
    const now = Date.now()
    const starts = Array.from({ length: calls }, (_, i) => this.#begun(now - (calls - i) * 1000))
    for (let i = 0; i < starts.length; i += 200) await insertStarts(this.store.db, ROUTER, starts.slice(i, i + 200))
    await updateSteps(
      this.store.db,
      starts.map((s) => [s.id, { workflow: s.workflow, step: pick(STEPS, this.#random), at: now }]),
    )
    this.#calls.push(...starts.map((s) => s.id))
    // Many at a time: each ask is one round trip, decided one at a time under the distributor's lock.
    for (let i = 0; i < queued; i += 50)
      await Promise.all(Array.from({ length: Math.min(50, queued - i) }, () => this.#enqueue(this.#next++)))
  }

  /**
   * The next change, as a contact centre makes them: callers entering and leaving lines, agents changing status,
   * calls moving to another step, ending and starting; the line and the calls keep their size. With what the page
   * should show for it, when it shows (a step of a call past the 100 listed does not).
   */
  next(): Change {
    const r = this.#random()
    if (r < 0.2) {
      const n = this.#next++
      return {
        probe: { selector: `.queues tr[data-call="${queuedId(n)}"]`, present: true },
        apply: () => this.#enqueue(n),
      }
    }
    if (r < 0.4) {
      const id = this.#queued.splice(Math.floor(this.#random() * this.#queued.length), 1)[0]!
      return {
        probe: { selector: `.queues tr[data-call="${id}"]`, present: false },
        apply: () => this.#ledger.route({ callId: id, caller: '', place: 'leave' }),
      }
    }
    if (r < 0.55) {
      const agent = pick(this.#agents, this.#random)
      const status = pick(
        STATUSES.filter((s) => s !== agent.status),
        this.#random,
      )
      agent.status = status
      return {
        probe: { selector: `tr[data-agent="${agent.name}"] td.status.${status}`, present: true },
        apply: async () => {
          const set = await setAgentStatus(this.store, agent.name, status)
          if (!set.ok) throw new Error(`agent status refused: ${set.reasons.join('; ')}`)
        },
      }
    }
    if (r < 0.8) {
      const id = pick(this.#calls, this.#random)
      const step = pick(STEPS, this.#random)
      return { apply: () => updateSteps(this.store.db, [[id, { workflow: 'main', step, at: Date.now() }]]) }
    }
    if (r < 0.9) {
      const id = this.#calls.splice(Math.floor(this.#random() * this.#calls.length), 1)[0]!
      return {
        apply: () => {
          const at = Date.now()
          return writeRecord(
            this.store.db,
            callRecord(id, { startedAt: at - 60_000, answeredAt: at - 59_900, endedAt: at }),
          )
        },
      }
    }
    const start = this.#begun(Date.now())
    this.#calls.push(start.id)
    return { apply: () => insertStarts(this.store.db, ROUTER, [start]) }
  }

  async #enqueue(n: number): Promise<void> {
    const id = queuedId(n)
    await this.#ledger.route({
      callId: id,
      caller: caller(n),
      place: { ask: 'queue', forWhom: { team: team(n % this.size.teams) }, priority: n % 10 === 0 ? 1 : 0 },
    })
    this.#queued.push(id)
  }

  #begun(startedAt: number): CallBegun {
    const n = this.#next++
    return {
      id: `bench-call-${n}`,
      caller: caller(n),
      callerName: '',
      dialed: '+827012345678',
      workflow: 'main',
      version: 1,
      startedAt,
    }
  }
}
