/**
 * `npm run bench [-- --quick] [-- --profile] [-- --shared-only] [-- --board-only] [-- --callbacks-only]`: the
 * router's throughput, latency, memory and CPU per call against a floor and a peer (issue 7), the shared-team scenario
 * (issue 12), callbacks served (issue 15) and the console's live board at scale (issue 14). Each server runs in its own process; this process is the FreeSWITCH simulator.
 * Figures print as a table and go to var/bench/last.json; docs/performance.md explains the method.
 */
import { existsSync, mkdirSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { createServer } from 'node:net'
import { join } from 'node:path'
import { spawnSync } from 'node:child_process'
import { build as buildPage } from 'vite'
import { FakeFreeSwitch } from '../../lib/testing/fake-freeswitch/index.js'
import { benchDatabase, readBack, seed, type BenchDatabase } from './bench-database.js'
import { BOARD_METHOD, boardReport, boardScenario, type BoardConfig, type BoardFigures } from './board.js'
import {
  CALLBACK_DIAL,
  callbackFigures,
  callbackSwitch,
  callbacksReport,
  CALLBACKS_METHOD,
  callbackTeam,
  customersDone,
  writeCallbacks,
  type CallbackFigures,
} from './callbacks.js'
import { checkRecords, readJsonl } from './records-check.js'
import { slotNumber, writeFlows } from './flows.js'
import {
  checkShared,
  runShared,
  sharedFlows,
  SHARED_NUMBER,
  SHARED_WORKFLOW,
  type SharedFigures,
} from './shared-team.js'
import { checkStandard, closedLoop, hold, paced, STANDARD_SCRIPT, type Sample } from './load.js'
import { machine } from './machine.js'
import { percentiles } from './percentiles.js'
import { summarizeProfile, type ProfileSummary } from './profile-summary.js'
import { killAll, REPO, ServerProcess, type ProbeStats } from './server-process.js'
import type { FixedScript } from './fixed-script.js'

const quick = process.argv.includes('--quick')
const profile = process.argv.includes('--profile')
/** Only the shared-team scenario (on the database `DATABASE_URL` names, else PGlite). */
const sharedOnly = process.argv.includes('--shared-only')
/** Only the callbacks scenario (needs PostgreSQL: `DATABASE_URL`). */
const callbacksOnly = process.argv.includes('--callbacks-only')
/** Only the live board's scenario (needs PostgreSQL: `DATABASE_URL`). */
const boardOnly = process.argv.includes('--board-only')
const BOARD: BoardConfig = {
  teams: 20,
  agents: 200,
  calls: 1000,
  queued: 5000,
  changesPerSecond: 50,
  churnMs: quick ? 5000 : 20_000,
  navigations: 3,
}
const CONFIG = quick
  ? {
      slots: 32,
      warmMs: 1000,
      runMs: 5000,
      levels: [100, 500],
      pacedPerSecond: 100,
      pacedMs: 4000,
      shared: { callers: 100, agents: 10, ringMs: 200, talkMs: 1000 },
      callbacks: { callbacks: 50, agents: 10, ringMs: 200, customerRingMs: 300, talkMs: 1000 },
    }
  : {
      slots: 64,
      warmMs: 3000,
      runMs: 30_000,
      levels: [100, 1000, 5000],
      pacedPerSecond: 100,
      pacedMs: 20_000,
      shared: { callers: 500, agents: 50, ringMs: 200, talkMs: 1000 },
      callbacks: { callbacks: 250, agents: 50, ringMs: 200, customerRingMs: 300, talkMs: 1000 },
    }
const FREESWITCH_CPU_MS_PER_CALL = 15
const LAG_RESOLUTION_MS = 10
const VAR = join(REPO, 'var/bench')

const round = (n: number | undefined, digits = 2) => (n === undefined ? undefined : Number(n.toFixed(digits)))
const pct = (sample: number[], ps: number[]) => percentiles(sample, ps).map((v) => round(v, 3))

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer()
    s.once('error', reject)
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number }
      s.close(() => resolve(port))
    })
  })
}

const newest = (dir: string): number =>
  readdirSync(dir, { withFileTypes: true }).reduce(
    (m, e) => Math.max(m, e.isDirectory() ? newest(join(dir, e.name)) : statSync(join(dir, e.name)).mtimeMs),
    0,
  )

