/**
 * `ivr-router serve [FILE...]`: the outbound Event Socket server for FreeSWITCH.
 * With files: runs their workflows from memory, records to a JSON-lines file.
 * Without: runs what the store holds (PostgreSQL from DATABASE_URL, else the embedded PGlite),
 * follows changes through NOTIFY, and records calls in the database (spooling when it is away).
 */
import type { Command } from 'commander'
import { constants } from 'node:fs'
import { access, mkdir, open } from 'node:fs/promises'
import { dirname, resolve as resolvePath } from 'node:path'
import type { Logger } from 'pino'
import { addConfigFlags } from '../config/flags.js'
import { loadConfig } from '../config/load.js'
import { OPTION_KEYS, type Config, type OptionKey } from '../config/options.js'
import { splitHostPort, splitStorageMap } from '../config/parsers.js'
import type { CallRecord } from '../engine/record.js'
import type { World } from '../engine/world.js'
import { Media } from '../esl/media.js'
import { startConsole, type RunningConsole } from '../console/server.js'
import { createLogger } from '../log.js'
import { Health, type Check } from '../metrics/health.js'
import { startMetricsServer, type MetricsServer } from '../metrics/http.js'
import { Metrics, type MetricSources } from '../metrics/registry.js'
import type { AttemptResult } from '../routing/callback-runner.js'
import type { AgentNotice } from '../routing/ledger.js'
import { toE164 } from '../phone/e164.js'
import { findRecipe } from '../recipes.js'
import { startCallbackServing } from '../server/callback-serving.js'
import { EslServer, type ServerOptions } from '../server/esl-server.js'
import { OriginatedLegs } from '../server/originated-legs.js'
import { fileCandidates } from '../server/file-candidates.js'
import { missingBoxReporter } from '../server/missing-box.js'
import { pollFallbackMailbox, type MailboxPoller } from '../server/fallback-mailbox.js'
import { connectFreeSwitch } from '../esl/inbound-client.js'
import { writeRecord } from '../store/records.js'
import { MemoryWorld } from '../server/memory-world.js'
import { resolveWorkflow } from '../server/resolve.js'
import { drainAndStop } from '../server/shutdown.js'
import { systemClock } from '../server/system-clock.js'
import { applyDocuments } from '../store/apply.js'
import { agentCounts } from '../store/agent-counts.js'
import { callbackCounts } from '../store/callbacks.js'
import { storeConfig } from '../store/config.js'
import { migrateStore, openStore, reachable, type Store } from '../store/db.js'
import { bindNumber } from '../store/numbers.js'
import { listUsers } from '../store/users.js'
import { StoreWorld } from '../store/world.js'
import { EndpointClient } from '../endpoints/client.js'
import { createTtsRenderer } from '../tts/render.js'
import { speakArgument } from '../tts/speak.js'
import { loadString } from '../workflow/load.js'
import { UsageError } from './errors.js'
import { smsSettings, smsWorker } from './sms-options.js'
import { validDirectory } from './valid-directory.js'
import type { StoreDirectory } from '../store/directory.js'
import { endpointsNamed } from '../workflow/data-refs.js'
import { voicemailSettings } from './voicemail-options.js'

type Options = Partial<Record<OptionKey, unknown>> & {
  config?: string
  bind: string[]
  migrate?: boolean
  demo?: boolean
}

/** The demo a fresh embedded database starts with, so that the README's run command takes calls at once. */
export const DEMO_RECIPE = 'ivr-experience-design'
export const DEMO_NUMBER = '070-1234-5678'

type Routing = {
  world: World
  resolve: ServerOptions['resolve']
  /** Where calls are recorded can take them (readiness). */
  storage: Check
  sources: Pick<MetricSources, 'queueStats' | 'spoolDepth' | 'agents' | 'callbacks'>
  /** On the database: where the SMS worker delivers from. */
  store?: Store
  close(): Promise<void>
}

/** The distributor's word on an agent: set away after unanswered offers, or skipped while unreachable. */
function logNotice(log: Logger, n: AgentNotice): void {
  if (n.kind === 'away')
    log.warn({ agent: n.agent, noAnswers: n.noAnswers }, 'agent set away after unanswered offers in a row')
  else
    log.warn(
      { agent: n.agent, cause: n.cause, until: new Date(n.untilMs).toISOString() },
      'agent unreachable: skipped until then',
    )
}

