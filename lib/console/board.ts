/**
 * The live board's data and its feed. One snapshot is four queries whatever the size (the line, the agents, the
 * teams, the calls under way: no query per row), read for all connected pages at once: at most every `periodMs` while anyone watches,
 * at once on a change notice (agents, teams). A page gets the whole board when it subscribes (event `board`), then
 * only what changed, when something did (`board-delta`, board-delta.ts). Waits are not in the pushed data (they
 * change every instant): the page counts them from `enqueuedAt` and the server's clock. Nor are positions in line:
 * one caller leaving would change the row of everyone behind them; the page numbers each line in its order.
 */
import { listCallsUnderWay, type CallUnderWay } from '../store/calls-in-progress.js'
import type { Db, Store } from '../store/db.js'
import { listAgents, type AgentRow } from '../store/agents.js'
import { listenForChanges } from '../store/notify.js'
import { listQueue, type QueueRow } from '../store/queue.js'
import { listTeams } from '../store/teams.js'
import { boardDelta } from './board-delta.js'

export type BoardSnapshot = {
  serverTime: string
  teams: { name: string; title: string | null; agents: string[] }[]
  /** In the order of the line: ringing first, then by priority and arrival (the distributor's order). */
  queue: Omit<QueueRow, 'waitSeconds' | 'position'>[]
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
    queue: queue.map(({ waitSeconds: _, position: __, ...r }) => r),
    agents,
    underWay,
  }
}

type Subscriber = (event: 'board' | 'board-delta', json: string) => void

export class BoardFeed {
  private readonly subscribers = new Set<Subscriber>()
  /** The board as last pushed: what every subscribed page holds. Its JSON is made when a page joins. */
  private last: BoardSnapshot | undefined
  private lastJson: string | undefined
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

  /** Calls `send` with the whole board now, then with what changed after each change; returns the unsubscribe. */
  async subscribe(send: Subscriber): Promise<() => void> {
    this.subscribers.add(send)
    if (this.subscribers.size === 1) {
      this.last = undefined
      this.unlisten = await listenForChanges(this.store, () => this.poke())
      this.poke()
    } else if (this.last) send('board', (this.lastJson ??= JSON.stringify(this.last)))
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
      if (this.last === undefined) {
        this.last = snapshot
        this.lastJson = JSON.stringify(snapshot)
        this.push('board', this.lastJson)
        return
      }
      const delta = boardDelta(this.last, snapshot)
      if (!delta) return
      this.last = snapshot
      this.lastJson = undefined
      this.push('board-delta', JSON.stringify(delta))
    } catch (err) {
      this.onError(err instanceof Error ? err : new Error(String(err)))
    }
  }

  private push(event: 'board' | 'board-delta', json: string): void {
    this.stats.pushes++
    for (const send of this.subscribers) send(event, json)
  }

  stop(): void {
    clearTimeout(this.timer)
    this.timer = undefined
    const unlisten = this.unlisten
    this.unlisten = undefined
    void unlisten?.().catch((err: Error) => this.onError(err))
  }
}