/**
 * Builds dist/ when lib/ or bin/ changed since the last build (tsc emits even when other files have errors), and
 * the console's page (dist/console, which `ivr-router console` serves) when console-ui/ changed.
 */
async function build(): Promise<string> {
  const entry = join(REPO, 'dist/bin/ivr-router.js')
  const said: string[] = []
  if (existsSync(entry) && statSync(entry).mtimeMs >= Math.max(newest(join(REPO, 'lib')), newest(join(REPO, 'bin'))))
    said.push('dist/ up to date')
  else {
    const r = spawnSync('npx', ['tsc', '-p', 'tsconfig.build.json'], { cwd: REPO, timeout: 180_000, encoding: 'utf8' })
    if (!existsSync(entry)) throw new Error(`build failed:\n${r.stdout}${r.stderr}`)
    said.push(r.status === 0 ? 'built dist/' : 'built dist/ (tsc reported errors in files under way elsewhere)')
  }
  const index = join(REPO, 'dist/console/index.html')
  if (!existsSync(index) || statSync(index).mtimeMs < newest(join(REPO, 'console-ui'))) {
    await buildPage({ configFile: join(REPO, 'console-ui/vite.config.ts') })
    said.push('built the console page')
  }
  return said.join('; ')
}

/** The router on the database (as `serve` without files), or on the flows file with records to JSONL. */
type RouterMode = { db: BenchDatabase } | { files: [string, string][] }

async function startRouter(name: string, port: number, mode: RouterMode, extra: string[] = []) {
  const log = join(VAR, `${name}.log`)
  // Every standard call's first ring goes unanswered by design: no rest, or the next call would find sales resting.
  const listen = `--listen=127.0.0.1:${port}`
  const noRest = '--retry-delay-seconds=0'
  if ('db' in mode) {
    const env = { ...mode.db.env, ...(mode.db.config.kind === 'pglite' ? { IVR_BENCH_COUNT_PGLITE: '1' } : {}) }
    const args = [...extra, 'dist/bin/ivr-router.js', 'serve', listen, noRest, '--no-demo']
    return { server: await ServerProcess.start(name, args, log, 'ivr-router listening', env) }
  }
  const records = join(VAR, `calls-${name}.jsonl`)
  rmSync(records, { force: true })
  const binds = mode.files.map(([number, workflow]) => `--bind=${number}=${workflow}`)
  const args = [
    ...extra,
    'dist/bin/ivr-router.js',
    'serve',
    join(VAR, 'flows.yaml'),
    listen,
    noRest,
    `--records=${records}`,
  ]
  return { server: await ServerProcess.start(name, [...args, ...binds], log, 'ivr-router listening'), records }
}

type ThroughputFigures = {
  callsPerSecond: number
  calls: number
  correct: number
  failures: string[]
  cpuMsPerCall: number
  bytesReceivedPerCall: number
  bytesSentPerCall: number
  setupMs: { p50: number | undefined; p99: number | undefined }
  thinkMs: { p50: number | undefined; p99: number | undefined; p999: number | undefined }
}

type Loop = { sample: Sample; cpuMs: number; dbRequests?: number }

/** Round trips on the wire (PostgreSQL) or statements given to PGlite so far. */
async function dbRequests(server: ServerProcess, db: BenchDatabase | undefined): Promise<number | undefined> {
  if (db === undefined) return undefined
  return db.wire ? (await db.wire.read()).total : (await server.probe('stats', false)).statements
}

/** Warm-up, then a measured closed loop with the server's CPU read from /proc before and after. */
async function measuredLoop(server: ServerProcess, port: number, db?: BenchDatabase): Promise<Loop> {
  const fs = new FakeFreeSwitch({ seed: 7 })
  await closedLoop(fs, port, CONFIG.slots, CONFIG.warmMs)
  const cpu0 = server.cpuMs()
  const requests0 = await dbRequests(server, db)
  const sample = await closedLoop(fs, port, CONFIG.slots, CONFIG.runMs)
  const cpuMs = server.cpuMs() - cpu0
  const requests1 = await dbRequests(server, db)
  return { sample, cpuMs, ...(requests0 === undefined ? {} : { dbRequests: requests1! - requests0 }) }
}

