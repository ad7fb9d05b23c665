/**
 * The step funnel of a workflow over a period, from the calls' records: how many calls reached each step, and how
 * they left it — to which step, or how the call ended when it was the last step of that workflow the call ran (the
 * queued workflow's steps and the main workflow's are told apart by the `workflow` of each `step` event). Calls
 * count by when they started. One query, grouped in the database.
 */
import { sql } from 'drizzle-orm'
import { rows, type Db } from './db.js'

export type StepFunnel = {
  /** Calls in the period that ran at least one step of the workflow. */
  calls: number
  /** Per step reached: the calls that reached it (a call looping through it counts once) and the visits. */
  steps: { step: string; calls: number; visits: number }[]
  /** A step left for another: how many times. */
  moves: { from: string; to: string; times: number }[]
  /** The call ended after this step (the last of the workflow it ran): its outcome, how many calls. */
  ends: { step: string; outcome: string; calls: number }[]
}

export async function stepFunnel(
  db: Pick<Db, 'execute'>,
  workflow: string,
  period: { since: Date; until: Date },
): Promise<StepFunnel> {
  type Row = { kind: 'step' | 'move' | 'end' | 'calls'; step: string | null; next: string | null; n: number; m: number }
  const list = await rows<Row>(
    db,
    sql`with visits as (
          select e.call_id, c.outcome, e.data->>'step' as step,
                 lead(e.data->>'step') over (partition by e.call_id order by e.seq) as next
          from call_events e join calls c on c.id = e.call_id
          where e.type = 'step' and e.data->>'workflow' = ${workflow}
            and c.started_at >= ${period.since.toISOString()}::timestamptz
            and c.started_at < ${period.until.toISOString()}::timestamptz
        )
        select 'step' as kind, step, null as next, count(distinct call_id)::int as n, count(*)::int as m
          from visits group by step
        union all
        select 'move', step, next, count(*)::int, 0 from visits where next is not null group by step, next
        union all
        select 'end', step, outcome, count(*)::int, 0 from visits where next is null group by step, outcome
        union all
        select 'calls', null, null, count(distinct call_id)::int, 0 from visits`,
  )
  // Most first; ties by name, so the same data always reads the same.
  const by = (a: Row, b: Row) => b.n - a.n || `${a.step}\u0000${a.next}`.localeCompare(`${b.step}\u0000${b.next}`)
  const of = (kind: Row['kind']) => list.filter((r) => r.kind === kind).sort(by)
  return {
    calls: list.find((r) => r.kind === 'calls')?.n ?? 0,
    steps: of('step').map((r) => ({ step: r.step!, calls: r.n, visits: r.m })),
    moves: of('move').map((r) => ({ from: r.step!, to: r.next!, times: r.n })),
    ends: of('end').map((r) => ({ step: r.step!, outcome: r.next!, calls: r.n })),
  }
}
