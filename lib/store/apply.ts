/**
 * `apply`: imports loaded documents, validated as a whole against what is stored, in one
 * transaction. A workflow whose canonical content changed becomes a new version and its current
 * pointer moves; its enabled flag follows the file. Schedules, teams and contacts are upserted;
 * agents too, except their status, which is presence (`agent status`) and only set on creation.
 */
import { and, eq, inArray, max, sql } from 'drizzle-orm'
import { toE164 } from '../phone/e164.js'
import type { Diagnostic } from '../workflow/issues.js'
import type { LoadResult } from '../workflow/load.js'
import type { Agent, Contact, Schedule, Team, Workflow } from '../workflow/schema.js'
import { validateDocuments } from '../workflow/validate.js'
import { checksum, storedWorkflow } from './canonical.js'
import { storedNames, storeProblems } from './consistency.js'
import type { Db, Store } from './db.js'
import { notifyChange, type Change } from './notify.js'
import { Refused, refusable } from './refusal.js'
import { agents, agentTeams, contacts, schedules, teams, workflows, workflowVersions } from './schema.js'

export type ApplyOptions = {
  region: string
  /** Who imports (recorded with each new workflow version). */
  importedBy: string
  note?: string
  /** The router's endpoints (`apply --config`): http actions may name only these; absent: not checked. */
  endpoints?: ReadonlySet<string>
}

export type ApplyChange = 'created' | 'updated' | 'unchanged'

export type AppliedWorkflow = {
  kind: 'workflow'
  name: string
  change: ApplyChange
  version: number
  enabled: boolean
  /** The enabled flag changed though the content did not. */
  enabledChanged: boolean
}
export type AppliedOther = { kind: 'schedule' | 'team' | 'agent'; name: string; change: ApplyChange }
export type ApplyReport = { items: (AppliedWorkflow | AppliedOther)[]; contacts: number }

export type ApplyResult =
  | { ok: true; report: ApplyReport; warnings: Diagnostic[] }
  | { ok: false; diagnostics: Diagnostic[]; reasons: string[] }

type Tx = Parameters<Parameters<Db['transaction']>[0]>[0]

export async function applyDocuments(store: Store, loaded: LoadResult, options: ApplyOptions): Promise<ApplyResult> {
  const known = await storedNames(store.db)
  const diagnostics = [
    ...loaded.diagnostics,
    ...validateDocuments(loaded, {
      known: { ...known, ...(options.endpoints ? { endpoints: options.endpoints } : {}) },
      region: options.region,
    }),
    ...contactNumberErrors(loaded, options.region),
  ]
  if (diagnostics.some((d) => d.severity === 'error')) return { ok: false, diagnostics, reasons: [] }
  const result = await refusable(() =>
    store.db.transaction(async (tx) => {
      const changed = new Set<Change>()
      const items: ApplyReport['items'] = []
      for (const d of loaded.schedules) items.push(await applySchedule(tx, d.value, changed))
      for (const d of loaded.teams) items.push(await applyTeam(tx, d.value, changed))
      for (const d of loaded.agents) items.push(await applyAgent(tx, d.value, changed))
      for (const d of loaded.workflows) items.push(await applyWorkflow(tx, d.value, options, changed))
      const contactCount = await applyContacts(
        tx,
        loaded.contacts.map((d) => d.value),
        options.region,
      )
      const problems = await storeProblems(tx)
      if (problems.length > 0) throw new Refused(problems)
      for (const what of changed) await notifyChange(tx, what)
      return { items, contacts: contactCount }
    }),
  )
  if ('ok' in result) return { ok: false, diagnostics, reasons: result.reasons }
  return { ok: true, report: result, warnings: diagnostics }
}

function contactNumberErrors(loaded: LoadResult, region: string): Diagnostic[] {
  return loaded.contacts
    .filter((d) => toE164(d.value.number, region) === undefined)
    .map((d) => ({
      severity: 'error',
      file: d.source.file,
      document: `contact ${d.value.number}`,
      path: 'number',
      message: `not a phone number (region ${region})`,
    }))
}

function withoutKind<T extends { kind?: unknown }>(doc: T): Omit<T, 'kind'> {
  const { kind: _kind, ...rest } = doc
  return rest
}

