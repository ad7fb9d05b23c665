/** `ivr-router report` as a user runs it: list, formats, filters and bad arguments, on a seeded database. */
import t from 'tap'
import { migrateStore, openStore } from '../../lib/store/db.js'
import { REPORTS } from '../../lib/store/reports.js'
import { cli } from '../helpers/cli.js'
import { dbKind, testDatabase } from '../helpers/db.js'
import { seedReports } from '../helpers/report-seed.js'

t.test(`report command on ${dbKind}`, async (t) => {
  const db = await testDatabase(t)
  const report = (...args: string[]) => cli(['report', ...args], db.env)
  // These open no database, so they run while it is seeded (other bad arguments: tests/cli/report-arguments.test.ts).
  const early = Promise.all([report('list'), report('nope'), report('calls-per-day', '--from', '2026-02-30')])
  const store = await openStore(db.config)
  try {
    await migrateStore(store)
    await seedReports(store.db)
  } finally {
    await store.close()
  }
  const [list, unknown, badDate] = await early

  t.test('list names every report with what it answers', async (t) => {
    const r = list
    t.equal(r.code, 0, r.stderr)
    const lines = r.stdout.trimEnd().split('\n')
    t.equal(lines[0], 'NAME            WHAT IT ANSWERS')
    t.same(
      lines.slice(1).map((l) => l.split(/\s{2,}/)[0]),
      REPORTS.map((x) => x.name),
    )
    t.match(r.stdout, /service-level\s+answer rate and service level/)
  })

  // The embedded database admits one process at a time: the runs on it go one after another.
  t.test('table: aligned, numbers to the right', async (t) => {
    const r = await report('calls-per-day')
    t.equal(r.code, 0, r.stderr)
    t.equal(
      r.stdout,
      [
        'day         calls  connected  abandoned  missed  voicemail  hangup  failed',
        '2026-11-23      5          2          1       2          0       0       0',
        '2026-11-24      5          2          0       1          1       1       0',
        '',
      ].join('\n'),
    )
  })

  t.test('csv, with a time zone and a date range', async (t) => {
    const r = await report(
      'calls-per-day',
      '--format',
      'csv',
      '--tz',
      'UTC',
      '--from',
      '2026-11-23',
      '--to',
      '2026-11-23',
    )
    t.equal(r.code, 0, r.stderr)
    t.equal(
      r.stdout,
      'day,calls,connected,abandoned,missed,voicemail,hangup,failed\r\n2026-11-23,6,2,1,2,1,0,0\r\n',
      'in UTC the 23rd holds the 08:30 call of the 24th in Seoul',
    )
  })

  t.test('json, with a team and a threshold', async (t) => {
    const r = await report('service-level', '--format', 'json', '--team', 'support', '--threshold', '30')
    t.equal(r.code, 0, r.stderr)
    t.same(JSON.parse(r.stdout), [
      {
        team: 'support',
        offered: 2,
        answered: 2,
        answer_rate_pct: 100,
        answered_within: 2,
        service_level_pct: 100,
        threshold_seconds: 30,
      },
    ])
  })

  t.test('an unknown report or a bad date: exit 1, the bad value named, nothing on stdout', async (t) => {
    t.equal(unknown.code, 1)
    t.equal(unknown.stderr, 'ivr-router: unknown report "nope": "ivr-router report list" names them\n')
    t.equal(unknown.stdout, '')
    t.equal(badDate.code, 1)
    t.equal(badDate.stderr, 'ivr-router: --from "2026-02-30": a date such as 2026-11-23 (YYYY-MM-DD)\n')
    t.equal(badDate.stdout, '')
  })
})