function figuresOf(s: Sample, cpu: number, wrongRecords: string[]): ThroughputFigures {
  const [s50, s99] = pct(s.setups, [50, 99])
  const [t50, t99, t999] = pct(s.thinks, [50, 99, 99.9])
  return {
    callsPerSecond: round((s.ok / s.elapsedMs) * 1000, 1)!,
    calls: s.calls,
    correct: s.ok - wrongRecords.length,
    failures: [...s.failures, ...wrongRecords.slice(0, 5)],
    cpuMsPerCall: round(cpu / Math.max(1, s.calls), 3)!,
    bytesReceivedPerCall: Math.round(s.bytesToRouter / Math.max(1, s.ok)),
    bytesSentPerCall: Math.round(s.bytesFromRouter / Math.max(1, s.ok)),
    setupMs: { p50: s50, p99: s99 },
    thinkMs: { p50: t50, p99: t99, p999: t999 },
  }
}

async function captureScript(port: number): Promise<FixedScript> {
  const fs = new FakeFreeSwitch({ seed: 1 })
  const sim = await fs.call({ port, channel: { destination: slotNumber(0) }, script: STANDARD_SCRIPT }).result
  const failure = checkStandard(sim)
  if (failure) throw new Error(`the standard call failed: ${failure}`)
  return { uuid: sim.uuid, commands: sim.commands.slice(1).map((c) => c.raw) }
}

const lagOf = (p: ProbeStats) => ({
  p50: round(Math.max(0, p.lag.p50 - LAG_RESOLUTION_MS)),
  p99: round(Math.max(0, p.lag.p99 - LAG_RESOLUTION_MS)),
  max: round(Math.max(0, p.lag.max - LAG_RESOLUTION_MS)),
})

/** One router per level: memory with `held` calls parked, then think time of a paced stream beside them. */
async function atConcurrency(held: number, mode: RouterMode) {
  const port = await freePort()
  const { server } = await startRouter(`router-${held}`, port, mode)
  try {
    const fs = new FakeFreeSwitch({ seed: 11 })
    await closedLoop(fs, port, CONFIG.slots, CONFIG.warmMs)
    const before = await server.probe('stats', true)
    const rssBefore = server.rssBytes()
    const holdFs = new FakeFreeSwitch({
      seed: 13,
      mediaSpeed: 1,
      media: { files: { 'ivr/bench-hold.wav': 3_600_000 } },
    })
    const parked = await hold(holdFs, port, held)
    const after = await server.probe('stats', true)
    const rssAfter = server.rssBytes()
    await server.probe('reset-lag')
    const cpu0 = server.cpuMs()
    const s = await paced(fs, port, CONFIG.slots, CONFIG.pacedPerSecond, CONFIG.pacedMs)
    const cpu = server.cpuMs() - cpu0
    const lag = lagOf(await server.probe('stats', false))
    const released = await parked.release()
    const f = figuresOf(s, cpu, [])
    return {
      concurrent: held,
      pacedCallsPerSecond: CONFIG.pacedPerSecond,
      calls: f.calls,
      correct: f.correct,
      failures: [...f.failures, ...released.failures],
      heldCallsEndedCorrectly: released.ok,
      setupMs: f.setupMs,
      thinkMs: f.thinkMs,
      eventLoopLagMs: lag,
      cpuMsPerCallWhilePaced: f.cpuMsPerCall,
      memory: {
        rssMiB: round(rssAfter / 2 ** 20, 1),
        heapUsedMiB: round(after.memory.heapUsed / 2 ** 20, 1),
        rssPerHeldCallKiB: round((rssAfter - rssBefore) / held / 1024, 1),
        heapPerHeldCallKiB: round((after.memory.heapUsed - before.memory.heapUsed) / held / 1024, 1),
      },
    }
  } finally {
    await server.stop()
  }
}

/**
 * The shared-team scenario on its own fresh database, with `routers` router processes (two need PostgreSQL: the
 * embedded database belongs to one process).
 */
