/** `ivr-router report` arguments: what each becomes, and the message that names a bad one. */
import t from 'tap'
import { UsageError } from '../../lib/cli/errors.js'
import { reportRequest, type ReportOptions } from '../../lib/cli/report-commands.js'

const base: ReportOptions = { region: 'KR', tz: 'Asia/Seoul', format: 'table' }

t.test('filters become parameters as given', async (t) => {
  const r = reportRequest('service-level', {
    ...base,
    from: '2026-11-01',
    to: '2026-11-30',
    workflow: 'main',
    team: 'support',
    threshold: '30',
    format: 'csv',
  })
  t.equal(r.report.fn, 'report_service_level')
  t.equal(r.format, 'csv')
  t.same(r.filters, {
    from: '2026-11-01',
    to: '2026-11-30',
    workflow: 'main',
    team: 'support',
    timeZone: 'Asia/Seoul',
    threshold: 30,
  })
  t.same(reportRequest('calls-per-day', base).filters, { timeZone: 'Asia/Seoul' }, 'no filter: all calls')
  t.equal(reportRequest('calls-per-day', { ...base, from: '2026-11-23', to: '2026-11-23' }).filters.to, '2026-11-23')
})

t.test('a bad argument is a UsageError naming it', async (t) => {
  const cases: [string, Partial<ReportOptions>, RegExp][] = [
    ['nope', {}, /^unknown report "nope": "ivr-router report list" names them$/],
    ['calls-per-day', { from: '2026-02-30' }, /^--from "2026-02-30": a date such as 2026-11-23 \(YYYY-MM-DD\)$/],
    ['calls-per-day', { to: '24/11/2026' }, /^--to "24\/11\/2026": a date/],
    ['calls-per-day', { from: '2026-11-24T00:00' }, /^--from "2026-11-24T00:00": a date/],
    ['calls-per-day', { from: '2026-11-24', to: '2026-11-23' }, /^--from 2026-11-24 is after --to 2026-11-23$/],
    ['calls-per-day', { format: 'xml' }, /^--format "xml": one of table, csv, json$/],
    ['calls-per-day', { tz: 'Mars/Olympus' }, /^--tz "Mars\/Olympus": a time zone name such as Asia\/Seoul or UTC$/],
    ['calls-per-day', { threshold: '30' }, /^--threshold applies to the service-level report only$/],
    ['service-level', { threshold: '-5' }, /^--threshold "-5": a whole number from 0 to 86400$/],
    ['service-level', { threshold: '1.5' }, /^--threshold "1.5": a whole number/],
  ]
  for (const [name, opts, message] of cases)
    t.throws(
      () => reportRequest(name, { ...base, ...opts }),
      { constructor: UsageError, message },
      `${name} ${JSON.stringify(opts)}`,
    )
})
