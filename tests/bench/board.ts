/**
 * The live board at scale (issue 14): 20 teams, 200 agents, 1,000 calls in progress and 5,000 callers in line on
 * PostgreSQL, `ivr-router console` in its own process, its page in chromium. Figures: time to the board's first
 * paint and the first snapshot's size, then a churn of changes at a steady rate and what it costs — pushes the
 * page receives per second and their size, how long a change takes to show in the page, the console's CPU and
 * round trips, the page's main-thread time. PostgreSQL only: the console reads the database while this process
 * writes the churn, and the embedded database belongs to one process.
 */
import { setTimeout as sleep } from 'node:timers/promises'
import { join } from 'node:path'
import { hashPassword } from '../../lib/console/password.js'
import { migrateStore, openStore } from '../../lib/store/db.js'
import { listQueue } from '../../lib/store/queue.js'
import { addUser } from '../../lib/store/users.js'
import { benchDatabase } from './bench-database.js'
import { BoardEvents } from './board-events.js'
import { BoardPage } from './board-page.js'
import { BoardWorld, type BoardSize } from './board-world.js'
import { percentiles } from './percentiles.js'
import type { PgWireProxy } from './pg-wire-proxy.js'
import { ServerProcess } from './server-process.js'

export type BoardConfig = BoardSize & { changesPerSecond: number; churnMs: number; navigations: number }

/** Calls in progress the board lists (lib/console/board.ts UNDER_WAY_SHOWN). */
const LISTED = 100
const ADMIN = { name: 'bench-admin', password: 'bench-admin-password' }

type Sizes = { count: number; bytesP50: number | undefined; bytesMax: number | undefined }

export type BoardFigures = {
  seedSeconds: number
  inLine: number
  firstPaintMs: number[]
  firstSnapshotBytes: number
  churn: {
    seconds: number
    changes: number
    changesPerSecond: number
    /** What the console sent, by event type. */
    sent: { perSecond: number; byType: Record<string, Sizes> }
    /** Pushes the page's EventSource handed to the page. */
    receivedPerSecond: number
    seenMs: {
      count: number
      unseen: number
      late: number
      p50: number | undefined
      p99: number | undefined
      max: number | undefined
    }
    consoleCpu: { percentOfCore: number; msPerPushSent: number }
    consoleRoundTripsPerSecond: number
    pageBusyPercent: number
  }
}

export const BOARD_METHOD =
  'seeded through the store (teams and agents applied, calls written as routers write them with a step each, callers ' +
  'put in line by the distributor; a fifth of the agents available, so some callers ring), `ivr-router console` on ' +
  'the database in its own process, its page in chromium logged in as an admin. First paint: a fresh navigation to ' +
  'the board → the first animation frame whose DOM holds every queued row and the 100 calls listed (the page’s ' +
  'performance.now()). Churn: changes at a steady rate, each written before the next (callers entering 20 %, ' +
  'leaving 20 %, agents changing status 15 %, calls changing step 25 %, ending 10 %, starting 10 %). Pushes sent ' +
  'and their bytes of data: a second subscriber in the bench’s process; pushes the page took: its EventSource’s ' +
  'events. Change → shown (callers and agents): just before the store function was called → the MutationObserver ' +
  'callback that first saw the row appear, go or change status (after the page drew, before it painted); a change ' +
  'already drawn when its probe reached a busy page counts from the push that drew it. Console CPU: utime+stime ' +
  'from /proc over the churn; round trips: the console’s Query and Sync messages counted by the wire proxy; page ' +
  'busy: Chrome’s TaskDuration over the churn ÷ its wall time'

const round = (n: number, digits = 1) => Number(n.toFixed(digits))

export async function boardScenario(
  config: BoardConfig,
  varDir: string,
  port: number,
): Promise<BoardFigures | { skipped: string }> {
  if (!process.env.DATABASE_URL?.trim())
    return { skipped: 'needs PostgreSQL (DATABASE_URL): the console reads while the bench writes the churn' }
  const db = await benchDatabase(varDir, 'board')
  const store = await openStore(db.config)
  let server: ServerProcess | undefined
  let page: BoardPage | undefined
  try {
    await migrateStore(store)
    const world = new BoardWorld(store, config)
    const seeding = Date.now()
    await world.seed()
    const seedSeconds = round((Date.now() - seeding) / 1000)
    const added = await addUser(store.db, {
      name: ADMIN.name,
      role: 'admin',
      passwordHash: await hashPassword(ADMIN.password),
    })
    if (!added.ok) throw new Error(`bench admin refused: ${added.reasons.join('; ')}`)
    server = await ServerProcess.start(
      'console',
      ['dist/bin/ivr-router.js', 'console', `--listen=127.0.0.1:${port}`],
      join(varDir, 'console.log'),
      'console on http',
      db.env,
    )
    page = await BoardPage.open(`http://127.0.0.1:${port}/`, ADMIN.name, ADMIN.password)
    // The line as the console reads it (callers who got an agent at once have left it).
    const inLine = (await listQueue(store.db)).length
    const firstPaintMs: number[] = []
    for (let i = 0; i < config.navigations; i++)
      firstPaintMs.push(round(await page.firstPaintMs(inLine, Math.min(LISTED, config.calls))))
    const events = new BoardEvents(`http://127.0.0.1:${port}/`, await page.cookie())
    try {
      return { seedSeconds, inLine, firstPaintMs, ...(await churn(config, world, page, events, server, db.wire!)) }
    } finally {
      events.close()
    }
  } finally {
    await page?.close()
    await server?.stop()
    await store.close()
    await db.close()
  }
}

