/**
 * `ivr-router report list` and `ivr-router report NAME [--from DATE] [--to DATE] [--workflow W] [--team T]
 * [--tz ZONE] [--threshold N] [--format table|csv|json]`: the reporting views of sql/reports/, with the
 * filters passed to their SQL functions as bind parameters.
 */
import type { Command } from 'commander'
import { DateTime, IANAZone } from 'luxon'
import { findReport, REPORTS, runReport, type ReportDefinition, type ReportFilters } from '../store/reports.js'
import { UsageError } from './errors.js'
import { FORMATS, formatReport, type Format } from './report-output.js'
import { printTable, storeCommand, wholeNumber, withStore, type StoreOptions } from './store-commands.js'

export type ReportOptions = StoreOptions & {
  from?: string
  to?: string
  workflow?: string
  team?: string
  tz: string
  threshold?: string
  format: string
}

/** The CLI's time zone for days and hours: the product's home (the default region is KR too). */
const DEFAULT_TIME_ZONE = 'Asia/Seoul'

/** A calendar day as YYYY-MM-DD that exists (not 2026-02-30). */
function date(flag: string, value: string): string {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(value) || !DateTime.fromISO(value).isValid)
    throw new UsageError(`${flag} "${value.slice(0, 40)}": a date such as 2026-11-23 (YYYY-MM-DD)`)
  return value
}

function filters(name: string, opts: ReportOptions): ReportFilters {
  if (!IANAZone.isValidZone(opts.tz))
    throw new UsageError(`--tz "${opts.tz.slice(0, 40)}": a time zone name such as Asia/Seoul or UTC`)
  const from = opts.from === undefined ? undefined : date('--from', opts.from)
  const to = opts.to === undefined ? undefined : date('--to', opts.to)
  if (from !== undefined && to !== undefined && from > to) throw new UsageError(`--from ${from} is after --to ${to}`)
  if (opts.threshold !== undefined && name !== 'service-level')
    throw new UsageError('--threshold applies to the service-level report only')
  return {
    ...(from === undefined ? {} : { from }),
    ...(to === undefined ? {} : { to }),
    ...(opts.workflow === undefined ? {} : { workflow: opts.workflow }),
    ...(opts.team === undefined ? {} : { team: opts.team }),
    timeZone: opts.tz,
    ...(opts.threshold === undefined ? {} : { threshold: wholeNumber('--threshold', opts.threshold, 0, 86_400) }),
  }
}

/** What to run and how to print it, from the command line; a UsageError names the first bad value. */
export function reportRequest(
  name: string,
  opts: ReportOptions,
): { report: ReportDefinition; format: Format; filters: ReportFilters } {
  const report = findReport(name)
  if (!report) throw new UsageError(`unknown report "${name.slice(0, 40)}": "ivr-router report list" names them`)
  if (!(FORMATS as readonly string[]).includes(opts.format))
    throw new UsageError(`--format "${opts.format.slice(0, 20)}": one of ${FORMATS.join(', ')}`)
  return { report, format: opts.format as Format, filters: filters(name, opts) }
}

export function registerReportCommands(program: Command): void {
  storeCommand(program, 'report', 'run a report on the calls ("ivr-router report list" names them)')
    .argument('<name>', 'a report, or "list"')
    .option('--from <date>', 'first day, YYYY-MM-DD in --tz (default: the first call)')
    .option('--to <date>', 'last day, YYYY-MM-DD in --tz, included (default: the last call)')
    .option('--workflow <name>', 'only calls that started in this workflow')
    .option('--team <name>', 'only calls assigned to this team when they ended')
    .option('--tz <zone>', 'time zone of days, hours, --from and --to', DEFAULT_TIME_ZONE)
    .option('--threshold <seconds>', 'service-level: answered within this many seconds in the queue (default 20)')
    .option('--format <format>', 'table | csv | json', 'table')
    .action(async (name: string, opts: ReportOptions) => {
      if (name === 'list') {
        printTable(
          ['NAME', 'WHAT IT ANSWERS'],
          REPORTS.map((r) => [r.name, r.description]),
        )
        return
      }
      const { report, format, filters } = reportRequest(name, opts)
      const rows = await withStore(opts, (store) => runReport(store.db, report, filters))
      process.stdout.write(formatReport(format, report.columns, rows))
    })
}