/** The endpoints of the http action over HTTP: each request counted, each failure logged (never the response). */
function endpointClient(config: Config, log: Logger, metrics?: Metrics): EndpointClient {
  return new EndpointClient(config.endpoints, {
    observe: (endpoint, outcome, seconds) => {
      metrics?.httpRequest(endpoint, outcome, seconds)
      if (outcome !== 'ok' && outcome !== 'cancelled')
        log.warn({ endpoint, result: outcome, ms: Math.round(seconds * 1000) }, 'http action: request failed')
    },
  })
}

async function fileRouting(
  files: string[],
  opts: Options,
  config: Config,
  log: Logger,
  metrics?: Metrics,
): Promise<Routing> {
  const directory = await validDirectory(files, config.region, new Set(Object.keys(config.endpoints)))
  const bindings = new Map<string, string>()
  for (const b of opts.bind) {
    const [number, workflow] = b.split('=')
    const e164 = number === undefined ? undefined : toE164(number, config.region)
    if (!e164 || !workflow) throw new UsageError(`--bind "${b}": use NUMBER=WORKFLOW`)
    const w = directory.workflows.find((x) => x.name === workflow)
    if (!w) throw new UsageError(`--bind "${b}": no workflow "${workflow}" in the files`)
    if (w.trigger !== 'incoming') throw new UsageError(`--bind "${b}": "${workflow}" is a queued workflow`)
    bindings.set(e164, workflow)
  }
  const records = resolvePath(config.records)
  await mkdir(dirname(records), { recursive: true })
  // One handle for the whole run (O_APPEND: each record is one write, whole lines even from concurrent calls).
  const sink = await open(records, 'a')
  const world = new MemoryWorld(directory, {
    clock: systemClock,
    region: config.region,
    retryDelaySeconds: config.retryDelaySeconds,
    unreachableSeconds: config.unreachableSeconds,
    onNotice: (notice) => {
      logNotice(log, notice)
      metrics?.agentNotice(notice)
    },
    requests: endpointClient(config, log, metrics),
    record: async (call) => void (await sink.write(`${JSON.stringify(call)}\n`)),
    sendSms: async (sms) => log.info({ call: sms.callId, to: sms.to }, 'sms (no provider configured: logged only)'),
  })
  log.info({ workflows: directory.workflows.length, records }, 'workflows from files; records to a JSON-lines file')
  const candidates = fileCandidates(directory.workflows, bindings)
  return {
    world,
    resolve: async (facts) => {
      const workflow = await resolveWorkflow(candidates, facts, world)
      return workflow ? { workflow } : undefined
    },
    storage: async () => ((await writable(dirname(records))) ? undefined : `cannot write ${dirname(records)}`),
    sources: { queueStats: () => world.queueStats() },
    close: () => sink.close(),
  }
}

async function writable(path: string): Promise<boolean> {
  try {
    await access(path, constants.W_OK)
    return true
  } catch {
    return false
  }
}

/** How `say` prompts reach the caller: WAV files the router renders, or FreeSWITCH's own `speak`. */
function promptMedia(config: Config): Media {
  if (config.prompts === 'render') return new Media({ kind: 'render', renderer: createTtsRenderer() })
  try {
    speakArgument(config.speakEngine, config.speakVoice, 'x')
  } catch (err) {
    throw new UsageError(`--speak-engine/--speak-voice: ${err instanceof Error ? err.message : String(err)}`)
  }
  return new Media({ kind: 'speak', engine: config.speakEngine, voice: config.speakVoice })
}

/** The dialplan fallback's mailbox, read into the inbox (database only). */
function fallbackMailbox(config: Config, store: Store | undefined, log: Logger): MailboxPoller | undefined {
  if (!config.fallbackMailbox || !store) return undefined
  const [box, rest] = config.fallbackMailbox.split('@') as [string, string]
  const [domain, profile] = rest.split('/') as [string, string]
  const { host, port } = splitHostPort(config.mailboxEsl)!
  let failing = false
  return pollFallbackMailbox({
    mailbox: { box, domain, profile },
    seconds: config.fallbackMailboxSeconds,
    region: config.region,
    connect: () => connectFreeSwitch({ host, port, password: config.mailboxEslPassword, timeoutMs: 5000 }),
    write: (record) => writeRecord(store.db, record),
    onRound: (result) => {
      if ('error' in result) {
        // Once per outage, not every round.
        if (!failing)
          log.warn(
            { err: result.error instanceof Error ? result.error.message : String(result.error) },
            `fallback mailbox ${config.fallbackMailbox}: cannot read it now (retried every ${config.fallbackMailboxSeconds} s)`,
          )
        failing = true
        return
      }
      failing = false
      if (result.imported > 0)
        log.info(
          result,
          `fallback mailbox: ${result.imported} message(s) from callers no router answered are in the inbox`,
        )
    },
  })
}