/** Changes at a steady rate for `churnMs`, and what they cost the console and the page. */
async function churn(
  config: BoardConfig,
  world: BoardWorld,
  page: BoardPage,
  events: BoardEvents,
  server: ServerProcess,
  wire: PgWireProxy,
): Promise<Pick<BoardFigures, 'firstSnapshotBytes' | 'churn'>> {
  while (events.events.length === 0) await sleep(50)
  const first = events.events[0]!
  if (first.type !== 'board') throw new Error(`the console's first event was not the board: ${first.type}`)
  const cpu0 = server.cpuMs()
  const busy0 = await page.busyMs()
  const trips0 = (await wire.read()).total
  const t0 = Date.now()
  const total = Math.round((config.changesPerSecond * config.churnMs) / 1000)
  let watched = 0
  for (let i = 0; i < total; i++) {
    const due = t0 + (i * 1000) / config.changesPerSecond
    if (Date.now() < due) await sleep(due - Date.now())
    const change = world.next()
    if (change.probe) {
      page.watch({ ...change.probe, at: Date.now() })
      watched++
    }
    await change.apply()
  }
  const t1 = Date.now()
  const cpuMs = server.cpuMs() - cpu0
  const busyMs = (await page.busyMs()) - busy0
  const trips = (await wire.read()).total - trips0
  await page.settle(watched, 10_000)
  const seconds = (t1 - t0) / 1000
  const within = (at: number) => at > t0 && at <= t1
  const sent = events.events.filter((e) => within(e.at))
  const byType: Record<string, Sizes> = {}
  for (const type of new Set(sent.map((e) => e.type))) {
    const sizes = sent.filter((e) => e.type === type).map((e) => e.bytes)
    const [b50, bMax] = percentiles(sizes, [50, 100])
    byType[type] = { count: sizes.length, bytesP50: b50, bytesMax: bMax }
  }
  const received = (await page.pushes()).filter((p) => within(p.at))
  const probes = await page.probes()
  const seen = probes.flatMap((p) => (p.seen === undefined ? [] : [p.seen - p.at]))
  const [s50, s99] = percentiles(seen, [50, 99])
  return {
    firstSnapshotBytes: first.bytes,
    churn: {
      seconds: round(seconds),
      changes: total,
      changesPerSecond: round(total / seconds),
      sent: { perSecond: round(sent.length / seconds, 2), byType },
      receivedPerSecond: round(received.length / seconds, 2),
      seenMs: {
        count: seen.length,
        unseen: watched - seen.length,
        late: probes.filter((p) => p.late).length,
        p50: s50,
        p99: s99,
        max: seen.length ? Math.max(...seen) : undefined,
      },
      consoleCpu: {
        percentOfCore: round((cpuMs / (t1 - t0)) * 100),
        msPerPushSent: round(cpuMs / Math.max(1, sent.length)),
      },
      consoleRoundTripsPerSecond: round(trips / seconds),
      pageBusyPercent: round((busyMs / (t1 - t0)) * 100),
    },
  }
}

export function boardReport(f: BoardFigures | { skipped: string }, config: BoardConfig): string {
  let out = `\n(8) live board — ${config.calls} calls in progress, ${config.queued} queued, ${config.teams} teams, ${config.agents} agents\n`
  if ('skipped' in f) return `${out}  skipped: ${f.skipped}\n`
  const c = f.churn
  out += `  seeded in ${f.seedSeconds} s; ${f.inLine} callers in line as the console reads it\n`
  out += `  first paint (navigation → rows drawn): ${f.firstPaintMs.join(', ')} ms; first snapshot ${f.firstSnapshotBytes} bytes\n`
  out += `  churn: ${c.changes} changes in ${c.seconds} s (${c.changesPerSecond}/s); console sent ${c.sent.perSecond} pushes/s, the page took ${c.receivedPerSecond}/s\n`
  for (const [type, p] of Object.entries(c.sent.byType))
    out += `    ${type}: ${p.count} pushes, bytes p50 ${p.bytesP50}, max ${p.bytesMax}\n`
  out += `  change → shown in the page: p50 ${c.seenMs.p50} ms, p99 ${c.seenMs.p99} ms, max ${c.seenMs.max} ms (${c.seenMs.count} changes, ${c.seenMs.unseen} not shown, ${c.seenMs.late} already shown when their probe reached the page)\n`
  out += `  console CPU: ${c.consoleCpu.percentOfCore} % of a core, ${c.consoleCpu.msPerPushSent} ms per push sent; ${c.consoleRoundTripsPerSecond} round trips/s\n`
  out += `  page main thread busy: ${c.pageBusyPercent} %\n`
  return out
}
