/**
 * The database checks: it answers, and its schema has every migration this router ships. The doctor never
 * migrates and never creates an embedded database that is not there. An embedded database held by a running
 * `serve` cannot be opened by a second process; serve migrated it when it started, so that counts as a pass.
 */
import { existsSync } from 'node:fs'
import { redactUrl, type StoreConfig } from '../store/config.js'
import { openStore, type Store } from '../store/db.js'
import { DirectoryLocked } from '../store/lock.js'
import { loadDirectory, type StoreDirectory } from '../store/directory.js'
import { listBindings } from '../store/numbers.js'
import { fail, messageOf, pass, type CheckResult } from './check.js'
import { migrationState } from './migrations.js'

export type DatabaseReport = {
  results: CheckResult[]
  /** The bound numbers (E.164), for the dialplan check; empty when they could not be read. */
  numbers: string[]
  /** The agents and the mod_voicemail boxes the workflows may use (teams, explicit boxes, bound numbers). */
  agents?: { name: string; dial: string }[]
  boxes?: string[]
}

const REACHABLE = 'database reachable'
const MIGRATED = 'database migrated'

export async function checkDatabase(config: StoreConfig): Promise<DatabaseReport> {
  const where =
    config.kind === 'postgres' ? `PostgreSQL ${redactUrl(config.url)}` : `embedded PGlite in ${config.dataDir}`
  if (config.kind === 'pglite' && !existsSync(config.dataDir)) {
    const hint = 'start `ivr-router serve` once, or run `ivr-router db migrate` (both create it), or set DATABASE_URL'
    return {
      results: [fail(REACHABLE, `no database at ${config.dataDir}`, hint), fail(MIGRATED, 'no database', hint)],
      numbers: [],
    }
  }
  let store: Store
  try {
    store = await openStore(config)
  } catch (err) {
    if (err instanceof DirectoryLocked)
      return {
        results: [
          pass(REACHABLE, `${where}: ${err.message.split(':')[0]}`),
          pass(MIGRATED, 'serve migrates the embedded database when it starts'),
        ],
        numbers: [],
      }
    return {
      results: [
        fail(REACHABLE, `${where}: ${messageOf(err)}`, 'check DATABASE_URL (host, port, user, password, database)'),
        fail(MIGRATED, 'not checked: no connection', 'fix the connection first'),
      ],
      numbers: [],
    }
  }
  try {
    return await checkOpenStore(store, where)
  } finally {
    await store.close()
  }
}

/** The checks on a store already open (`where` names it). */
export async function checkOpenStore(store: Store, where = store.description): Promise<DatabaseReport> {
  const results = [pass(REACHABLE, where)]
  const state = await migrationState(store)
  if (state.pending.length > 0) {
    results.push(
      fail(
        MIGRATED,
        `${state.pending.length} of ${state.shipped.length} migrations not applied: ${state.pending.join(', ')}`,
        'run `ivr-router db migrate` (or `serve --migrate`) before starting the routers',
      ),
    )
    return { results, numbers: [] }
  }
  if (state.unknown > 0)
    results.push(
      fail(
        MIGRATED,
        `${state.unknown} applied migrations are not part of this version (a newer ivr-router migrated it)`,
        'upgrade this router to the version that migrated the database',
      ),
    )
  else results.push(pass(MIGRATED, `${state.applied} of ${state.shipped.length} migrations applied`))
  const numbers = (await listBindings(store.db)).map((b) => b.number)
  const directory = await loadDirectory(store.db)
  return {
    results,
    numbers,
    agents: [...directory.agents.values()].map((a) => ({ name: a.name, dial: a.dial })),
    boxes: voicemailBoxes(directory, numbers),
  }
}

/**
 * The boxes `--voicemail mod_voicemail` may open: a voicemail action's `box`, else the team the call is assigned
 * to, else the dialled number without `+` (lib/esl/call.ts). Without any voicemail action, none.
 */
function voicemailBoxes(directory: StoreDirectory, numbers: string[]): string[] {
  const explicit: string[] = []
  let any = false
  for (const { workflow } of directory.workflows.values())
    for (const actions of Object.values(workflow.steps))
      for (const action of actions)
        if ('voicemail' in action) {
          any = true
          if (action.voicemail.box) explicit.push(action.voicemail.box)
        }
  if (!any) return []
  return [...new Set([...explicit, ...directory.teams.keys(), ...numbers.map((n) => n.replace(/^\+/, ''))])]
}
