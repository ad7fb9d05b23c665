/**
 * Stored workflows: list, versions, one version's document, diff between versions, and the
 * changes that do not import a document: rollback (the current pointer to an earlier version),
 * enable and disable.
 */
import { and, asc, desc, eq, sql } from 'drizzle-orm'
import { stringify } from 'yaml'
import type { Workflow } from '../workflow/schema.js'
import { restoreWorkflow } from './canonical.js'
import { storedNames, storeProblems, workflowErrors } from './consistency.js'
import { rows, type Db, type Store } from './db.js'
import { lineDiff, type DiffLine } from './line-diff.js'
import { notifyChange } from './notify.js'
import { refusal, Refused, refusable, type Refusal } from './refusal.js'
import { numberBindings, workflows, workflowVersions } from './schema.js'

export type WorkflowSummary = {
  name: string
  title: string | null
  enabled: boolean
  trigger: 'incoming' | 'queued'
  priority: number
  version: number
  versions: number
  /** Numbers bound to it, E.164. */
  numbers: string[]
  updatedAt: Date
}

export type VersionInfo = {
  version: number
  checksum: string
  importedAt: Date
  importedBy: string
  note: string | null
  current: boolean
}

export async function listWorkflows(db: Db): Promise<WorkflowSummary[]> {
  const list = await rows<Omit<WorkflowSummary, 'updatedAt'> & { updatedAt: Date | string }>(
    db,
    sql`select w.name, v.document->>'title' as title, w.enabled,
          v.document->>'trigger' as trigger, (v.document->>'priority')::int as priority,
          w.current_version as version,
          (select count(*)::int from workflow_versions x where x.workflow_id = w.id) as versions,
          coalesce((select array_agg(b.number order by b.number) from number_bindings b where b.workflow_id = w.id),
                   '{}') as numbers,
          w.updated_at as "updatedAt"
        from workflows w
        join workflow_versions v on v.workflow_id = w.id and v.version = w.current_version
        order by w.name`,
  )
  return list.map((r) => ({ ...r, updatedAt: new Date(r.updatedAt) }))
}

export async function workflowSummary(db: Db, name: string): Promise<WorkflowSummary | undefined> {
  return (await listWorkflows(db)).find((w) => w.name === name)
}

async function workflowRow(db: Pick<Db, 'select'>, name: string) {
  const [row] = await db
    .select({ id: workflows.id, enabled: workflows.enabled, current: workflows.currentVersion })
    .from(workflows)
    .where(eq(workflows.name, name))
  return row
}

export async function listVersions(db: Db, name: string): Promise<VersionInfo[] | undefined> {
  const w = await workflowRow(db, name)
  if (!w) return undefined
  const list = await db
    .select({
      version: workflowVersions.version,
      checksum: workflowVersions.checksum,
      importedAt: workflowVersions.importedAt,
      importedBy: workflowVersions.importedBy,
      note: workflowVersions.note,
    })
    .from(workflowVersions)
    .where(eq(workflowVersions.workflowId, w.id))
    .orderBy(asc(workflowVersions.version))
  return list.map((v) => ({ ...v, current: v.version === w.current }))
}

export type StoredVersion = VersionInfo & {
  ok: true
  name: string
  /** The document as imported (its own `enabled`), steps in the order written. */
  workflow: Workflow
}

/** One version of a workflow, the current one by default. */
export async function workflowVersion(db: Db, name: string, version?: number): Promise<StoredVersion | Refusal> {
  const w = await workflowRow(db, name)
  if (!w) return refusal(`no workflow named "${name}"`)
  const n = version ?? w.current ?? 0
  const [v] = await db
    .select()
    .from(workflowVersions)
    .where(and(eq(workflowVersions.workflowId, w.id), eq(workflowVersions.version, n)))
  if (!v) return refusal(`workflow "${name}" has no version ${n} (its versions: ${await versionList(db, w.id)})`)
  const workflow = restoreWorkflow(v.document, v.stepOrder)
  if (!workflow) return refusal(`workflow "${name}" version ${n} no longer passes the workflow schema`)
  return {
    ok: true,
    name,
    version: n,
    checksum: v.checksum,
    importedAt: v.importedAt,
    importedBy: v.importedBy,
    note: v.note,
    current: n === w.current,
    workflow,
  }
}

async function versionList(db: Pick<Db, 'select'>, workflowId: number): Promise<string> {
  const list = await db
    .select({ n: workflowVersions.version })
    .from(workflowVersions)
    .where(eq(workflowVersions.workflowId, workflowId))
    .orderBy(asc(workflowVersions.version))
  const ns = list.map((r) => r.n)
  return ns.length > 12 ? `${ns.slice(0, 5).join(', ')} … ${ns.slice(-5).join(', ')}` : ns.join(', ')
}

