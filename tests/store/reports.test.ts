/**
 * Every report's exact rows over the seed calls (tests/helpers/report-seed.ts), through the SQL
 * functions with filters and through the views, on the database the tests run on.
 */
import { sql } from 'drizzle-orm'
import t from 'tap'
import { rows } from '../../lib/store/db.js'
import { findReport, REPORTS, runReport, type ReportFilters, type ReportRow } from '../../lib/store/reports.js'
import { dbKind, testStore } from '../helpers/db.js'
import { seedReports } from '../helpers/report-seed.js'
import { callRecord } from '../helpers/store.js'
import { beginAttempt, countAttempt, endAttempt, requestCallback } from '../../lib/store/callbacks.js'
import { writeRecord } from '../../lib/store/records.js'

const SEOUL: ReportFilters = { timeZone: 'Asia/Seoul' }

t.test(`reports on ${dbKind}`, async (t) => {
  const store = await testStore(t)
  const run = (name: string, filters: Partial<ReportFilters> = {}): Promise<ReportRow[]> =>
    runReport(store.db, findReport(name)!, { ...SEOUL, ...filters })

  t.test('an empty database gives no rows', async (t) => {
    for (const report of REPORTS) t.same(await run(report.name), [], report.name)
  })

  t.test('seeded', async (t) => {
    await seedReports(store.db)

    t.test('each row has the columns the CLI prints, in order', async (t) => {
      // The seed calls took no callback: the callbacks report has its own test, last.
      for (const report of REPORTS.filter((r) => r.name !== 'callbacks')) {
        const result = await run(report.name)
        t.ok(result.length > 0, `${report.name} has rows`)
        for (const row of result) t.same(Object.keys(row), report.columns, report.name)
      }
    })

    t.test('calls-per-day: by the day the call started, across midnight included', async (t) => {
      const zero = { connected: 0, abandoned: 0, missed: 0, voicemail: 0, hangup: 0, failed: 0 }
      t.same(await run('calls-per-day'), [
        { ...zero, day: '2026-11-23', calls: 5, connected: 2, abandoned: 1, missed: 2 },
        { ...zero, day: '2026-11-24', calls: 5, connected: 2, missed: 1, voicemail: 1, hangup: 1 },
      ])
      t.same(
        await run('calls-per-day', { timeZone: 'UTC' }),
        [
          { ...zero, day: '2026-11-23', calls: 6, connected: 2, abandoned: 1, missed: 2, voicemail: 1 },
          { ...zero, day: '2026-11-24', calls: 4, connected: 2, missed: 1, hangup: 1 },
        ],
        'in UTC the 08:30 call of the 24th in Seoul is on the 23rd',
      )
      t.same(await run('calls-per-day', { from: '2026-11-24', to: '2026-11-24' }), [
        { ...zero, day: '2026-11-24', calls: 5, connected: 2, missed: 1, voicemail: 1, hangup: 1 },
      ])
      t.same(await run('calls-per-day', { to: '2026-11-23' }), [
        { ...zero, day: '2026-11-23', calls: 5, connected: 2, abandoned: 1, missed: 2 },
      ])
      t.same(await run('calls-per-day', { from: '2026-12-01', to: '2026-12-31' }), [], 'no calls in range')
      t.same(await run('calls-per-day', { workflow: 'other' }), [
        { ...zero, day: '2026-11-24', calls: 2, connected: 1, missed: 1 },
      ])
      t.same(await run('calls-per-day', { team: 'orders' }), [
        { ...zero, day: '2026-11-23', calls: 2, connected: 1, missed: 1 },
      ])
      t.same(await run('calls-per-day', { workflow: 'nope' }), [], 'unknown workflow: no rows')
      t.same(await run('calls-per-day', { workflow: "main' or '1'='1" }), [], 'a filter is a value, never SQL')
    })

    t.test('calls-per-hour', async (t) => {
      const zero = { connected: 0, abandoned: 0, missed: 0, voicemail: 0, hangup: 0, failed: 0 }
      t.same(await run('calls-per-hour'), [
        { ...zero, day: '2026-11-23', hour: 10, calls: 3, connected: 2, abandoned: 1 },
        { ...zero, day: '2026-11-23', hour: 11, calls: 1, missed: 1 },
        { ...zero, day: '2026-11-23', hour: 23, calls: 1, missed: 1 },
        { ...zero, day: '2026-11-24', hour: 8, calls: 1, voicemail: 1 },
        { ...zero, day: '2026-11-24', hour: 9, calls: 2, connected: 2 },
        { ...zero, day: '2026-11-24', hour: 10, calls: 2, missed: 1, hangup: 1 },
      ])
      t.same(
        (await run('calls-per-hour', { timeZone: 'UTC', to: '2026-11-23' })).map((r) => [r.day, r.hour, r.calls]),
        [
          ['2026-11-23', 1, 3],
          ['2026-11-23', 2, 1],
          ['2026-11-23', 14, 1],
          ['2026-11-23', 23, 1],
        ],
      )
    })

    t.test('menu-choices: keys, no-input, repeat and invalid, a queued workflow under its own name', async (t) => {
      t.same(await run('menu-choices'), [
        { workflow: 'busy', step: 'offer', choice: '1', result: 'ok', presses: 1, calls: 1 },
        { workflow: 'main', step: 'menu', choice: 'no-input', result: 'no-input', presses: 4, calls: 2 },
        { workflow: 'main', step: 'menu', choice: '1', result: 'ok', presses: 2, calls: 2 },
        { workflow: 'main', step: 'menu', choice: '2', result: 'ok', presses: 2, calls: 2 },
        { workflow: 'main', step: 'menu', choice: '*', result: 'repeat', presses: 1, calls: 1 },
        { workflow: 'main', step: 'menu', choice: '0', result: 'ok', presses: 1, calls: 1 },
        { workflow: 'main', step: 'menu', choice: '9', result: 'invalid', presses: 1, calls: 1 },
      ])
      t.same(await run('menu-choices', { workflow: 'other' }), [], 'a workflow with no menu')
    })

    t.test('step-funnel: reached, and where calls ended by outcome', async (t) => {
      const zero = { ended_here: 0, connected: 0, abandoned: 0, missed: 0, voicemail: 0, hangup: 0 }
      t.same(await run('step-funnel'), [
        { ...zero, workflow: 'busy', step: 'offer', reached: 1 },
        { ...zero, workflow: 'busy', step: 'leave-message', reached: 1, ended_here: 1, voicemail: 1 },
        { ...zero, workflow: 'main', step: 'hours', reached: 8 },
        { ...zero, workflow: 'main', step: 'closed', reached: 1, ended_here: 1, missed: 1 },
        { ...zero, workflow: 'main', step: 'menu', reached: 7, ended_here: 2, abandoned: 1, hangup: 1 },
        { ...zero, workflow: 'main', step: 'general', reached: 1, ended_here: 1, connected: 1 },
        { ...zero, workflow: 'main', step: 'orders', reached: 2, ended_here: 2, connected: 1, missed: 1 },
        { ...zero, workflow: 'main', step: 'shipping', reached: 2, ended_here: 1, connected: 1 },
        { ...zero, workflow: 'other', step: 'A', reached: 2, ended_here: 2, connected: 1, missed: 1 },
      ])
    })

    t.test('abandonment: in the IVR vs while ringing or queued', async (t) => {
      t.same(await run('abandonment'), [
        {
          day: '2026-11-23',
          workflow: 'main',
          calls: 5,
          ivr_abandoned: 1,
          ivr_abandoned_pct: 20,
          queue_abandoned: 1,
          queue_abandoned_pct: 20,
          avg_ivr_seconds: 12,
          avg_queue_seconds: 40,
        },
        {
          day: '2026-11-24',
          workflow: 'main',
          calls: 3,
          ivr_abandoned: 0,
          ivr_abandoned_pct: 0,
          queue_abandoned: 0,
          queue_abandoned_pct: 0,
          avg_ivr_seconds: null,
          avg_queue_seconds: null,
        },
        {
          day: '2026-11-24',
          workflow: 'other',
          calls: 2,
          ivr_abandoned: 0,
          ivr_abandoned_pct: 0,
          queue_abandoned: 1,
          queue_abandoned_pct: 50,
          avg_ivr_seconds: null,
          avg_queue_seconds: 5,
        },
      ])
    })

    t.test('missed-by-team: inbox rows by reason, open ones, no team last', async (t) => {
      const zero = { queue_abandoned: 0, workflow_hangup: 0, voicemail: 0, router_lost: 0 }
      t.same(await run('missed-by-team'), [
        { ...zero, team: 'billing', missed: 1, queue_abandoned: 1, open: 1, avg_wait_seconds: 5 },
        { ...zero, team: 'orders', missed: 1, queue_abandoned: 1, open: 0, avg_wait_seconds: 40 },
        { ...zero, team: 'shipping', missed: 1, voicemail: 1, open: 1, avg_wait_seconds: 75 },
        { ...zero, team: null, missed: 1, workflow_hangup: 1, open: 1, avg_wait_seconds: 0 },
      ])
      t.same(await run('missed-by-team', { team: 'support' }), [], 'a team with no missed calls')
    })

    t.test('queue-wait: percentiles over the calls that entered the queue', async (t) => {
      const one = (team: string, s: number, answered: number) => ({
        team,
        queued: 1,
        answered,
        abandoned: 1 - answered,
        p50_seconds: s,
        p90_seconds: s,
        p99_seconds: s,
        avg_seconds: s,
        max_seconds: s,
      })
      t.same(await run('queue-wait'), [
        one('billing', 5, 0),
        one('orders', 40, 0),
        {
          team: 'shipping',
          queued: 2,
          answered: 1,
          abandoned: 0,
          p50_seconds: 45,
          p90_seconds: 69,
          p99_seconds: 74.4,
          avg_seconds: 45,
          max_seconds: 75,
        },
        one('support', 25, 1),
      ])
    })

    t.test('service-level: answer rate and answered within the threshold', async (t) => {
      const row = (team: string, answered: number, within: number, threshold = 20) => ({
        team,
        offered: 2,
        answered,
        answer_rate_pct: answered * 50,
        answered_within: within,
        service_level_pct: within * 50,
        threshold_seconds: threshold,
      })
      const billing = {
        team: 'billing',
        offered: 1,
        answered: 0,
        answer_rate_pct: 0,
        answered_within: 0,
        service_level_pct: 0,
      }
      t.same(await run('service-level'), [
        { ...billing, threshold_seconds: 20 },
        row('orders', 1, 1),
        row('shipping', 1, 1),
        row('support', 2, 1),
      ])
      t.same(await run('service-level', { threshold: 30 }), [
        { ...billing, threshold_seconds: 30 },
        row('orders', 1, 1, 30),
        row('shipping', 1, 1, 30),
        row('support', 2, 2, 30),
      ])
      t.same(await run('service-level', { threshold: 10 }), [
        { ...billing, threshold_seconds: 10 },
        row('orders', 1, 1, 10),
        row('shipping', 1, 0, 10),
        row('support', 2, 1, 10),
      ])
    })

    t.test('the views are the functions over all calls in the session time zone', async (t) => {
      // A transaction of its own, so the time zone set for it reaches no other test.
      await store.db.transaction(async (tx) => {
        await tx.execute(sql`select set_config('TimeZone', 'Asia/Seoul', true)`)
        for (const report of REPORTS) {
          const view = await rows<{ row: string }>(
            tx,
            sql`select row_to_json(v)::text as row from ${sql.identifier(report.fn)} v`,
          )
          t.same(
            view.map((v) => JSON.parse(v.row) as ReportRow),
            await runReport(tx, report, SEOUL),
            report.fn,
          )
        }
      })
    })

    t.test('callbacks: a call that took a callback, served at its first attempt', async (t) => {
      await writeRecord(store.db, callRecord('cb-asker', { outcome: 'callback', team: 'sales', agent: null }))
      await requestCallback(store.db, {
        id: 'cb-r1',
        callId: 'cb-asker',
        router: 'r1',
        forWhom: { team: 'sales' },
        priority: 0,
        number: '+821012345678',
        caller: '+821012345678',
        dialed: '+8215880000',
        fields: {},
        maxAttempts: 3,
        retrySeconds: 60,
      })
      t.equal(await beginAttempt(store.db, 'cb-r1', 'r1'), true)
      t.equal(await countAttempt(store.db, 'cb-r1', 'r1'), true)
      await endAttempt(store.db, 'cb-r1', 'r1', { outcome: 'served', agent: 'kim', talkSeconds: 30 })
      const [row] = await runReport(store.db, findReport('callbacks')!, { timeZone: 'UTC' })
      t.same(Object.keys(row!), findReport('callbacks')!.columns, 'the columns the CLI prints, in order')
      t.match(row, { team: 'sales', requested: 1, served: 1, failed: 0, open: 0, served_pct: 100, avg_attempts: 1 })
    })
  })
})