/** A fresh embedded database gets the demo recipe and a number bound to it. */
async function seedDemo(store: Store, region: string, log: Logger): Promise<void> {
  const recipe = findRecipe(DEMO_RECIPE)!
  const documents = loadString(recipe.text, `${recipe.name}.yaml`)
  const applied = await applyDocuments(store, documents, {
    region,
    importedBy: 'serve (demo)',
    note: 'demo recipe for a fresh database',
  })
  if (!applied.ok) throw new Error(`demo recipe refused: ${applied.reasons.join('; ')}`)
  const bound = await bindNumber(store, DEMO_NUMBER, DEMO_RECIPE, region)
  if (!bound.ok) throw new Error(`demo binding refused: ${JSON.stringify(bound)}`)
  log.info({ workflow: DEMO_RECIPE, number: bound.number }, `demo: ${DEMO_NUMBER} is bound to ${DEMO_RECIPE}`)
  // The demo's agents dial users of FreeSWITCH's stock directory; a real switch has its own phones.
  const agents = documents.agents.map((a) => `${a.value.name} → ${a.value.dial}`).join(', ')
  const first = documents.agents[0]?.value.name ?? 'NAME'
  log.info(
    { agents: documents.agents.map((a) => ({ name: a.value.name, dial: a.value.dial })) },
    `demo agents ${agents} (users of a stock FreeSWITCH directory); point them at real phones with \`ivr-router agent add ${first} --dial user/EXTENSION@DOMAIN\` (or sofia/gateway/…), and \`ivr-router doctor\` names the ones not registered`,
  )
}

async function storeRouting(opts: Options, config: Config, log: Logger, metrics?: Metrics): Promise<Routing> {
  let where
  try {
    where = storeConfig({ databaseUrl: config.databaseUrl, dataDir: config.dataDir })
  } catch (err) {
    throw new UsageError(err instanceof Error ? err.message : String(err))
  }
  const store = await openStore(where, {
    onBackgroundError: (err) => log.warn({ err: err.message }, 'database connection problem'),
  })
  try {
    log.info({ database: store.description }, `database: ${store.description}`)
    if (store.kind === 'postgres') log.info('production: PostgreSQL (keep it highly available, see docs/operations.md)')
    // The embedded database belongs to this router: keep it migrated. A shared PostgreSQL is migrated on purpose.
    if (opts.migrate || store.kind === 'pglite') await migrateStore(store)
    const spoolDir = resolvePath(config.spoolDir)
    const world = await StoreWorld.open(store, {
      region: config.region,
      spoolDir,
      log,
      leaseSeconds: config.leaseSeconds,
      holdsCallbacks: config.callbackDial !== undefined,
      retryDelaySeconds: config.retryDelaySeconds,
      unreachableSeconds: config.unreachableSeconds,
      onNotice: (notice) => {
        logNotice(log, notice)
        metrics?.agentNotice(notice)
      },
      ...(metrics ? { onQuery: (op: string, seconds: number) => metrics.query(op, seconds) } : {}),
      requests: endpointClient(config, log, metrics),
    })
    // Stored workflows were validated without this router's endpoints: say which name one it lacks, at load and reload.
    const checkEndpoints = (directory: StoreDirectory) => {
      for (const { workflow } of directory.workflows.values())
        for (const endpoint of endpointsNamed(workflow))
          if (!Object.hasOwn(config.endpoints, endpoint))
            log.warn(
              { workflow: workflow.name, endpoint },
              'workflow names an endpoint this router does not have: its http actions fail as unknown-endpoint',
            )
    }
    checkEndpoints(world.directory)
    world.on('reload', checkEndpoints)
    // Calls of a stopped router closed here count with this router's calls (outcome failed, inbox router_lost).
    if (metrics)
      world.on('lost', (lost) => {
        for (const call of lost)
          metrics.callEnded({ workflow: call.workflow, outcome: 'failed', inbox: { reason: 'router_lost' } })
      })
    if (world.directory.workflows.size === 0 && (opts.demo ?? store.kind === 'pglite')) {
      await seedDemo(store, config.region, log)
      await world.reload()
    }
    return {
      world,
      store,
      resolve: (facts) => world.resolve(facts),
      // Calls are recorded while either the database answers or the spool can take them.
      storage: async () =>
        (await withTimeout(reachable(store), READY_CHECK_MS, false)) || (await writable(spoolDir))
          ? undefined
          : `database unreachable and spool ${spoolDir} not writable`,
      sources: {
        queueStats: () => world.queueStats(),
        spoolDepth: () => world.spoolDepth(),
        agents: () => agentCounts(store.db),
        callbacks: () => callbackCounts(store.db),
      },
      close: async () => {
        await world.close()
        await store.close()
      },
    }
  } catch (err) {
    await store.close()
    if (err instanceof Error && /relation .* does not exist/.test(err.message))
      throw new UsageError('the database is not migrated: run `ivr-router db migrate` or `serve --migrate`')
    throw err
  }
}

