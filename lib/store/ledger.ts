/**
 * The distributor's ledger on the database, shared by every router: each operation is one round trip, a call
 * of the SQL functions of migration 0008 (ivr_route, ivr_sweep) that run under one advisory lock, so offers are
 * decided one at a time across routers. Offers to callers on other routers go out on `ivr_router_offer`
 * (OFFER_CHANNEL); every router's sweep also returns what is reserved for its callers, in case a notice was lost.
 */
import { sql, type SQL } from 'drizzle-orm'
import PQueue from 'p-queue'
import type { QueuePosition } from '../engine/world.js'
import type {
  AgentNotice,
  Assignment,
  Ledger,
  Reserved,
  RestSettings,
  RouteOp,
  RouteResult,
} from '../routing/ledger.js'
import { estimatedWaitSeconds, TEAM_HALF_LIFE_SECONDS } from '../routing/recent.js'
import { ROUTING_POOL_SIZE, rows, type Db } from './db.js'

export const OFFER_CHANNEL = 'ivr_router_offer'

export type StoreLedgerOptions = RestSettings & {
  /** This router, as its callers' places name it (`queue list`). */
  routerId: string
  /** How long a reservation lasts unless renewed (the router renews its own). */
  leaseSeconds: number
  /** How long this router counts as alive after a sweep (callers of routers that stopped are offered nobody). */
  aliveSeconds: number
}

type Row = {
  kind: 'rest' | 'away' | 'unreachable' | 'offer' | 'mine' | 'held' | 'watermark'
  call: string | null
  agent: string | null
  dial: string | null
  reservation: number | string | null
  at: Date | string | null
  detail: string | null
}

const COLUMNS = sql`o_kind as kind, o_call as call, o_agent as agent, o_dial as dial, o_reservation as reservation,
  o_at as at, o_detail as detail`

const reserved = (r: Row): Reserved => ({ name: r.agent!, dial: r.dial!, reservation: Number(r.reservation) })

/** A `text[]` parameter, null when empty. */
function textArray(values: readonly string[]): SQL | null {
  return values.length
    ? sql`array[${sql.join(
        values.map((v) => sql`${v}`),
        sql`, `,
      )}]::text[]`
    : null
}

/** Rows grouped per call, in order. */
function assignments(list: readonly Row[]): Assignment[] {
  const byCall = new Map<string, Reserved[]>()
  for (const r of list) {
    const agents = byCall.get(r.call!) ?? []
    agents.push(reserved(r))
    byCall.set(r.call!, agents)
  }
  return [...byCall].map(([callId, agents]) => ({ callId, agents }))
}

function notice(r: Row): AgentNotice | undefined {
  if (r.kind === 'away') return { kind: 'away', agent: r.agent!, noAnswers: Number(r.detail) }
  if (r.kind === 'unreachable')
    return { kind: 'unreachable', agent: r.agent!, cause: r.detail ?? 'UNKNOWN', untilMs: new Date(r.at!).getTime() }
  return undefined
}

const watermarkOf = (list: readonly Row[]) => Number(list.find((r) => r.kind === 'watermark')?.reservation ?? 0)

/** A NOTICE payload of OFFER_CHANNEL, checked (a malformed one is dropped). */
export function parseOffer(payload: string): Assignment | undefined {
  try {
    const parsed = JSON.parse(payload) as { call?: unknown; agents?: unknown }
    if (typeof parsed.call !== 'string' || !Array.isArray(parsed.agents)) return undefined
    const agents: Reserved[] = []
    for (const a of parsed.agents) {
      if (!Array.isArray(a) || typeof a[0] !== 'string' || typeof a[1] !== 'string') return undefined
      const reservation = Number(a[2])
      if (!Number.isSafeInteger(reservation)) return undefined
      agents.push({ name: a[0], dial: a[1], reservation })
    }
    return { callId: parsed.call, agents }
  } catch {
    return undefined
  }
}

/** Operations that give agents back go first: they let a waiting caller reach an agent now. */
const RELEASE_FIRST = 1

