/** `ivr-router inbox …` as a user runs it: a database with rows, the commands as subprocesses, their output. */
import t from 'tap'
import { cli } from '../helpers/cli.js'
import { dbKind, testDatabase } from '../helpers/db.js'
import { callRecord } from '../helpers/store.js'
import { migrateStore, openStore } from '../../lib/store/db.js'
import { writeRecord } from '../../lib/store/records.js'
import { sql } from 'drizzle-orm'

const base = Date.parse('2026-11-23T10:00:00+09:00')

t.test(`inbox list, show, resolve, reopen (${dbKind})`, async (t) => {
  const db = await testDatabase(t)
  const store = await openStore(db.config)
  await migrateStore(store)
  await store.db.execute(sql`insert into contacts (number, name) values ('+821012345678', 'Kim Minji')`)
  await writeRecord(
    store.db,
    callRecord('call-1', {
      outcome: 'missed',
      inbox: { reason: 'queue_abandoned' },
      team: 'support',
      fields: { reservationNo: '123456' },
      queueSeconds: 31,
      endedAt: base,
    }),
  )
  await writeRecord(
    store.db,
    callRecord('call-2', {
      caller: '+821099998888',
      callerName: '',
      outcome: 'voicemail',
      inbox: { reason: 'voicemail', recording: { path: '/srv/rec/call-2.wav', seconds: 9 } },
      team: 'sales',
      endedAt: base + 3_600_000,
    }),
  )
  await store.close()
  const run = (...args: string[]) => cli(['inbox', ...args], db.env)
  // Bad arguments are refused before the database is opened: these run beside the rest.
  const badArgs = Promise.all([run('resolve', 'abc'), run('list', '--since', 'yesterday')])

  const list = await run('list')
  t.equal(list.code, 0, list.stderr)
  t.equal(
    list.stdout,
    [
      'ID  CREATED              REASON           CALLER         NAME       TEAM     WAIT   FIELDS                RECORDING                   STATUS',
      '2   2026-11-23 02:00:00  voicemail        +821099998888  -          sales    0.0s   -                     /srv/rec/call-2.wav (9.0s)  open',
      '1   2026-11-23 01:00:00  queue_abandoned  +821012345678  Kim Minji  support  31.0s  reservationNo=123456  -                           open',
      '',
    ].join('\n'),
  )

  const resolved = await run('resolve', '1', '--note', 'called back')
  t.equal(resolved.code, 0, resolved.stderr)
  t.match(resolved.stdout, /^inbox 1 resolved at 2\d{3}-\d\d-\d\dT/)

  const show = await run('show', '1', '--json')
  t.equal(show.code, 0, show.stderr)
  t.match(JSON.parse(show.stdout), {
    id: 1,
    reason: 'queue_abandoned',
    caller: '+821012345678',
    contact: 'Kim Minji',
    team: 'support',
    fields: { reservationNo: '123456' },
    waitSeconds: 31,
    recording: null,
    resolvedAt: /^2\d{3}-/,
    note: 'called back',
  })

  const missing = await run('reopen', '77')
  t.equal(missing.code, 1)
  t.equal(missing.stderr, 'ivr-router: no inbox row 77\n')

  const [badId, badSince] = await badArgs
  t.equal(badId.code, 1)
  t.equal(badId.stderr, 'ivr-router: ID "abc": a whole number from 1 to 2147483647\n')
  t.equal(badSince.code, 1)
  t.equal(badSince.stderr, 'ivr-router: --since "yesterday": use a date such as 2026-11-23\n')
})