/** A readiness probe must answer quickly even when the database does not. */
const READY_CHECK_MS = 1000

function withTimeout<T>(p: Promise<T>, ms: number, fallback: T): Promise<T> {
  let timer: NodeJS.Timeout | undefined
  return Promise.race([p, new Promise<T>((resolve) => (timer = setTimeout(() => resolve(fallback), ms)))]).finally(() =>
    clearTimeout(timer),
  )
}

export function registerServeCommand(program: Command): void {
  const serve = program
    .command('serve')
    .description('run the Event Socket server that FreeSWITCH `socket` connects to')
    .argument('[files...]', 'workflow files to run from memory; without them, what the database holds')
  addConfigFlags(serve)
    .option(
      '--bind <number=workflow...>',
      'with files: bind a dialled number to a workflow',
      (v: string, prev: string[]) => [...prev, v],
      [],
    )
    .option('--migrate', 'apply database migrations first (always done for the embedded database)')
    .option('--demo', 'seed the demo workflow and number into an empty database (default: embedded only)')
    .option('--no-demo', 'never seed the demo')
    .action(async (files: string[], opts: Options) => {
      const { config, sources } = loadConfig({ flags: pick(opts), file: opts.config })
      const { host, port } = splitHostPort(config.listen)!
      const recordingsDir = resolvePath(config.recordings)
      if (!/^[^\s'"{}$\\,|;]+$/.test(recordingsDir))
        throw new UsageError(`--recordings "${recordingsDir}": no spaces or quotes`)
      if (files.length > 0 && (sources.databaseUrl.source === 'flag' || sources.dataDir.source === 'flag'))
        throw new UsageError('give workflow files or a database, not both')
      const voicemail = voicemailSettings(config)
      const media = promptMedia(config)
      const sms = smsSettings(config)
      if (sms && files.length > 0)
        throw new UsageError('--sms-provider delivers from the database: serve without workflow files')
      if (config.fallbackMailbox && files.length > 0)
        throw new UsageError('--fallback-mailbox imports into the database: serve without workflow files')
      if (config.callbackDial !== undefined && files.length > 0)
        throw new UsageError('--callback-dial serves callbacks from the database: serve without workflow files')
      if (
        config.callbackDial !== undefined &&
        config.callbackSocket === undefined &&
        /^(0\.0\.0\.0|\[?::\]?):/.test(config.listen)
      )
        throw new UsageError(
          `--callback-dial: FreeSWITCH cannot reach ${config.listen} for an originated agent: give --callback-socket HOST:PORT`,
        )
      if (config.console !== undefined && files.length > 0)
        throw new UsageError('--console works on the database: serve without workflow files')

      const log = createLogger({ level: config.logLevel, pretty: config.pretty, redactNumbers: config.redactNumbers })
      const health = new Health()
      const metrics = config.metrics === undefined ? undefined : new Metrics()
      // Up before the routing loads, so that /healthz answers and /readyz says what is still missing.
      const metricsServer = metrics && (await listenMetrics(config.metrics!, metrics, health, log))
      let routing: Routing
      try {
        routing =
          files.length > 0
            ? await fileRouting(files, opts, config, log, metrics)
            : await storeRouting(opts, config, log, metrics)
      } catch (err) {
        await metricsServer?.close()
        throw err
      }
      const callOptions = {
        media,
        region: config.region,
        holdMusic: config.holdMusic,
        recordingsDir,
        minRecordingSeconds: voicemail.minSeconds,
        voicemail: voicemail.mode,
        onMissingBox: missingBoxReporter(log, metrics && ((box: string) => metrics.voicemailBoxMissing(box))),
      }
      // Callbacks' agents, originated by this router, come back through the same socket.
      const legs = new OriginatedLegs()
      const server = new EslServer({
        host,
        port,
        allow: config.allow,
        log,
        world: routing.world,
        resolve: routing.resolve,
        // No dead air: if the router fails inside a call, the caller hears this before it hangs up.
        fallbackPrompt: { say: '죄송합니다. 지금은 연결할 수 없습니다. 잠시 후 다시 걸어 주세요.' },
        call: callOptions,
        legs,
        ...(metrics ? { timing: metrics.esl, onCall: (record: CallRecord) => metrics.callEnded(record) } : {}),
      })
      if (metrics) {
        metrics.onCollectError = (what, err) =>
          log.warn({ err: err instanceof Error ? err.message : String(err) }, `metrics: could not read ${what}`)
        metrics.sources = {
          callsInProgress: () => server.stats.active,
          callsFailed: () => server.stats.failed,
          rejectedConnections: () => server.stats.rejected,
          ...routing.sources,
        }
      }
      health.loaded(routing.storage)
      let address
      try {
        address = await server.listen()
      } catch (err) {
        await routing.close()
        await metricsServer?.close()
        throw new UsageError(`cannot listen on ${config.listen}: ${err instanceof Error ? err.message : String(err)}`)
      }
      const worker =
        sms && routing.store
          ? smsWorker(sms, routing.store, log, {
              onSent: () => metrics?.smsResult('sent'),
              onFailed: () => metrics?.smsResult('failed'),
            })
          : undefined
      worker?.start()
      let consoleServer: RunningConsole | undefined
      if (config.console !== undefined && routing.store) {
        try {
          consoleServer = await startConsole({
            ...splitHostPort(config.console)!,
            store: routing.store,
            log,
            region: config.region,
            recordingsDir,
            ...(config.freeswitchStorage ? { freeswitchStorage: splitStorageMap(config.freeswitchStorage)! } : {}),
          })
        } catch (err) {
          await worker?.stop()
          await server.stop(0)
          await routing.close()
          await metricsServer?.close()
          throw new UsageError(
            `cannot listen on ${config.console} (console): ${err instanceof Error ? err.message : String(err)}`,
          )
        }
        await warnWithoutAdmin(routing.store, log)
      }
      const mailbox = fallbackMailbox(config, routing.store, log)
      const callbacks =
        config.callbackDial !== undefined && routing.store && routing.world instanceof StoreWorld
          ? await startCallbackServing({
              world: routing.world,
              db: routing.store.db,
              legs,
              freeswitch: {
                ...splitHostPort(config.callbackEsl)!,
                password: config.callbackEslPassword,
                timeoutMs: 5000,
              },
              socket: splitHostPort(config.callbackSocket ?? `${address.address}:${address.port}`)!,
              customerDial: config.callbackDial,
              customerRingSeconds: config.callbackRingSeconds,
              call: callOptions,
              log,
              ...(metrics ? { onAttempt: (result: AttemptResult) => metrics.callbackAttempt(result) } : {}),
            })
          : undefined
      log.info(
        { listen: `${address.address}:${address.port}` },
        `ivr-router listening; dialplan: <action application="socket" data="${address.address}:${address.port} async full"/>`,
      )
      await new Promise<void>((resolve) => {
        const stop = () => {
          // No callback attempt begins once stopping; those under way end with their calls, as the calls drain.
          const stopping = callbacks?.close()
          void drainAndStop({
            health,
            server,
            delayMs: config.shutdownDelaySeconds * 1000,
            drainMs: config.drainSeconds * 1000,
            log,
          })
            .then(() => stopping)
            .then(resolve)
        }
        process.once('SIGTERM', stop)
        process.once('SIGINT', stop)
      })
      await consoleServer?.close()
      await worker?.stop()
      await mailbox?.stop()
      await routing.close()
      await metricsServer?.close()
      log.info(server.stats, 'stopped')
    })
}

async function listenMetrics(where: string, metrics: Metrics, health: Health, log: Logger): Promise<MetricsServer> {
  const { host, port } = splitHostPort(where)!
  try {
    const server = await startMetricsServer({ host, port, metrics, health })
    const at = `${server.address.address}:${server.address.port}`
    log.info({ metrics: at }, `metrics on http://${at}/metrics (health: /healthz, /readyz)`)
    return server
  } catch (err) {
    throw new UsageError(`cannot listen on ${where} (metrics): ${err instanceof Error ? err.message : String(err)}`)
  }
}

/** The settings among commander's options (the loader sees only those). */
function pick(opts: Options): Partial<Record<OptionKey, unknown>> {
  return Object.fromEntries(OPTION_KEYS.map((k) => [k, opts[k]]))
}

/** Nobody can log in to a console without an account: say how to make the first one. */
async function warnWithoutAdmin(store: Store, log: Logger): Promise<void> {
  const users = await listUsers(store.db)
  if (!users.some((u) => u.role === 'admin'))
    log.warn(
      store.kind === 'pglite'
        ? 'console: no admin account yet; stop serve and run `ivr-router user add NAME --role admin` (the embedded database takes one process at a time)'
        : 'console: no admin account yet: run `ivr-router user add NAME --role admin`',
    )
}
