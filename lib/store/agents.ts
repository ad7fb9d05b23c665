/**
 * Agents: add (or change), list, remove, and their presence (`status`), which the CLI sets and
 * `serve` reads. Changing an agent notifies `serve`, whose distributor then offers whoever is free
 * (an agent made available is offered to the head of the line at once).
 */
import { eq, sql } from 'drizzle-orm'
import { Agent } from '../workflow/schema.js'
import { currentWorkflows, storedNames, workflowErrors } from './consistency.js'
import { rows, type Db, type Store } from './db.js'
import { parseDocument } from './document-check.js'
import { agentValues, setAgentTeams } from './apply.js'
import { notifyChange } from './notify.js'
import { Refused, refusable, refusal, type Refusal } from './refusal.js'
import { AGENT_STATUSES, agents } from './schema.js'

export type AgentStatus = Agent['status']

export type AgentRow = {
  name: string
  title: string | null
  dial: string
  status: AgentStatus
  teams: string[]
  wrapUpSeconds: number | null
  maxNoAnswer: number | null
  /** The call ringing or talking to the agent, while its lease lasts. */
  reservedBy: string | null
  leaseUntil: Date | null
  lastCallEnd: Date | null
  /** Not offered callers until then, and why (no-answer, busy, failed, wrap-up, unreachable), with the cause. */
  restUntil: Date | null
  restReason: string | null
  restCause: string | null
  /** Unanswered offers in a row. */
  noAnswers: number
}

export async function listAgents(db: Db): Promise<AgentRow[]> {
  const list = await rows<AgentRow>(
    db,
    sql`select a.name, a.title, a.dial, a.status,
          coalesce((select array_agg(t.name order by t.name) from agent_teams x join teams t on t.id = x.team_id
                    where x.agent_id = a.id), '{}') as teams,
          a.wrap_up_seconds as "wrapUpSeconds", a.max_no_answer as "maxNoAnswer",
          case when a.lease_until > now() then a.reserved_by end as "reservedBy",
          case when a.lease_until > now() then a.lease_until end as "leaseUntil",
          a.last_call_end as "lastCallEnd",
          case when a.rest_until > now() then a.rest_until end as "restUntil",
          case when a.rest_until > now() then a.rest_reason end as "restReason",
          case when a.rest_until > now() then a.rest_cause end as "restCause",
          a.no_answers as "noAnswers"
        from agents a order by a.name`,
  )
  const date = (d: Date | string | null) => (d === null ? null : new Date(d))
  return list.map((a) => ({
    ...a,
    leaseUntil: date(a.leaseUntil),
    lastCallEnd: date(a.lastCallEnd),
    restUntil: date(a.restUntil),
  }))
}

export type AgentInput = {
  name: string
  dial?: string
  title?: string
  teams?: string[]
  status?: string
  wrapUpSeconds?: number
  maxNoAnswer?: number
}
export type AgentAdded = { ok: true; name: string; change: 'created' | 'updated' }

/** Creates the agent (a dial string is needed), or changes the fields given of an existing one. */
export async function addAgent(store: Store, input: AgentInput): Promise<AgentAdded | Refusal> {
  return refusable(() =>
    store.db.transaction(async (tx) => {
      const old = (await listAgents(tx as unknown as Db)).find((a) => a.name === input.name)
      if (!old && input.dial === undefined) throw new Refused([`agent ${input.name}: a new agent needs a dial string`])
      const merged = {
        kind: 'agent',
        name: input.name,
        ...(old
          ? {
              dial: old.dial,
              status: old.status,
              teams: old.teams,
              ...(old.title ? { title: old.title } : {}),
              ...(old.wrapUpSeconds === null ? {} : { wrapUpSeconds: old.wrapUpSeconds }),
              ...(old.maxNoAnswer === null ? {} : { maxNoAnswer: old.maxNoAnswer }),
            }
          : {}),
        ...Object.fromEntries(Object.entries(input).filter(([, v]) => v !== undefined)),
      }
      const parsed = parseDocument(Agent, `agent ${input.name}`, merged)
      if (!parsed.ok) throw new Refused(parsed.reasons)
      const a = parsed.value
      const known = await storedNames(tx)
      const unknown = a.teams.filter((t) => !known.teams.has(t))
      if (unknown.length > 0)
        throw new Refused(unknown.map((t) => `agent ${a.name}: unknown team "${t}" (ivr-router team add ${t})`))
      const values = { ...agentValues(a), status: a.status }
      const [row] = await tx
        .insert(agents)
        .values({ name: a.name, ...values })
        .onConflictDoUpdate({ target: agents.name, set: { ...values, updatedAt: sql`now()` } })
        .returning({ id: agents.id })
      await setAgentTeams(tx, row!.id, [...new Set(a.teams)])
      await notifyChange(tx, 'agents')
      return { ok: true as const, name: a.name, change: old ? ('updated' as const) : ('created' as const) }
    }),
  )
}

export type AgentRemoved = { ok: true; name: string }

export async function removeAgent(store: Store, name: string, region: string): Promise<AgentRemoved | Refusal> {
  return refusable(() =>
    store.db.transaction(async (tx) => {
      const [gone] = await tx.delete(agents).where(eq(agents.name, name)).returning({ id: agents.id })
      if (!gone) throw new Refused([`no agent named "${name}"`])
      const errors = workflowErrors(await currentWorkflows(tx), await storedNames(tx), region)
      if (errors.length > 0) throw new Refused([`agent "${name}" is still used: ${errors.join('; ')}`])
      await notifyChange(tx, 'agents')
      return { ok: true as const, name }
    }),
  )
}

export type StatusSet = { ok: true; name: string; status: AgentStatus; previous: AgentStatus }

export async function setAgentStatus(store: Store, name: string, status: string): Promise<StatusSet | Refusal> {
  if (!(AGENT_STATUSES as readonly string[]).includes(status))
    return refusal(`agent status ${JSON.stringify(status.slice(0, 40))}: use ${AGENT_STATUSES.join(', ')}`)
  const next = status as AgentStatus
  return refusable(() =>
    store.db.transaction(async (tx) => {
      const [old] = await tx.select({ status: agents.status }).from(agents).where(eq(agents.name, name)).for('update')
      if (!old) throw new Refused([`no agent named "${name}"`])
      await tx
        .update(agents)
        // Made available on purpose: offer callers now, whatever rest a ring left, and count unanswered offers afresh.
        .set({
          status: next,
          noAnswers: 0,
          updatedAt: sql`now()`,
          ...(next === 'available' ? { restUntil: null, restReason: null, restCause: null } : {}),
        })
        .where(eq(agents.name, name))
      // Routers reload and sweep: an agent made available is offered to the head of the line.
      await notifyChange(tx, 'agents')
      return { ok: true as const, name, status: next, previous: old.status }
    }),
  )
}
