/**
 * Calls under way (`calls_in_progress`): each call is written when it starts and its row goes with the call's
 * record (records.ts), so a router that dies mid-call leaves a trace. Starts are written in batches (the calls
 * that start while one insert is under way go in the next, one round trip for all of them), and nothing waits
 * for them but the same call's record. Once a router has not beaten (`routers.seen_until`) for its lease, any
 * router closes its calls as `failed` with an inbox row (reason `router_lost`), so that somebody calls back.
 */
import { sql } from 'drizzle-orm'
import type { CallBegun, CallStep } from '../engine/world.js'
import { storable } from './records.js'
import { rows, type Db } from './db.js'

/** Starts per insert: enough for a burst of arrivals, small enough to keep one statement quick. */
const MAX_BATCH = 200

type Queued = { start: CallBegun; done(err?: unknown): void }

export class CallStarts {
  readonly #queued: Queued[] = []
  #sending = false

  constructor(
    private readonly db: Pick<Db, 'execute'>,
    private readonly router: string,
  ) {}

  /** Writes the start; resolves once written, rejects when the database refused or is away. */
  add(start: CallBegun): Promise<void> {
    return new Promise((resolve, reject) => {
      this.#queued.push({ start, done: (err) => (err === undefined ? resolve() : reject(err)) })
      if (!this.#sending) void this.#send()
    })
  }

  async #send(): Promise<void> {
    this.#sending = true
    while (this.#queued.length) {
      const batch = this.#queued.splice(0, MAX_BATCH)
      try {
        await insertStarts(
          this.db,
          this.router,
          batch.map((b) => b.start),
        )
        for (const b of batch) b.done()
      } catch (err) {
        for (const b of batch) b.done(err)
      }
    }
    this.#sending = false
  }
}

/**
 * The step each call under way is in, for the console's board (itself read every 500 ms): only the newest step of
 * each call is kept, and a router writes them all in one statement at most every `everyMs` (250), whatever the
 * number of calls — written at each step, the bench's standard flow paid 1.2 more round trips per call. A step is
 * only shown: one that fails is dropped.
 */
export class CallSteps {
  readonly #pending = new Map<string, CallStep>()
  #timer: NodeJS.Timeout | undefined
  #sending: Promise<void> | undefined
  #stopped = false

  constructor(
    private readonly db: Pick<Db, 'execute'>,
    private readonly onError: (err: unknown) => void,
    private readonly everyMs = 250,
  ) {}

