/**
 * The reports: each is a SQL function in sql/reports/ (with a view of the same name over all calls),
 * run here with the filters as bind parameters. Rows come back as JSON built by the database
 * (`row_to_json`), so dates, numbers and nulls read the same from PostgreSQL and PGlite.
 */
import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { sql } from 'drizzle-orm'
import { packageRoot } from '../paths.js'
import { rows, type Db } from './db.js'

export type ReportDefinition = {
  /** The name `ivr-router report NAME` takes. */
  name: string
  /** The SQL function (and view) in sql/reports/. */
  fn: string
  description: string
  columns: string[]
  /** Takes `threshold` (seconds). */
  threshold?: boolean
}

/** The outcomes a workflow can come to (the step funnel's); calls per day and hour add `failed`. */
export const OUTCOMES = ['connected', 'abandoned', 'missed', 'voicemail', 'hangup'] as const

export const REPORTS: readonly ReportDefinition[] = [
  {
    name: 'calls-per-day',
    fn: 'report_calls_per_day',
    description: 'calls each day, by outcome',
    columns: ['day', 'calls', ...OUTCOMES, 'failed'],
  },
  {
    name: 'calls-per-hour',
    fn: 'report_calls_per_hour',
    description: 'calls in each hour of each day, by outcome',
    columns: ['day', 'hour', 'calls', ...OUTCOMES, 'failed'],
  },
  {
    name: 'menu-choices',
    fn: 'report_menu_choices',
    description: 'keys pressed at each menu (no-input and invalid included), per workflow and step',
    columns: ['workflow', 'step', 'choice', 'result', 'presses', 'calls'],
  },
  {
    name: 'step-funnel',
    fn: 'report_step_funnel',
    description: 'calls that reached each step, and that ended there by outcome',
    columns: ['workflow', 'step', 'reached', 'ended_here', ...OUTCOMES],
  },
  {
    name: 'abandonment',
    fn: 'report_abandonment',
    description: 'callers who hung up in the IVR vs while ringing or queued, per day and workflow',
    columns: [
      'day',
      'workflow',
      'calls',
      'ivr_abandoned',
      'ivr_abandoned_pct',
      'queue_abandoned',
      'queue_abandoned_pct',
      'avg_ivr_seconds',
      'avg_queue_seconds',
    ],
  },
  {
    name: 'missed-by-team',
    fn: 'report_missed_by_team',
    description: 'missed calls (inbox rows) per team, by reason, and how many are open',
    columns: [
      'team',
      'missed',
      'queue_abandoned',
      'workflow_hangup',
      'voicemail',
      'router_lost',
      'open',
      'avg_wait_seconds',
    ],
  },
  {
    name: 'queue-wait',
    fn: 'report_queue_wait',
    description: 'queue wait per team: p50/p90/p99, average and longest',
    columns: [
      'team',
      'queued',
      'answered',
      'abandoned',
      'p50_seconds',
      'p90_seconds',
      'p99_seconds',
      'avg_seconds',
      'max_seconds',
    ],
  },
  {
    name: 'service-level',
    fn: 'report_service_level',
    description: 'answer rate and service level (answered within --threshold s, default 20) per team',
    columns: [
      'team',
      'offered',
      'answered',
      'answer_rate_pct',
      'answered_within',
      'service_level_pct',
      'threshold_seconds',
    ],
    threshold: true,
  },
  {
    name: 'callbacks',
    fn: 'report_callbacks',
    description: 'callbacks asked for per team: served, failed, cancelled, open, time to serve p50/p90',
    columns: [
      'team',
      'requested',
      'served',
      'failed',
      'cancelled',
      'open',
      'served_pct',
      'p50_serve_seconds',
      'p90_serve_seconds',
      'avg_attempts',
    ],
  },
]

export function findReport(name: string): ReportDefinition | undefined {
  return REPORTS.find((r) => r.name === name)
}

export type ReportFilters = {
  /** YYYY-MM-DD in `timeZone`, included. */
  from?: string
  /** YYYY-MM-DD in `timeZone`, included. */
  to?: string
  workflow?: string
  team?: string
  /** IANA name: day and hour boundaries, and what `from`/`to` mean. */
  timeZone: string
  /** Seconds, for reports that take it. */
  threshold?: number
}

export type ReportValue = string | number | boolean | null
export type ReportRow = Record<string, ReportValue>

/** Runs one report; the rows in the report's order, each with its columns in order. */
export async function runReport(
  db: Pick<Db, 'execute'>,
  report: ReportDefinition,
  filters: ReportFilters,
): Promise<ReportRow[]> {
  const args = sql`${filters.from ?? null}::date, ${filters.to ?? null}::date, ${filters.workflow ?? null}::text,
    ${filters.team ?? null}::text, ${filters.timeZone}::text`
  const call = report.threshold
    ? sql`${sql.identifier(report.fn)}(${args}, ${filters.threshold ?? 20}::float8)`
    : sql`${sql.identifier(report.fn)}(${args})`
  const result = await rows<{ row: string }>(db, sql`select row_to_json(r)::text as row from ${call} r`)
  return result.map((r) => JSON.parse(r.row) as ReportRow)
}

/** A string as a SQL literal (for the statement shown to operators, never executed from this text). */
function literal(value: string | number | null | undefined): string {
  if (value === null || value === undefined) return 'null'
  if (typeof value === 'number') return String(value)
  return `'${value.replaceAll("'", "''")}'`
}

/** The statement `runReport` runs, with the filters written in: what an analyst pastes into psql. */
export function reportStatement(report: ReportDefinition, filters: ReportFilters): string {
  const args = [
    `${literal(filters.from)}::date`,
    `${literal(filters.to)}::date`,
    `${literal(filters.workflow)}::text`,
    `${literal(filters.team)}::text`,
    `${literal(filters.timeZone)}::text`,
    ...(report.threshold ? [`${filters.threshold ?? 20}::float8`] : []),
  ]
  return `select * from ${report.fn}(${args.join(', ')});`
}

const REPORTS_DIR = join(packageRoot, 'sql', 'reports')
/** The files of sql/reports/, read once: they ship with the package and do not change while it runs. */
let reportFiles: string[] | undefined

/** The report's SQL function as written in sql/reports/ (shipped with the package). */
export function reportSource(report: ReportDefinition): string | undefined {
  reportFiles ??= readdirSync(REPORTS_DIR)
    .filter((f) => f.endsWith('.sql'))
    .sort()
    .map((f) => readFileSync(join(REPORTS_DIR, f), 'utf8'))
  return reportFiles.find((text) => text.includes(`create or replace function ${report.fn}(`))
}
