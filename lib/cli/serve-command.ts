/**
 * `ivr-router serve [FILE...]`: the outbound Event Socket server for FreeSWITCH.
 * With files: runs their workflows from memory, records to a JSON-lines file.
 * Without: runs what the store holds (PostgreSQL from DATABASE_URL, else the embedded PGlite),
 * follows changes through NOTIFY, and records calls in the database (spooling when it is away).
 */
import type { Command } from 'commander'
import { mkdir, open } from 'node:fs/promises'
import { dirname, resolve as resolvePath } from 'node:path'
import type { Logger } from 'pino'
import type { World } from '../engine/world.js'
import { Media } from '../esl/media.js'
import { createLogger } from '../log.js'
import { isValidRegion, toE164 } from '../phone/e164.js'
import { findRecipe } from '../recipes.js'
import { DEFAULT_ALLOW } from '../server/allow-list.js'
import { EslServer, type ServerOptions } from '../server/esl-server.js'
import { fileCandidates } from '../server/file-candidates.js'
import { MemoryWorld } from '../server/memory-world.js'
import { resolveWorkflow } from '../server/resolve.js'
import { systemClock } from '../server/system-clock.js'
import { applyDocuments } from '../store/apply.js'
import { leaseSeconds, spoolDirectory, storeConfig } from '../store/config.js'
import { migrateStore, openStore, type Store } from '../store/db.js'
import { bindNumber } from '../store/numbers.js'
import { StoreWorld } from '../store/world.js'
import { createTtsRenderer } from '../tts/render.js'
import { loadString } from '../workflow/load.js'
import { UsageError } from './errors.js'
import { validDirectory } from './valid-directory.js'

type Options = {
  listen: string
  allow: string
  bind: string[]
  region: string
  drainSeconds: string
  holdMusic: string
  recordings: string
  records: string
  databaseUrl?: string
  dataDir?: string
  migrate?: boolean
  demo?: boolean
  pretty?: boolean
}

/** The demo a fresh embedded database starts with, so that the README's run command takes calls at once. */
export const DEMO_RECIPE = 'ivr-experience-design'
export const DEMO_NUMBER = '070-1234-5678'