export class StoreLedger implements Ledger {
  /**
   * The operations waiting for a connection of the distributor's own pool. In a surge of new callers (500 at
   * once: each ask takes its turn under the distributor's lock) an agent's release, queued behind every ask,
   * waited 100–260 ms before it could hand the agent on; a new caller finds every agent busy anyway, so asks wait.
   */
  readonly #queue = new PQueue({ concurrency: ROUTING_POOL_SIZE })

  constructor(
    private readonly db: Db,
    private readonly options: StoreLedgerOptions,
  ) {}

  #rows<T>(query: SQL, releases = false): Promise<T[]> {
    return this.#queue.add(() => rows<T>(this.db, query), { priority: releases ? RELEASE_FIRST : 0 })
  }

  async route(op: RouteOp): Promise<RouteResult> {
    const { routerId, leaseSeconds, retryDelaySeconds, unreachableSeconds } = this.options
    const end = op.release?.end
    const place = op.place
    const ask = typeof place === 'object' ? place : undefined
    const target = ask ? ('team' in ask.forWhom ? [ask.forWhom.team, null] : [null, ask.forWhom.agent]) : [null, null]
    const exclude = ask?.exclude?.length ? ask.exclude : null
    const legs = end && 'unreachable' in end ? (end.unreachable ?? []) : []
    const list = await this.#rows<Row>(
      sql`select ${COLUMNS} from ivr_route(
        ${op.callId}, ${op.caller}, ${routerId},
        ${end?.outcome ?? null}, ${end?.outcome === 'answered' ? end.agent : null},
        ${end && 'cause' in end ? (end.cause ?? null) : null},
        ${end?.outcome === 'answered' ? end.talkSeconds : null}::float8, ${op.release?.keep ?? null},
        ${ask ? ask.ask : place}, ${target[0]}, ${target[1]}, ${ask?.priority ?? 0}::int,
        ${textArray(exclude ?? [])},
        ${leaseSeconds}::int, ${retryDelaySeconds}::int, ${unreachableSeconds}::int,
        ${textArray(legs.map((l) => l.agent))}, ${textArray(legs.map((l) => l.cause))})`,
      op.release !== undefined,
    )
    const rests = list.filter((r) => r.kind === 'rest').map((r) => new Date(r.at!).getTime())
    return {
      mine: list.filter((r) => r.kind === 'mine').map(reserved),
      others: assignments(list.filter((r) => r.kind === 'offer' && r.call !== op.callId)),
      notices: list.flatMap((r) => notice(r) ?? []),
      ...(rests.length ? { restEndsAt: Math.min(...rests) } : {}),
      watermark: watermarkOf(list),
    }
  }

  /** This router's beat and a dispatch; what is reserved for its callers in line (offers made now or before). */
  async sweep(): Promise<Assignment[]> {
    const { routerId, aliveSeconds, leaseSeconds } = this.options
    const list = await this.#rows<Row>(
      sql`select ${COLUMNS} from ivr_sweep(${routerId}, ${aliveSeconds}::int, ${leaseSeconds}::int)`,
    )
    return assignments(list.filter((r) => r.kind === 'held'))
  }

  async position(callId: string): Promise<QueuePosition | undefined> {
    const [row] = await this.#rows<{ position: number; handoffs: number }>(
      sql`select
          (select count(*)::int from queue_entries q
           where q.team is not distinct from me.team and q.agent is not distinct from me.agent
             and (q.call_id = me.call_id
                  or (exists (select 1 from routers r where r.id = q.router and r.seen_until > now())
                      and not q.held))
             and (q.priority > me.priority
                  or (q.priority = me.priority and (q.enqueued_at, q.call_id) <= (me.enqueued_at, me.call_id))))
            as position,
          coalesce((select ivr_faded(t.handoffs, t.handoffs_at, ${TEAM_HALF_LIFE_SECONDS}) from teams t
                    where t.name = me.team), 0)::float8 as handoffs
        from queue_entries me where me.call_id = ${callId}`,
    )
    if (!row) return undefined
    const waitSeconds = estimatedWaitSeconds(row.position, Number(row.handoffs))
    return waitSeconds === undefined ? { position: row.position } : { position: row.position, waitSeconds }
  }
}