async function applySchedule(tx: Tx, s: Schedule, changed: Set<Change>): Promise<AppliedOther> {
  const document = { ...withoutKind(s), kind: 'schedule' as const }
  const [old] = await tx.select({ document: schedules.document }).from(schedules).where(eq(schedules.name, s.name))
  if (old && checksum(old.document) === checksum(document))
    return { kind: 'schedule', name: s.name, change: 'unchanged' }
  await tx
    .insert(schedules)
    .values({ name: s.name, document })
    .onConflictDoUpdate({ target: schedules.name, set: { document, updatedAt: sql`now()` } })
  changed.add('schedules')
  return { kind: 'schedule', name: s.name, change: old ? 'updated' : 'created' }
}

/** A team's columns. */
export function teamValues(t: Team) {
  return {
    title: t.title ?? null,
    strategy: t.strategy,
    ringSeconds: t.ringSeconds,
    wrapUpSeconds: t.wrapUpSeconds ?? null,
    maxNoAnswer: t.maxNoAnswer ?? null,
    announcePositionSeconds: t.announcePositionSeconds ?? null,
    positionMessage: t.positionMessage ?? null,
    waitMessage: t.waitMessage ?? null,
    callbackAttempts: t.callback?.attempts ?? null,
    callbackRetrySeconds: t.callback?.retrySeconds ?? null,
    callbackMaxWaiting: t.callback?.maxWaiting ?? null,
    callbackSchedule: t.callback?.schedule ?? null,
  }
}

/** The columns of teamValues, to read them back. */
const TEAM_COLUMNS = {
  title: teams.title,
  strategy: teams.strategy,
  ringSeconds: teams.ringSeconds,
  wrapUpSeconds: teams.wrapUpSeconds,
  maxNoAnswer: teams.maxNoAnswer,
  announcePositionSeconds: teams.announcePositionSeconds,
  positionMessage: teams.positionMessage,
  waitMessage: teams.waitMessage,
  callbackAttempts: teams.callbackAttempts,
  callbackRetrySeconds: teams.callbackRetrySeconds,
  callbackMaxWaiting: teams.callbackMaxWaiting,
  callbackSchedule: teams.callbackSchedule,
}

async function applyTeam(tx: Tx, t: Team, changed: Set<Change>): Promise<AppliedOther> {
  const values = teamValues(t)
  const [old] = await tx.select(TEAM_COLUMNS).from(teams).where(eq(teams.name, t.name))
  if (old && checksum(old) === checksum(values)) return { kind: 'team', name: t.name, change: 'unchanged' }
  await tx
    .insert(teams)
    .values({ name: t.name, ...values })
    .onConflictDoUpdate({ target: teams.name, set: { ...values, updatedAt: sql`now()` } })
  changed.add('teams')
  return { kind: 'team', name: t.name, change: old ? 'updated' : 'created' }
}

/** Replaces an agent's teams; the names were validated. */
export async function setAgentTeams(tx: Tx, agentId: number, names: readonly string[]): Promise<void> {
  await tx.delete(agentTeams).where(eq(agentTeams.agentId, agentId))
  if (names.length === 0) return
  const ids = await tx
    .select({ id: teams.id })
    .from(teams)
    .where(inArray(teams.name, [...names]))
  await tx.insert(agentTeams).values(ids.map((t) => ({ agentId, teamId: t.id })))
}

async function agentTeamNames(tx: Tx, agentId: number): Promise<string[]> {
  const list = await tx
    .select({ name: teams.name })
    .from(agentTeams)
    .innerJoin(teams, eq(teams.id, agentTeams.teamId))
    .where(eq(agentTeams.agentId, agentId))
  return list.map((r) => r.name).sort()
}

/** An agent's columns a document sets (not its status: the CLI and the distributor change that). */
export function agentValues(a: Agent) {
  return {
    title: a.title ?? null,
    dial: a.dial,
    wrapUpSeconds: a.wrapUpSeconds ?? null,
    maxNoAnswer: a.maxNoAnswer ?? null,
  }
}

