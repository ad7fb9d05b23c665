/** Teams: add (or change), list, remove. A team that a current workflow names cannot be removed. */
import { eq, sql } from 'drizzle-orm'
import { Team } from '../workflow/schema.js'
import { teamValues } from './apply.js'
import { currentWorkflows, storedNames, workflowErrors } from './consistency.js'
import { rows, type Db, type Store } from './db.js'
import { TEAM_SELECT, teamDocument, type StoredTeam } from './directory.js'
import { parseDocument } from './document-check.js'
import { notifyChange } from './notify.js'
import { Refused, refusable, type Refusal } from './refusal.js'
import { teams } from './schema.js'

export type TeamRow = StoredTeam & {
  /** Its agents, by name. */
  agents: string[]
}

export async function listTeams(db: Db): Promise<TeamRow[]> {
  return rows<TeamRow>(
    db,
    sql`select ${TEAM_SELECT},
          coalesce((select array_agg(a.name order by a.name) from agent_teams x join agents a on a.id = x.agent_id
                    where x.team_id = t.id), '{}') as agents
        from teams t order by t.name`,
  )
}

export type TeamInput = {
  name: string
  title?: string
  strategy?: string
  ringSeconds?: number
  wrapUpSeconds?: number
  maxNoAnswer?: number
  announcePositionSeconds?: number
  positionMessage?: string
  waitMessage?: string
}
export type TeamAdded = { ok: true; name: string; change: 'created' | 'updated' }

/** Creates the team, or changes the fields given of an existing one. */
export async function addTeam(store: Store, input: TeamInput): Promise<TeamAdded | Refusal> {
  return refusable(() =>
    store.db.transaction(async (tx) => {
      const [old] = await rows<StoredTeam>(
        tx,
        sql`select ${TEAM_SELECT} from teams where name = ${input.name} for update`,
      )
      const merged = {
        ...(old ? teamDocument(old) : { kind: 'team', name: input.name }),
        ...Object.fromEntries(Object.entries(input).filter(([, v]) => v !== undefined)),
      }
      const parsed = parseDocument(Team, `team ${input.name}`, merged)
      if (!parsed.ok) throw new Refused(parsed.reasons)
      const t = parsed.value
      const values = teamValues(t)
      await tx
        .insert(teams)
        .values({ name: t.name, ...values })
        .onConflictDoUpdate({ target: teams.name, set: { ...values, updatedAt: sql`now()` } })
      await notifyChange(tx, 'teams')
      return { ok: true as const, name: t.name, change: old ? ('updated' as const) : ('created' as const) }
    }),
  )
}

export type TeamRemoved = { ok: true; name: string; agents: string[] }

export async function removeTeam(store: Store, name: string, region: string): Promise<TeamRemoved | Refusal> {
  return refusable(() =>
    store.db.transaction(async (tx) => {
      const members = (await listTeams(tx as unknown as Db)).find((t) => t.name === name)?.agents ?? []
      const [gone] = await tx.delete(teams).where(eq(teams.name, name)).returning({ id: teams.id })
      if (!gone) throw new Refused([`no team named "${name}"`])
      const errors = workflowErrors(await currentWorkflows(tx), await storedNames(tx), region)
      if (errors.length > 0) throw new Refused([`team "${name}" is still used: ${errors.join('; ')}`])
      await notifyChange(tx, 'teams')
      if (members.length > 0) await notifyChange(tx, 'agents')
      return { ok: true as const, name, agents: members }
    }),
  )
}
