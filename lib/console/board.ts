/**
 * The live board's data and its feed. One snapshot is four queries whatever the size (the line, the agents, the
 * teams, the calls under way: no query per row), read for all connected pages at once: at most every `periodMs` while anyone watches,
 * at once on a change notice (agents, teams), and pushed only when it changed. Waits are not in the pushed data
 * (they change every instant): the page counts them from `enqueuedAt` and the server's clock.
 */
import { listCallsUnderWay, type CallUnderWay } from '../store/calls-in-progress.js'
import type { Db, Store } from '../store/db.js'
import { listAgents, type AgentRow } from '../store/agents.js'
import { listenForChanges } from '../store/notify.js'
import { listQueue, type QueueRow } from '../store/queue.js'
import { listTeams } from '../store/teams.js'

export type BoardSnapshot = {
  serverTime: string
  teams: { name: string; title: string | null; agents: string[] }[]
  queue: Omit<QueueRow, 'waitSeconds'>[]
  agents: AgentRow[]
  /** Calls under way on every router: how many, and the longest-running UNDER_WAY_SHOWN of them. */
  underWay: { total: number; calls: CallUnderWay[] }
}

/** Calls under way listed on the board (the count covers them all). */
export const UNDER_WAY_SHOWN = 100

export async function boardSnapshot(db: Db): Promise<BoardSnapshot> {
  const [queue, agents, teams, underWay] = await Promise.all([
    listQueue(db),
    listAgents(db),
    listTeams(db),
    listCallsUnderWay(db, UNDER_WAY_SHOWN),
  ])
  return {
    serverTime: new Date().toISOString(),
    teams: teams.map((t) => ({ name: t.name, title: t.title, agents: t.agents })),
    queue: queue.map(({ waitSeconds: _, ...r }) => r),
    agents,
    underWay,
  }
}

type Subscriber = (json: string) => void

export class BoardFeed {
  private readonly subscribers = new Set<Subscriber>()
  private lastKey = ''
  private lastJson = ''
  private timer: NodeJS.Timeout | undefined
  private reading: Promise<void> | undefined
  private unlisten: (() => Promise<void>) | undefined
  /** Snapshots read and pushed, for the bench. */
  readonly stats = { reads: 0, pushes: 0 }

  constructor(
    private readonly store: Store,
    private readonly periodMs: number,
    private readonly onError: (err: Error) => void,
  ) {}

  /** Calls `send` with the current board now and after each change; returns the unsubscribe. */
  async subscribe(send: Subscriber): Promise<() => void> {
    this.subscribers.add(send)
    if (this.subscribers.size === 1) {
      this.lastKey = ''
      this.unlisten = await listenForChanges(this.store, () => this.poke())
      this.poke()
    } else if (this.lastJson) send(this.lastJson)
    return () => {
      this.subscribers.delete(send)
      if (this.subscribers.size === 0) this.stop()
    }
  }

  /** Read now (after the read in flight), then go on every period. */
  poke(): void {
    if (this.subscribers.size === 0) return
    clearTimeout(this.timer)
    this.timer = undefined
    this.reading ??= this.read().finally(() => {
      this.reading = undefined
      if (this.subscribers.size > 0 && this.timer === undefined)
        this.timer = setTimeout(() => this.poke(), this.periodMs)
    })
  }

  private async read(): Promise<void> {
    try {
      const snapshot = await boardSnapshot(this.store.db)
      this.stats.reads++
      const key = JSON.stringify([snapshot.queue, snapshot.agents, snapshot.teams, snapshot.underWay])
      if (key === this.lastKey) return
      this.lastKey = key
      this.lastJson = JSON.stringify(snapshot)
      this.stats.pushes++
      for (const send of this.subscribers) send(this.lastJson)
    } catch (err) {
      this.onError(err instanceof Error ? err : new Error(String(err)))
    }
  }

  stop(): void {
    clearTimeout(this.timer)
    this.timer = undefined
    const unlisten = this.unlisten
    this.unlisten = undefined
    void unlisten?.().catch((err: Error) => this.onError(err))
  }
}