/** A workflow document as YAML, ready for `apply`. */
export function workflowYaml(w: Workflow): string {
  return stringify(w, { lineWidth: 0 })
}

export type VersionDiff = { ok: true; name: string; from: number; to: number; lines: DiffLine[] }

/** The line diff of two versions' YAML; by default the version before the current one and the current one. */
export async function diffVersions(db: Db, name: string, from?: number, to?: number): Promise<VersionDiff | Refusal> {
  const w = await workflowRow(db, name)
  if (!w) return refusal(`no workflow named "${name}"`)
  const b = to ?? w.current ?? 0
  let a = from
  if (a === undefined) {
    const [prev] = await db
      .select({ n: workflowVersions.version })
      .from(workflowVersions)
      .where(and(eq(workflowVersions.workflowId, w.id), sql`${workflowVersions.version} < ${b}`))
      .orderBy(desc(workflowVersions.version))
      .limit(1)
    if (!prev) return refusal(`workflow "${name}" has no version before ${b} to compare with`)
    a = prev.n
  }
  const va = await workflowVersion(db, name, a)
  if (!va.ok) return va
  const vb = await workflowVersion(db, name, b)
  if (!vb.ok) return vb
  return { ok: true, name, from: a, to: b, lines: lineDiff(workflowYaml(va.workflow), workflowYaml(vb.workflow)) }
}

/** Checks a document about to become current against the stored names, and the store as a whole. */
async function checkCurrent(tx: Pick<Db, 'execute'>, document: Workflow, region: string): Promise<void> {
  const errors = workflowErrors([document], await storedNames(tx), region)
  const problems = await storeProblems(tx)
  if (errors.length + problems.length > 0) throw new Refused([...errors, ...problems])
}

export type Rollback = { ok: true; name: string; from: number; to: number }

export async function rollbackWorkflow(
  store: Store,
  name: string,
  version: number,
  region: string,
): Promise<Rollback | Refusal> {
  return refusable(() =>
    store.db.transaction(async (tx) => {
      const [w] = await tx
        .select({ id: workflows.id, current: workflows.currentVersion })
        .from(workflows)
        .where(eq(workflows.name, name))
        .for('update')
      if (!w) throw new Refused([`no workflow named "${name}"`])
      const from = w.current ?? 0
      if (version === from) throw new Refused([`version ${version} of "${name}" is already the current one`])
      const [v] = await tx
        .select({ document: workflowVersions.document })
        .from(workflowVersions)
        .where(and(eq(workflowVersions.workflowId, w.id), eq(workflowVersions.version, version)))
      if (!v)
        throw new Refused([
          `workflow "${name}" has no version ${version} (its versions: ${await versionList(tx, w.id)})`,
        ])
      await tx
        .update(workflows)
        .set({ currentVersion: version, updatedAt: sql`now()` })
        .where(eq(workflows.id, w.id))
      await checkCurrent(tx, v.document, region)
      await notifyChange(tx, 'workflows')
      return { ok: true as const, name, from, to: version }
    }),
  )
}

export type EnabledChange = {
  ok: true
  name: string
  enabled: boolean
  /** False when it already was. */
  changed: boolean
  /** Numbers bound to it: while it is disabled they go to the top-priority workflow. */
  numbers: string[]
}

export async function setWorkflowEnabled(
  store: Store,
  name: string,
  enabled: boolean,
  region: string,
): Promise<EnabledChange | Refusal> {
  return refusable(() =>
    store.db.transaction(async (tx) => {
      const [w] = await tx
        .select({ id: workflows.id, enabled: workflows.enabled, current: workflows.currentVersion })
        .from(workflows)
        .where(eq(workflows.name, name))
        .for('update')
      if (!w) throw new Refused([`no workflow named "${name}"`])
      const bound = await tx
        .select({ number: numberBindings.number })
        .from(numberBindings)
        .where(eq(numberBindings.workflowId, w.id))
        .orderBy(asc(numberBindings.number))
      const result = {
        ok: true as const,
        name,
        enabled,
        changed: w.enabled !== enabled,
        numbers: bound.map((b) => b.number),
      }
      if (!result.changed) return result
      await tx
        .update(workflows)
        .set({ enabled, updatedAt: sql`now()` })
        .where(eq(workflows.id, w.id))
      if (enabled) {
        const [v] = await tx
          .select({ document: workflowVersions.document })
          .from(workflowVersions)
          .where(and(eq(workflowVersions.workflowId, w.id), eq(workflowVersions.version, w.current ?? 0)))
        await checkCurrent(tx, v!.document, region)
      }
      await notifyChange(tx, 'workflows')
      return result
    }),
  )
}