  add(callId: string, step: CallStep): void {
    if (this.#stopped) return
    this.#pending.set(callId, step)
    if (!this.#sending) this.#schedule()
  }

  /** Drops what is pending and writes no more (the router is stopping: its calls' rows go with their records). */
  stop(): void {
    clearTimeout(this.#timer)
    this.#timer = undefined
    this.#pending.clear()
    this.#stopped = true
  }

  /** Writes what is pending now (tests). */
  async flush(): Promise<void> {
    clearTimeout(this.#timer)
    this.#timer = undefined
    await this.#sending
    if (this.#pending.size) await (this.#sending = this.#send())
  }

  async #send(): Promise<void> {
    const batch = [...this.#pending]
    this.#pending.clear()
    for (let i = 0; i < batch.length; i += MAX_BATCH) {
      try {
        await updateSteps(this.db, batch.slice(i, i + MAX_BATCH))
      } catch (err) {
        this.onError(err)
      }
    }
    this.#sending = undefined
    // Steps entered meanwhile wait for the next beat.
    if (this.#pending.size) this.#schedule()
  }

  #schedule(): void {
    if (this.#timer) return
    this.#timer = setTimeout(() => {
      this.#timer = undefined
      this.#sending = this.#send()
    }, this.everyMs)
    this.#timer.unref()
  }
}

/** One statement for the steps of many calls; a call whose row is gone (ended) is left alone. */
export async function updateSteps(db: Pick<Db, 'execute'>, steps: [string, CallStep][]): Promise<void> {
  const list = storable(
    steps.map(([id, s]) => ({ id, workflow: s.workflow, step: s.step, at: new Date(s.at).toISOString() })),
  )
  await db.execute(
    sql`update calls_in_progress p set step = x.step, step_workflow = x.workflow, step_at = x.at
        from jsonb_to_recordset(${JSON.stringify(list)}::jsonb) as x(id text, workflow text, step text, at timestamptz)
        where p.id = x.id`,
  )
}

/** One statement for them all; a call whose record is in already (a very short call) is not started again. */
export async function insertStarts(db: Pick<Db, 'execute'>, router: string, starts: CallBegun[]): Promise<void> {
  const list = storable(
    starts.map((s) => ({
      id: s.id,
      caller: s.caller,
      caller_name: s.callerName,
      dialed: s.dialed,
      workflow: s.workflow,
      workflow_version: s.version ?? null,
      started_at: new Date(s.startedAt).toISOString(),
    })),
  )
  await db.execute(
    sql`insert into calls_in_progress (id, router, caller, caller_name, dialed, workflow, workflow_version, started_at)
        select x.id, ${router}, x.caller, x.caller_name, x.dialed, x.workflow, x.workflow_version, x.started_at
        from jsonb_to_recordset(${JSON.stringify(list)}::jsonb) as x(id text, caller text, caller_name text,
          dialed text, workflow text, workflow_version int, started_at timestamptz)
        where not exists (select 1 from calls c where c.id = x.id)
        on conflict (id) do nothing`,
  )
}

export type LostCall = { id: string; router: string; caller: string; dialed: string; workflow: string }

/**
 * Closes the calls of routers that have not beaten for `graceSeconds`: each becomes a `failed` call, ended when
 * its router was last known alive, with an inbox row `router_lost`. Safe from several routers at once (each row
 * is taken by one delete). A record written later by that router replaces the closure (records.ts).
 */
export async function closeLostCalls(db: Pick<Db, 'execute'>, graceSeconds: number): Promise<LostCall[]> {
  return rows<LostCall>(
    db,
    sql`with lost as (
          delete from calls_in_progress p
          where not exists (select 1 from routers r
                            where r.id = p.router and r.seen_until > now() - make_interval(secs => ${graceSeconds}))
          returning p.*
        ),
        ended as (
          select l.*, least(now(), greatest(l.started_at, coalesce(r.seen_until, l.started_at))) as ended_at
          from lost l left join routers r on r.id = l.router
        ),
        c as (
          insert into calls (id, caller, caller_name, dialed, workflow, workflow_version, started_at, ended_at,
                             outcome, inbox_reason)
          select id, caller, caller_name, dialed, workflow, workflow_version, started_at, ended_at,
                 'failed', 'router_lost'
          from ended
          on conflict (id) do nothing
          returning id, caller, dialed, ended_at
        ),
        i as (
          insert into inbox (call_id, reason, caller, dialed, created_at)
          select id, 'router_lost', caller, dialed, ended_at from c
        )
        select l.id, l.router, l.caller, l.dialed, l.workflow from lost l join c on c.id = l.id`,
  )
}

export type CallUnderWay = {
  callId: string
  caller: string
  dialed: string
  workflow: string
  startedAt: string
  router: string
  /** False once its router stopped beating: the call is lost and will be closed as `failed`. */
  routerAlive: boolean
  /** The step it is in, of which workflow, and since when (null until the first step is written). */
  step: string | null
  stepWorkflow: string | null
  stepAt: string | null
}

/** How many calls are under way, and the `limit` that started first (the console's board). */
export async function listCallsUnderWay(
  db: Pick<Db, 'execute'>,
  limit: number,
): Promise<{ total: number; calls: CallUnderWay[] }> {
  const list = await rows<CallUnderWay & { total: number; startedAt: Date | string; stepAt: Date | string | null }>(
    db,
    sql`select count(*) over ()::int as total, p.id as "callId", p.caller, p.dialed, p.workflow,
          p.started_at as "startedAt", p.router, p.step, p.step_workflow as "stepWorkflow", p.step_at as "stepAt",
          exists (select 1 from routers r where r.id = p.router and r.seen_until > now()) as "routerAlive"
        from calls_in_progress p order by p.started_at, p.id limit ${limit}`,
  )
  return {
    total: list[0]?.total ?? 0,
    calls: list.map(({ total: _, startedAt, stepAt, ...c }) => ({
      ...c,
      startedAt: new Date(startedAt).toISOString(),
      stepAt: stepAt === null ? null : new Date(stepAt).toISOString(),
    })),
  }
}
