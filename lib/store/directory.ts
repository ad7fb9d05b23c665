/**
 * Everything `serve` needs to route a call, loaded whole into memory from one consistent snapshot:
 * the current versions of the enabled workflows, the number bindings, schedules, teams and agents.
 * The store's world reloads it when a change notice arrives, so a call makes no query to find
 * its workflow.
 */
import { sql } from 'drizzle-orm'
import { byPriority, type Candidates } from '../server/resolve.js'
import { Schedule, type Agent, type Team, type Workflow } from '../workflow/schema.js'
import { restoreWorkflow } from './canonical.js'
import { rows, type Db } from './db.js'

export type VersionedWorkflow = { workflow: Workflow; version: number }

export type StoreDirectory = {
  /** Enabled workflows at their current version, by name. */
  workflows: ReadonlyMap<string, VersionedWorkflow>
  /** Workflow name by E.164 number (bindings to disabled workflows included; `candidates` skips them). */
  bindings: ReadonlyMap<string, string>
  schedules: ReadonlyMap<string, Schedule>
  teams: ReadonlyMap<string, Team>
  /** In the order they were added (the order `sequential` rings them in). */
  agents: ReadonlyMap<string, Agent>
  candidates: Candidates
  /** Stored documents that no longer pass the schema, left out: `workflow main v3`. */
  skipped: string[]
}

type WorkflowRow = { name: string; version: number; document: unknown; stepOrder: string[] }
type AgentRow = {
  name: string
  title: string | null
  dial: string
  status: Agent['status']
  teams: string[]
  wrapUpSeconds: number | null
  maxNoAnswer: number | null
}
/** A team as stored (teamValues' columns). */
export type StoredTeam = {
  name: string
  title: string | null
  strategy: Team['strategy']
  ringSeconds: number
  wrapUpSeconds: number | null
  maxNoAnswer: number | null
  announcePositionSeconds: number | null
  positionMessage: string | null
  waitMessage: string | null
  /** All three null when the team has no `callback` settings. */
  callbackAttempts: number | null
  callbackRetrySeconds: number | null
  callbackMaxWaiting: number | null
  callbackSchedule: string | null
}

/** The team document of a stored team (null columns are absent settings). */
export function teamDocument(t: StoredTeam): Team {
  const optional = (key: keyof StoredTeam) => (t[key] === null ? {} : { [key]: t[key] })
  return {
    kind: 'team',
    name: t.name,
    ...optional('title'),
    strategy: t.strategy,
    ringSeconds: t.ringSeconds,
    ...optional('wrapUpSeconds'),
    ...optional('maxNoAnswer'),
    ...optional('announcePositionSeconds'),
    ...optional('positionMessage'),
    ...optional('waitMessage'),
    ...(t.callbackAttempts === null || t.callbackRetrySeconds === null
      ? {}
      : {
          callback: {
            attempts: t.callbackAttempts,
            retrySeconds: t.callbackRetrySeconds,
            ...(t.callbackMaxWaiting === null ? {} : { maxWaiting: t.callbackMaxWaiting }),
            ...(t.callbackSchedule === null ? {} : { schedule: t.callbackSchedule }),
          },
        }),
  } as Team
}

/** teamValues' columns under StoredTeam's names. */
export const TEAM_SELECT = sql`name, title, strategy, ring_seconds as "ringSeconds", wrap_up_seconds as "wrapUpSeconds",
  max_no_answer as "maxNoAnswer", announce_position_seconds as "announcePositionSeconds",
  position_message as "positionMessage", wait_message as "waitMessage", callback_attempts as "callbackAttempts",
  callback_retry_seconds as "callbackRetrySeconds", callback_max_waiting as "callbackMaxWaiting",
  callback_schedule as "callbackSchedule"`

export async function loadDirectory(db: Db): Promise<StoreDirectory> {
  return db.transaction(
    async (tx) => {
      const workflowRows = await rows<WorkflowRow>(
        tx,
        sql`select w.name, v.version, v.document, v.step_order as "stepOrder"
            from workflows w join workflow_versions v on v.workflow_id = w.id and v.version = w.current_version
            where w.enabled order by w.name`,
      )
      const bindingRows = await rows<{ number: string; name: string }>(
        tx,
        sql`select b.number, w.name from number_bindings b join workflows w on w.id = b.workflow_id`,
      )
      const scheduleRows = await rows<{ name: string; document: unknown }>(
        tx,
        sql`select name, document from schedules order by name`,
      )
      const teamRows = await rows<StoredTeam>(tx, sql`select ${TEAM_SELECT} from teams order by name`)
      const agentRows = await rows<AgentRow>(
        tx,
        sql`select a.name, a.title, a.dial, a.status, a.wrap_up_seconds as "wrapUpSeconds",
              a.max_no_answer as "maxNoAnswer",
              coalesce((select array_agg(t.name order by t.name) from agent_teams x join teams t on t.id = x.team_id
                        where x.agent_id = a.id), '{}') as teams
            from agents a order by a.id`,
      )
      return buildDirectory(workflowRows, bindingRows, scheduleRows, teamRows, agentRows)
    },
    { isolationLevel: 'repeatable read', accessMode: 'read only' },
  )
}

function buildDirectory(
  workflowRows: WorkflowRow[],
  bindingRows: { number: string; name: string }[],
  scheduleRows: { name: string; document: unknown }[],
  teamRows: StoredTeam[],
  agentRows: AgentRow[],
): StoreDirectory {
  const skipped: string[] = []
  const workflows = new Map<string, VersionedWorkflow>()
  for (const r of workflowRows) {
    const workflow = restoreWorkflow(r.document, r.stepOrder, true)
    if (workflow) workflows.set(r.name, { workflow, version: r.version })
    else skipped.push(`workflow ${r.name} v${r.version}`)
  }
  const schedules = new Map<string, Schedule>()
  for (const r of scheduleRows) {
    const parsed = Schedule.safeParse(r.document)
    if (parsed.success) schedules.set(r.name, parsed.data)
    else skipped.push(`schedule ${r.name}`)
  }
  const teams = new Map<string, Team>(teamRows.map((t) => [t.name, teamDocument(t)]))
  const agents = new Map<string, Agent>(
    agentRows.map((a) => [
      a.name,
      {
        kind: 'agent',
        name: a.name,
        ...(a.title === null ? {} : { title: a.title }),
        dial: a.dial,
        teams: a.teams,
        status: a.status,
        ...(a.wrapUpSeconds === null ? {} : { wrapUpSeconds: a.wrapUpSeconds }),
        ...(a.maxNoAnswer === null ? {} : { maxNoAnswer: a.maxNoAnswer }),
      },
    ]),
  )
  const bindings = new Map(bindingRows.map((b) => [b.number, b.name]))
  const all = [...workflows.values()].map((v) => v.workflow)
  const candidates: Candidates = {
    bound: (e164) => {
      const name = bindings.get(e164)
      const w = name === undefined ? undefined : workflows.get(name)?.workflow
      return w?.trigger === 'incoming' ? w : undefined
    },
    incoming: all.filter((w) => w.trigger === 'incoming').sort(byPriority),
  }
  return { workflows, bindings, schedules, teams, agents, candidates, skipped }
}
