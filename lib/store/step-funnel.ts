/**
 * The step funnel of one workflow for the console: the `step-funnel` report (sql/reports/04_step_funnel.sql: the
 * calls that reached each step, and that ended there by outcome — the same figures `ivr-router report step-funnel`
 * and the SQL view give), plus what the report does not say: how often calls went from each step to each other one,
 * and how many visits a step had. The calls are the report's (`report_calls`: started on the days `from`–`to` in
 * `timeZone`); a step belongs to the workflow its `step` event names, so a team's queued workflow has its own
 * funnel though its calls started in an incoming one.
 */
import { sql } from 'drizzle-orm'
import { rows, type Db } from './db.js'
import { findReport, OUTCOMES, runReport } from './reports.js'

export type StepFunnel = {
  /** Calls of the period that ran at least one step of the workflow. */
  calls: number
  /** Per step reached, in the order calls first reach them: the calls that reached it (once each), the visits. */
  steps: { step: string; calls: number; visits: number }[]
  /** A step left for another: how many times, most first. */
  moves: { from: string; to: string; times: number }[]
  /** Calls whose last step this was, by outcome (most first). */
  ends: { step: string; outcome: string; calls: number }[]
}

export type FunnelPeriod = { from: string; to: string; timeZone: string }

export async function stepFunnel(db: Pick<Db, 'execute'>, workflow: string, period: FunnelPeriod): Promise<StepFunnel> {
  // Every workflow's rows of the period (a queued workflow's calls started in another), this one's kept.
  const report = (await runReport(db, findReport('step-funnel')!, period)).filter((r) => r['workflow'] === workflow)
  type Row = { kind: 'move' | 'visits' | 'calls'; step: string | null; next: string | null; n: number }
  const list = await rows<Row>(
    db,
    sql`with s as (
          select e.call_id, e.data->>'step' as step,
                 lead(e.data->>'step') over (partition by e.call_id order by e.seq) as next
          from report_calls(${period.from}::date, ${period.to}::date, null, null, ${period.timeZone}::text) c
          join call_events e on e.call_id = c.id and e.type = 'step' and e.data->>'workflow' = ${workflow}
        )
        select 'move' as kind, step, next, count(*)::int as n from s where next is not null group by step, next
        union all
        select 'visits', step, null, count(*)::int from s group by step
        union all
        select 'calls', null, null, count(distinct call_id)::int from s`,
  )
  const visits = new Map(list.filter((r) => r.kind === 'visits').map((r) => [r.step!, r.n]))
  const n = (v: unknown) => Number(v ?? 0)
  return {
    calls: list.find((r) => r.kind === 'calls')?.n ?? 0,
    steps: report.map((r) => ({
      step: String(r['step']),
      calls: n(r['reached']),
      visits: visits.get(String(r['step'])) ?? 0,
    })),
    moves: list
      .filter((r) => r.kind === 'move')
      .map((r) => ({ from: r.step!, to: r.next!, times: r.n }))
      .sort((a, b) => b.times - a.times || `${a.from}\u0000${a.to}`.localeCompare(`${b.from}\u0000${b.to}`)),
    ends: report
      .flatMap((r) => OUTCOMES.map((outcome) => ({ step: String(r['step']), outcome, calls: n(r[outcome]) })))
      .filter((e) => e.calls > 0)
      .sort((a, b) => b.calls - a.calls || `${a.step}\u0000${a.outcome}`.localeCompare(`${b.step}\u0000${b.outcome}`)),
  }
}
