/**
 * What must hold for the stored whole, checked inside the transaction of every change so that a
 * change that breaks it is refused with the reason and leaves nothing behind.
 */
import { sql } from 'drizzle-orm'
import type { Workflow } from '../workflow/schema.js'
import { formatDiagnostic, validateDocuments, type Known } from '../workflow/validate.js'
import { rows, type Db } from './db.js'

type Tx = Pick<Db, 'execute'>

/** The names of the stored schedules, teams and agents, for validateDocuments' `known`. */
export async function storedNames(tx: Tx): Promise<Required<Omit<Known, 'endpoints'>> & { schedules: Set<string> }> {
  const list = await rows<{ kind: string; name: string }>(
    tx,
    sql`select 'schedule' as kind, name from schedules
        union all select 'team', name from teams
        union all select 'agent', name from agents`,
  )
  const of = (kind: string) => new Set(list.filter((r) => r.kind === kind).map((r) => r.name))
  return { schedules: of('schedule'), teams: of('team'), agents: of('agent') }
}

/** The errors of workflows checked against the names given, one line each (`workflow x: path: message`). */
export function workflowErrors(workflows: readonly Workflow[], known: Known, region: string): string[] {
  const docs = {
    workflows: workflows.map((value, index) => ({ source: { file: 'stored', index, line: 0 }, value })),
    schedules: [],
    teams: [],
    agents: [],
    contacts: [],
  }
  return validateDocuments(docs, { known, region })
    .filter((d) => d.severity === 'error')
    .map((d) => formatDiagnostic({ ...d, file: '' }).replace(/^: /, ''))
}

/** The current documents of every stored workflow, enabled or not. */
export async function currentWorkflows(tx: Tx): Promise<Workflow[]> {
  const list = await rows<{ document: Workflow }>(
    tx,
    sql`select v.document from workflows w
        join workflow_versions v on v.workflow_id = w.id and v.version = w.current_version
        order by w.name`,
  )
  return list.map((r) => r.document)
}

/** Bindings to queued workflows; two enabled queued workflows for one team. */
export async function storeProblems(tx: Tx): Promise<string[]> {
  const bound = await rows<{ number: string; name: string }>(
    tx,
    sql`select b.number, w.name from number_bindings b
        join workflows w on w.id = b.workflow_id
        join workflow_versions v on v.workflow_id = w.id and v.version = w.current_version
        where v.document->>'trigger' = 'queued'
        order by b.number`,
  )
  const queued = await rows<{ team: string; names: string[] }>(
    tx,
    sql`select coalesce(v.document->>'team', '') as team, array_agg(w.name order by w.name) as names
        from workflows w
        join workflow_versions v on v.workflow_id = w.id and v.version = w.current_version
        where w.enabled and v.document->>'trigger' = 'queued'
        group by 1 having count(*) > 1
        order by 1`,
  )
  return [
    ...bound.map(
      (b) =>
        `number ${b.number} is bound to workflow "${b.name}", whose trigger is queued (it runs for callers waiting in a queue, not for a dialled number): unbind the number first`,
    ),
    ...queued.map(
      (q) =>
        `workflows ${q.names.map((n) => `"${n}"`).join(', ')} would all be enabled queued workflows for ${q.team === '' ? 'the teams without their own' : `team "${q.team}"`}: only one may be (disable the others)`,
    ),
  ]
}