async function sharedTeam(routers: number): Promise<SharedFigures & { profile?: ProfileSummary }> {
  const db = await benchDatabase(VAR, `shared-${routers}`)
  // With --profile, the first router's CPU profile over the whole run (the arrival burst and the drain).
  const profileDir = join(VAR, `profile-shared-${routers}`)
  if (profile) rmSync(profileDir, { recursive: true, force: true })
  try {
    const flows = join(VAR, 'shared.yaml')
    writeFileSync(flows, sharedFlows(CONFIG.shared.agents))
    await seed(db.config, flows, [[SHARED_NUMBER, SHARED_WORKFLOW]])
    const servers: ServerProcess[] = []
    const ports: number[] = []
    try {
      for (let i = 0; i < routers; i++) {
        const port = await freePort()
        const args = [
          ...(profile && i === 0 ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`] : []),
          'dist/bin/ivr-router.js',
          'serve',
          `--listen=127.0.0.1:${port}`,
          '--no-demo',
        ]
        const env = {
          ...db.env,
          // Each router its own spool (a spool belongs to one process).
          IVR_SPOOL_DIR: join(VAR, `spool-shared-${routers}-${i}`),
          ...(db.config.kind === 'pglite' ? { IVR_BENCH_COUNT_PGLITE: '1' } : {}),
        }
        servers.push(
          await ServerProcess.start(
            `shared-${routers}-${i}`,
            args,
            join(VAR, `shared-${routers}-${i}.log`),
            'ivr-router listening',
            env,
          ),
        )
        ports.push(port)
      }
      const wire = db.wire
      const { figures, results, legs } = await runShared(CONFIG.shared, ports, {
        ...(wire ? { roundTrips: () => wire.read() } : {}),
      })
      for (const server of servers.splice(0)) await server.stop(profile ? 15_000 : 3000)
      const stored = await readBack(db.config)
      const failures = checkShared(results, legs, stored.calls)
      const file = profile ? readdirSync(profileDir).find((f) => f.endsWith('.cpuprofile')) : undefined
      return {
        ...figures,
        correct: results.length - failures.length,
        failures: failures.slice(0, 5),
        ...(file ? { profile: summarizeProfile(join(profileDir, file)) } : {}),
      }
    } finally {
      for (const server of servers) await server.stop()
    }
  } finally {
    await db.close()
  }
}

/**
 * The callbacks scenario on its own fresh PostgreSQL database with `routers` router processes serving callbacks
 * (tests/bench/callbacks.ts).
 */
async function callbacksScenario(routers: number): Promise<CallbackFigures> {
  const db = await benchDatabase(VAR, `callbacks-${routers}`)
  const sw = await callbackSwitch(CONFIG.callbacks)
  try {
    const team = join(VAR, 'callbacks.yaml')
    writeFileSync(team, callbackTeam(CONFIG.callbacks.agents))
    await seed(db.config, team, [])
    await writeCallbacks(db.config, CONFIG.callbacks.callbacks)
    const servers: ServerProcess[] = []
    const done = customersDone(sw.fs, CONFIG.callbacks.callbacks, 180_000)
    const startedAt = performance.now()
    try {
      for (let i = 0; i < routers; i++) {
        const port = await freePort()
        const env = { ...db.env, IVR_SPOOL_DIR: join(VAR, `spool-callbacks-${routers}-${i}`) }
        servers.push(
          await ServerProcess.start(
            `callbacks-${routers}-${i}`,
            [
              'dist/bin/ivr-router.js',
              'serve',
              `--listen=127.0.0.1:${port}`,
              '--no-demo',
              `--callback-dial=${CALLBACK_DIAL}`,
              `--callback-esl=127.0.0.1:${sw.port}`,
            ],
            join(VAR, `callbacks-${routers}-${i}.log`),
            'ivr-router listening',
            env,
          ),
        )
      }
      await done
      for (const server of servers.splice(0)) await server.stop(3000)
      return await callbackFigures(
        CONFIG.callbacks,
        routers,
        sw.fs.phones.legs,
        startedAt,
        db.config,
        sw.fs.phones.doubleBooked.length,
      )
    } finally {
      for (const server of servers) await server.stop()
    }
  } finally {
    await sw.inbound.close()
    await db.close()
  }
}

async function baseline(name: 'floor' | 'peer', scriptPath: string, label: string = name) {
  const port = await freePort()
  const server = await ServerProcess.start(
    label,
    ['--import', 'tsx', join(REPO, `tests/bench/${name}.ts`), scriptPath, String(port)],
    join(VAR, `${label}.log`),
    `${name} listening`,
  )
  try {
    const loop = await measuredLoop(server, port)
    return figuresOf(loop.sample, loop.cpuMs, [])
  } finally {
    await server.stop()
  }
}

/** Events `myevents` turns on that the router never reads (it reads EXECUTE_COMPLETE, HANGUP, HANGUP_COMPLETE, BRIDGE). */
const UNREAD_EVENTS =
  'CHANNEL_ANSWER CHANNEL_APPLICATION CHANNEL_CREATE CHANNEL_DATA CHANNEL_DESTROY CHANNEL_EXECUTE CHANNEL_ORIGINATE ' +
  'CHANNEL_UUID CHANNEL_OUTGOING CHANNEL_PARK CHANNEL_PROGRESS CHANNEL_PROGRESS_MEDIA CHANNEL_STATE CHANNEL_UNBRIDGE ' +
  'CHANNEL_UNPARK DETECTED_SPEECH DTMF NOTALK TALK'

function narrowed(script: FixedScript): FixedScript {
  const at = script.commands.findIndex((c) => c.startsWith('myevents'))
  const commands = [...script.commands]
  commands.splice(at + 1, 0, `nixevent ${UNREAD_EVENTS}\n\n`)
  return { ...script, commands }
}

async function main() {
  mkdirSync(VAR, { recursive: true })
  const started = performance.now()
  const built = await build()
  if (boardOnly) {
    process.stdout.write(`ivr-router bench (live board only); ${built}\n`)
    const board = await boardScenario(BOARD, VAR, await freePort())
    const figures = {
      mode: 'board-only',
      at: new Date().toISOString(),
      machine: machine(),
      board: { method: BOARD_METHOD, config: BOARD, figures: board },
    }
    writeFileSync(join(VAR, 'last.json'), `${JSON.stringify(figures, null, 2)}\n`)
    process.stdout.write(boardReport(board, BOARD))
    return
  }
  if (callbacksOnly) {
    if (!process.env.DATABASE_URL?.trim()) throw new Error('--callbacks-only needs PostgreSQL: set DATABASE_URL')
    process.stdout.write(`ivr-router bench (callbacks only); ${built}\n`)
    const runs = [await callbacksScenario(1), await callbacksScenario(2)]
    process.stdout.write(`${JSON.stringify(runs, null, 2)}\n${callbacksReport(runs)}`)
    return
  }
  if (sharedOnly) {
    process.stdout.write(`ivr-router bench (shared team only); ${built}\n`)
    const runs = [await sharedTeam(1)]
    if (process.env.DATABASE_URL?.trim()) runs.push(await sharedTeam(2))
    process.stdout.write(`${JSON.stringify(runs, null, 2)}\n`)
    return
  }
  const bindings = writeFlows(join(VAR, 'flows.yaml'), CONFIG.slots)
  const db = await benchDatabase(VAR, 'router')
  try {
    await seed(db.config, join(VAR, 'flows.yaml'), bindings)
    await run({ started, built, bindings, db })
  } finally {
    await db.close()
  }
}

async function run({
  started,
  built,
  bindings,
  db,
}: {
  started: number
  built: string
  bindings: [string, string][]
  db: BenchDatabase
}) {
  process.stdout.write(`ivr-router bench (${quick ? 'quick' : 'full'}); ${built}; database: ${db.label}\n`)
  const seeded = await readBack(db.config)
  const port = await freePort()
  const profileDir = join(VAR, 'profile')
  if (profile) rmSync(profileDir, { recursive: true, force: true })
  const { server } = await startRouter(
    'router',
    port,
    { db },
    profile ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`] : [],
  )
  let loop: Loop
  let script: FixedScript
  try {
    script = await captureScript(port)
    loop = await measuredLoop(server, port, db)
  } finally {
    await server.stop(profile ? 15_000 : 3000)
  }
  // Read after the router stopped: it drained, so every record is in (and PGlite is one process's at a time).
  const stored = await readBack(db.config)
  const router = figuresOf(
    loop.sample,
    loop.cpuMs,
    checkRecords(new Map(stored.calls.map((c) => [c.id, c])), loop.sample.passed),
  )
  const perCall = (n: number) => round(n / Math.max(1, stored.rows.calls), 2)
  const postgres = {
    method:
      'rows: what the tables hold after the router run (its warm-up and measured calls) ÷ the calls stored; rows ' +
      'updated: pg_stat_user_tables.n_tup_upd over the run (PostgreSQL only: PGlite keeps no table statistics); ' +
      (db.wire
        ? 'round trips: Query and Sync messages the router sent, counted by a proxy on the wire, over the measured loop'
        : 'statements: query/exec/transaction calls the router gave PGlite (counted by the preloaded probe), over the ' +
          'measured loop'),
    database: db.label,
    callsStored: stored.rows.calls,
    rowsWrittenPerCall: {
      calls: perCall(stored.rows.calls),
      call_events: perCall(stored.rows.call_events),
      inbox: perCall(stored.rows.inbox),
      sms_outbox: perCall(stored.rows.sms_outbox),
      total: perCall(Object.values(stored.rows).reduce((a, b) => a + b, 0)),
    },
    ...(stored.updated === undefined ? {} : { rowsUpdatedPerCall: perCall(stored.updated - (seeded.updated ?? 0)) }),
    [db.wire ? 'roundTripsPerCall' : 'statementsPerCall']: round(
      (loop.dbRequests ?? 0) / Math.max(1, loop.sample.calls),
    ),
  }
  let hot: ProfileSummary | undefined
  if (profile) {
    const file = readdirSync(profileDir).find((f) => f.endsWith('.cpuprofile'))
    if (file) hot = summarizeProfile(join(profileDir, file))
  }
  // The same router on the flows file with JSON-lines records: what the database costs per call.
  const filesPort = await freePort()
  const files = await startRouter('router-files', filesPort, { files: bindings })
  let filesLoop: Loop
  try {
    filesLoop = await measuredLoop(files.server, filesPort)
  } finally {
    await files.server.stop()
  }
  const routerFiles = figuresOf(
    filesLoop.sample,
    filesLoop.cpuMs,
    checkRecords(await readJsonl(files.records!, filesLoop.sample.passed), filesLoop.sample.passed),
  )
  const scriptPath = join(VAR, 'fixed-script.json')
  writeFileSync(scriptPath, JSON.stringify(script, null, 2))
  const levels = []
  for (const held of CONFIG.levels) levels.push(await atConcurrency(held, { db }))
  const shared = [await sharedTeam(1)]
  if (db.config.kind === 'postgres') shared.push(await sharedTeam(2))
  // Routers serving callbacks share one database with the callers' routers: PostgreSQL only.
  const callbacks = db.config.kind === 'postgres' ? [await callbacksScenario(1), await callbacksScenario(2)] : []
  const floor = await baseline('floor', scriptPath)
  const peer = await baseline('peer', scriptPath)
  // What subscribing narrowly would save: the floor with the events the router never reads turned off.
  const narrowPath = join(VAR, 'fixed-script-narrow.json')
  writeFileSync(narrowPath, JSON.stringify(narrowed(script), null, 2))
  const floorNarrow = await baseline('floor', narrowPath, 'floor-narrow')
  const board = await boardScenario(BOARD, VAR, await freePort())

  const figures = {
    mode: quick ? 'quick' : 'full',
    at: new Date().toISOString(),
    machine: machine(),
    database: db.label,
    config: CONFIG,
    throughput: {
      method:
        `closed loop: ${CONFIG.slots} simulated callers, each placing its next standard call when the last ended, ` +
        `for ${CONFIG.runMs / 1000} s after a ${CONFIG.warmMs / 1000} s warm-up; a call counts when the simulator ` +
        'saw the five applications and the exit, and its record (router: in the database; router-files: JSONL) says ' +
        'connected, with the six digits, to a sales agent (the hunt’s second ring) or a support agent (the fallback)',
      router,
      routerFiles,
      floor,
      peer,
      floorNarrow,
      ratioToFloor: round(router.callsPerSecond / floor.callsPerSecond),
      ratioToPeer: round(router.callsPerSecond / peer.callsPerSecond),
    },
    concurrency: {
      method:
        `one router per level: N callers parked in an hour-long playback, then ${CONFIG.pacedPerSecond} standard ` +
        `calls/s for ${CONFIG.pacedMs / 1000} s beside them; setup = connect reply written → first execute read, ` +
        'think = CHANNEL_EXECUTE_COMPLETE written → next command read, both on the simulator side; memory = ' +
        '(after parking − before) / N, RSS from /proc/PID/status, heap from process.memoryUsage() after a GC ' +
        '(preloaded probe); lag = perf_hooks event-loop delay during the paced calls (10 ms resolution removed)',
      levels,
    },
    postgres,
    sharedTeam: {
      method:
        `${CONFIG.shared.callers} callers at once for one team of ${CONFIG.shared.agents} agents (longest idle) whose ` +
        `phones ring ${CONFIG.shared.ringMs} ms, then talk ${CONFIG.shared.talkMs} ms (the simulator's phones, real ` +
        'time), each router process on its own port, calls spread over them; drain = first call placed → last ' +
        'talk ended, ideal = callers × (ring + talk) ÷ agents; hand-off = an agent hangs up → the next leg rings ' +
        'that agent (at the switch); round trips on the wire during the drain ÷ callers (PostgreSQL only); ' +
        'double-booked = legs that found their phone already ringing or talking',
      runs: shared,
    },
    callbacks: { method: CALLBACKS_METHOD, config: CONFIG.callbacks, runs: callbacks },
    cpu: {
      method: 'router utime+stime from /proc/PID/stat around the measured closed loop, divided by the calls',
      routerMsPerCall: router.cpuMsPerCall,
      freeswitchMsPerCall: FREESWITCH_CPU_MS_PER_CALL,
      shareOfFreeSwitch: round(router.cpuMsPerCall / FREESWITCH_CPU_MS_PER_CALL, 3),
      bytesReceivedPerCall: router.bytesReceivedPerCall,
    },
    board: { method: BOARD_METHOD, config: BOARD, figures: board },
    ...(hot ? { profile: hot } : {}),
    wallSeconds: 0,
  }
  figures.wallSeconds = Math.round((performance.now() - started) / 1000)
  writeFileSync(join(VAR, 'last.json'), `${JSON.stringify(figures, null, 2)}\n`)
  process.stdout.write(report(figures))
}

function report(f: {
  database: string
  postgres: Record<string, unknown> & { rowsWrittenPerCall: Record<string, number | undefined> }
  throughput: {
    router: ThroughputFigures
    routerFiles: ThroughputFigures
    floor: ThroughputFigures
    peer: ThroughputFigures
    floorNarrow: ThroughputFigures
    ratioToFloor: number | undefined
    ratioToPeer: number | undefined
  }
  concurrency: { levels: Awaited<ReturnType<typeof atConcurrency>>[] }
  sharedTeam: { runs: SharedFigures[] }
  callbacks: { runs: CallbackFigures[] }
  cpu: { shareOfFreeSwitch: number | undefined }
  board: { config: BoardConfig; figures: BoardFigures | { skipped: string } }
  profile?: ProfileSummary | undefined
  wallSeconds: number
}): string {
  const t = f.throughput
  const row = (cells: (string | number | undefined)[]) =>
    `${cells.map((c) => String(c ?? '-').padStart(14)).join('')}\n`
  let out = '\n(1) sustained throughput, (2) setup, (6) CPU and bytes per call — closed loop\n'
  out += row(['server', 'calls/s', 'correct', 'of calls', 'CPU ms/call', 'calls/s/core', 'bytes in', 'setup p99'])
  for (const [name, x] of [
    ['router', t.router],
    ['router-files', t.routerFiles],
    ['floor', t.floor],
    ['peer', t.peer],
    ['floor-narrow', t.floorNarrow],
  ] as const)
    out += row([
      name,
      x.callsPerSecond,
      x.correct,
      x.calls,
      x.cpuMsPerCall,
      Math.round(1000 / x.cpuMsPerCall),
      x.bytesReceivedPerCall,
      x.setupMs.p99,
    ])
  out += 'calls/s/core: the CPU-bound ceiling of one core (1000 / CPU ms per call); calls/s is bounded by the\n'
  out += 'simulator, which shares the machine and costs more per call than the servers it drives\n'
  out += `router / floor: ${t.ratioToFloor} (target ≥ 0.8); router / peer: ${t.ratioToPeer} (target ≥ 2)\n`
  out += `router CPU per call: ${t.router.cpuMsPerCall} ms = ${((f.cpu.shareOfFreeSwitch ?? 0) * 100).toFixed(1)} % of FreeSWITCH's ~15 ms (target ≤ 5 %)\n`
  out += '\n(3) think time, (2) setup, (4) memory and lag with N calls held, 100 standard calls/s beside them\n'
  out += row([
    'held',
    'think p50',
    'think p99',
    'think p99.9',
    'setup p99',
    'RSS/call KiB',
    'heap/call KiB',
    'lag p99',
    'correct',
  ])
  for (const l of f.concurrency.levels)
    out += row([
      l.concurrent,
      l.thinkMs.p50,
      l.thinkMs.p99,
      l.thinkMs.p999,
      l.setupMs.p99,
      l.memory.rssPerHeldCallKiB,
      l.memory.heapPerHeldCallKiB,
      l.eventLoopLagMs.p99,
      `${l.correct}/${l.calls}`,
    ])
  const p = f.postgres
  const w = p.rowsWrittenPerCall
  out += `\n(5) database per call — ${f.database}\n`
  out += `  rows written: ${w.total} (calls ${w.calls}, call_events ${w.call_events}, inbox ${w.inbox}, sms_outbox ${w.sms_outbox})\n`
  if (p.rowsUpdatedPerCall !== undefined) out += `  rows updated: ${String(p.rowsUpdatedPerCall)}\n`
  if (p.roundTripsPerCall !== undefined) out += `  round trips on the wire: ${String(p.roundTripsPerCall)}\n`
  if (p.statementsPerCall !== undefined) out += `  statements given to PGlite: ${String(p.statementsPerCall)}\n`
  out += 'router-files: the same router on the flows file, records to JSON lines (what the database costs)\n'
  out += `\n(7) shared team — ${f.sharedTeam.runs[0]?.callers} callers at once, ${f.sharedTeam.runs[0]?.agents} agents\n`
  out += row([
    'routers',
    'drain s',
    'ideal s',
    'ratio',
    'handoff p50',
    'handoff p99',
    'later p99',
    'sim lag p99/max',
    '1st ring max',
    'calls/agent',
    'RT/call',
    'max ringing',
    'double',
    'correct',
  ])
  for (const r of f.sharedTeam.runs)
    out += row([
      r.routers,
      r.drainSeconds,
      r.idealSeconds,
      r.drainRatio,
      r.handoffMs.p50,
      r.handoffMs.p99,
      r.laterHandoffMs.p99,
      `${r.simulatorLagMs.p99}/${r.simulatorLagMs.max}`,
      r.firstRingMs.max,
      `${r.callsPerAgent.min}–${r.callsPerAgent.max}`,
      r.roundTripsPerCall,
      r.maxRinging,
      r.doubleBooked,
      `${r.correct}/${r.callers}`,
    ])
  out += 'later p99: hand-offs after the first of each agent (the arrival burst placed)\n'
  out +=
    "sim lag: the simulator's own event-loop delay while the first hand-offs were made (they are measured late by up to it)\n"
  out += '1st ring max: the calls placed → the last agent to ring for the first time (ms)\n'
  out += 'targets: ratio ≤ 1.15, hand-off p99 ≤ 50 ms, ≤ 3 round trips per hand-off, double-booked 0\n'
  out +=
    'floor-narrow: the floor with `nixevent` of the events the router never reads (what narrow subscribing saves)\n'
  out += callbacksReport(f.callbacks.runs)
  out += boardReport(f.board.figures, f.board.config)
  const failures = [
    t.router,
    t.routerFiles,
    t.floor,
    t.peer,
    t.floorNarrow,
    ...f.concurrency.levels,
    ...f.sharedTeam.runs,
    ...f.callbacks.runs,
  ].flatMap((x) => x.failures)
  if (failures.length) out += `\nfailures (first ones): ${failures.slice(0, 10).join(' | ')}\n`
  if (f.profile) {
    out += '\nrouter CPU profile (self time, busy share):\n'
    for (const a of f.profile.areas.slice(0, 8)) out += `  ${(a.share * 100).toFixed(1).padStart(5)} %  ${a.area}\n`
    for (const x of f.profile.top) out += `  ${(x.share * 100).toFixed(1).padStart(5)} %  ${x.fn}  ${x.where}\n`
  }
  out += `\nfigures: var/bench/last.json; ${f.wallSeconds} s\n`
  return out
}

const guard = setTimeout(
  () => {
    process.stderr.write('bench: over its time limit, stopping\n')
    killAll()
    process.exit(2)
  },
  (boardOnly ? 600 : quick ? 330 : 1200) * 1000,
)
guard.unref()
try {
  await main()
} catch (err) {
  process.stderr.write(`bench failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`)
  process.exitCode = 1
} finally {
  killAll()
}
process.exit()