const ONE_TOKEN = /^[^\s'"{}$\\,|;]+$/

export function parseListen(value: string): { host: string; port: number } {
  const m = /^(?:\[([0-9a-fA-F:]+)\]|([^:]+)):(\d{1,5})$/.exec(value)
  const port = Number(m?.[3])
  if (!m || port < 1 || port > 65535) throw new UsageError(`--listen "${value}": use HOST:PORT, e.g. 127.0.0.1:8084`)
  return { host: (m[1] ?? m[2])!, port }
}

type Routing = { world: World; resolve: ServerOptions['resolve']; close(): Promise<void> }

async function fileRouting(files: string[], opts: Options, log: Logger): Promise<Routing> {
  const directory = await validDirectory(files, opts.region)
  const bindings = new Map<string, string>()
  for (const b of opts.bind) {
    const [number, workflow] = b.split('=')
    const e164 = number === undefined ? undefined : toE164(number, opts.region)
    if (!e164 || !workflow) throw new UsageError(`--bind "${b}": use NUMBER=WORKFLOW`)
    const w = directory.workflows.find((x) => x.name === workflow)
    if (!w) throw new UsageError(`--bind "${b}": no workflow "${workflow}" in the files`)
    if (w.trigger !== 'incoming') throw new UsageError(`--bind "${b}": "${workflow}" is a queued workflow`)
    bindings.set(e164, workflow)
  }
  const records = resolvePath(opts.records)
  await mkdir(dirname(records), { recursive: true })
  // One handle for the whole run (O_APPEND: each record is one write, whole lines even from concurrent calls).
  const sink = await open(records, 'a')
  const world = new MemoryWorld(directory, {
    clock: systemClock,
    region: opts.region,
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
    close: () => sink.close(),
  }
}

/** A fresh embedded database gets the demo recipe and a number bound to it. */
async function seedDemo(store: Store, region: string, log: Logger): Promise<void> {
  const recipe = findRecipe(DEMO_RECIPE)!
  const applied = await applyDocuments(store, loadString(recipe.text, `${recipe.name}.yaml`), {
    region,
    importedBy: 'serve (demo)',
    note: 'demo recipe for a fresh database',
  })
  if (!applied.ok) throw new Error(`demo recipe refused: ${applied.reasons.join('; ')}`)
  const bound = await bindNumber(store, DEMO_NUMBER, DEMO_RECIPE, region)
  if (!bound.ok) throw new Error(`demo binding refused: ${JSON.stringify(bound)}`)
  log.info({ workflow: DEMO_RECIPE, number: bound.number }, `demo: ${DEMO_NUMBER} is bound to ${DEMO_RECIPE}`)
}

async function storeRouting(opts: Options, log: Logger): Promise<Routing> {
  let config
  let lease
  try {
    config = storeConfig({ databaseUrl: opts.databaseUrl, dataDir: opts.dataDir })
    lease = leaseSeconds()
  } catch (err) {
    throw new UsageError(err instanceof Error ? err.message : String(err))
  }
  const store = await openStore(config, {
    onBackgroundError: (err) => log.warn({ err: err.message }, 'database connection problem'),
  })
  try {
    log.info({ database: store.description }, `database: ${store.description}`)
    if (store.kind === 'postgres') log.info('production: PostgreSQL (keep it highly available, see docs/operations.md)')
    // The embedded database belongs to this router: keep it migrated. A shared PostgreSQL is migrated on purpose.
    if (opts.migrate || store.kind === 'pglite') await migrateStore(store)
    const world = await StoreWorld.open(store, {
      region: opts.region,
      spoolDir: spoolDirectory(),
      log,
      leaseSeconds: lease,
    })
    if (world.directory.workflows.size === 0 && (opts.demo ?? store.kind === 'pglite')) {
      await seedDemo(store, opts.region, log)
      await world.reload()
    }
    return {
      world,
      resolve: (facts) => world.resolve(facts),
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

export function registerServeCommand(program: Command): void {
  program
    .command('serve')
    .description('run the Event Socket server that FreeSWITCH `socket` connects to')
    .argument('[files...]', 'workflow files to run from memory; without them, what the database holds')
    .option('--listen <host:port>', 'where FreeSWITCH connects', process.env.IVR_LISTEN ?? '127.0.0.1:8084')
    .option(
      '--allow <cidrs>',
      'comma-separated addresses FreeSWITCH connects from',
      process.env.IVR_ALLOW ?? DEFAULT_ALLOW.join(','),
    )
    .option(
      '--bind <number=workflow...>',
      'with files: bind a dialled number to a workflow',
      (v: string, prev: string[]) => [...prev, v],
      [],
    )
    .option('--region <code>', 'default region for numbers without a country code', process.env.IVR_REGION ?? 'KR')
    .option('--database-url <url>', 'PostgreSQL (default: $DATABASE_URL, else the embedded database)')
    .option('--data-dir <dir>', 'the embedded database directory (default: $IVR_DATA_DIR or ./var/db)')
    .option('--migrate', 'apply database migrations first (always done for the embedded database)')
    .option('--demo', 'seed the demo workflow and number into an empty database (default: embedded only)')
    .option('--no-demo', 'never seed the demo')
    .option('--drain-seconds <s>', 'on SIGTERM, how long live calls may go on', '30')
    .option('--hold-music <uri>', 'what callers hear while queued or ringing', 'local_stream://moh')
    .option(
      '--recordings <dir>',
      'where voicemail recordings are written',
      process.env.IVR_RECORDINGS_DIR ?? './var/recordings',
    )
    .option('--records <file>', 'with files: call records, one JSON line each', './var/calls.jsonl')
    .option('--pretty', 'readable logs instead of JSON')
    .action(async (files: string[], opts: Options) => {
      const { host, port } = parseListen(opts.listen)
      if (!isValidRegion(opts.region)) throw new UsageError(`--region "${opts.region}": use a country code such as KR`)
      const drainSeconds = Number(opts.drainSeconds)
      if (!Number.isFinite(drainSeconds) || drainSeconds < 0)
        throw new UsageError(`--drain-seconds "${opts.drainSeconds}"`)
      if (!ONE_TOKEN.test(opts.holdMusic)) throw new UsageError(`--hold-music "${opts.holdMusic}": one path or URI`)
      const recordingsDir = resolvePath(opts.recordings)
      if (!ONE_TOKEN.test(recordingsDir)) throw new UsageError(`--recordings "${recordingsDir}": no spaces or quotes`)
      if (files.length > 0 && (opts.databaseUrl || opts.dataDir))
        throw new UsageError('give workflow files or a database, not both')

      const log = createLogger({ pretty: opts.pretty ?? false })
      const routing = files.length > 0 ? await fileRouting(files, opts, log) : await storeRouting(opts, log)
      const server = new EslServer({
        host,
        port,
        allow: opts.allow.split(',').filter(Boolean),
        log,
        world: routing.world,
        resolve: routing.resolve,
        // No dead air: if the router fails inside a call, the caller hears this before it hangs up.
        fallbackPrompt: { say: '죄송합니다. 지금은 연결할 수 없습니다. 잠시 후 다시 걸어 주세요.' },
        call: {
          media: new Media({ kind: 'render', renderer: createTtsRenderer() }),
          region: opts.region,
          holdMusic: opts.holdMusic,
          recordingsDir,
          minRecordingSeconds: 2,
        },
      })
      let address
      try {
        address = await server.listen()
      } catch (err) {
        await routing.close()
        throw new UsageError(`cannot listen on ${opts.listen}: ${err instanceof Error ? err.message : String(err)}`)
      }
      log.info(
        { listen: `${address.address}:${address.port}` },
        `ivr-router listening; dialplan: <action application="socket" data="${address.address}:${address.port} async full"/>`,
      )
      await new Promise<void>((resolve) => {
        const stop = () => {
          log.info({ drainSeconds }, 'stopping: no new calls, draining live ones')
          void server.stop(drainSeconds * 1000).then(resolve)
        }
        process.once('SIGTERM', stop)
        process.once('SIGINT', stop)
      })
      await routing.close()
      log.info(server.stats, 'stopped')
    })
}