async function applyAgent(tx: Tx, a: Agent, changed: Set<Change>): Promise<AppliedOther> {
  const values = agentValues(a)
  const [old] = await tx
    .select({
      id: agents.id,
      title: agents.title,
      dial: agents.dial,
      wrapUpSeconds: agents.wrapUpSeconds,
      maxNoAnswer: agents.maxNoAnswer,
    })
    .from(agents)
    .where(eq(agents.name, a.name))
  const wanted = [...new Set(a.teams)].sort()
  if (old) {
    const { id: _id, ...stored } = old
    const same =
      checksum(stored) === checksum(values) && checksum(await agentTeamNames(tx, old.id)) === checksum(wanted)
    if (same) return { kind: 'agent', name: a.name, change: 'unchanged' }
    await tx
      .update(agents)
      .set({ ...values, updatedAt: sql`now()` })
      .where(eq(agents.id, old.id))
    await setAgentTeams(tx, old.id, wanted)
  } else {
    const [row] = await tx
      .insert(agents)
      .values({ name: a.name, status: a.status, ...values })
      .returning({ id: agents.id })
    await setAgentTeams(tx, row!.id, wanted)
  }
  changed.add('agents')
  return { kind: 'agent', name: a.name, change: old ? 'updated' : 'created' }
}

async function applyWorkflow(
  tx: Tx,
  w: Workflow,
  options: ApplyOptions,
  changed: Set<Change>,
): Promise<AppliedWorkflow> {
  const stored = storedWorkflow(w)
  const version = (n: number) => ({
    version: n,
    document: stored.document,
    stepOrder: stored.stepOrder,
    checksum: stored.checksum,
    importedBy: options.importedBy,
    note: options.note ?? null,
  })
  const [old] = await tx
    .select({ id: workflows.id, enabled: workflows.enabled, current: workflows.currentVersion })
    .from(workflows)
    .where(eq(workflows.name, w.name))
    .for('update')
  if (!old) {
    const [row] = await tx
      .insert(workflows)
      .values({ name: w.name, enabled: w.enabled })
      .returning({ id: workflows.id })
    await tx.insert(workflowVersions).values({ workflowId: row!.id, ...version(1) })
    await tx.update(workflows).set({ currentVersion: 1 }).where(eq(workflows.id, row!.id))
    changed.add('workflows')
    return { kind: 'workflow', name: w.name, change: 'created', version: 1, enabled: w.enabled, enabledChanged: false }
  }
  const [current] = await tx
    .select({ checksum: workflowVersions.checksum })
    .from(workflowVersions)
    .where(and(eq(workflowVersions.workflowId, old.id), eq(workflowVersions.version, old.current ?? 0)))
  const enabledChanged = old.enabled !== w.enabled
  if (current?.checksum === stored.checksum) {
    if (enabledChanged) {
      await tx
        .update(workflows)
        .set({ enabled: w.enabled, updatedAt: sql`now()` })
        .where(eq(workflows.id, old.id))
      changed.add('workflows')
    }
    const n = old.current ?? 0
    return { kind: 'workflow', name: w.name, change: 'unchanged', version: n, enabled: w.enabled, enabledChanged }
  }
  const [last] = await tx
    .select({ n: max(workflowVersions.version) })
    .from(workflowVersions)
    .where(eq(workflowVersions.workflowId, old.id))
  const n = (last?.n ?? 0) + 1
  await tx.insert(workflowVersions).values({ workflowId: old.id, ...version(n) })
  await tx
    .update(workflows)
    .set({ currentVersion: n, enabled: w.enabled, updatedAt: sql`now()` })
    .where(eq(workflows.id, old.id))
  changed.add('workflows')
  return { kind: 'workflow', name: w.name, change: 'updated', version: n, enabled: w.enabled, enabledChanged: false }
}

const CONTACT_BATCH = 1000

export type ContactRow = { number: string; name: string | null; tags: string[]; attributes: Record<string, string> }

/** Upserts contacts by E.164 number (a later row for the same number wins); returns how many. */
export async function upsertContacts(tx: Pick<Db, 'insert'>, list: readonly ContactRow[]): Promise<number> {
  const unique = [...new Map(list.map((c) => [c.number, c])).values()]
  for (let i = 0; i < unique.length; i += CONTACT_BATCH)
    await tx
      .insert(contacts)
      .values(unique.slice(i, i + CONTACT_BATCH))
      .onConflictDoUpdate({
        target: contacts.number,
        set: {
          name: sql`excluded.name`,
          tags: sql`excluded.tags`,
          attributes: sql`excluded.attributes`,
          updatedAt: sql`now()`,
        },
      })
  return unique.length
}

async function applyContacts(tx: Tx, list: readonly Contact[], region: string): Promise<number> {
  return upsertContacts(
    tx,
    list.map((c) => ({
      number: toE164(c.number, region)!,
      name: c.name ?? null,
      tags: c.tags,
      attributes: c.attributes,
    })),
  )
}
