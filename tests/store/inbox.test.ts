/** The inbox in the store: list filters, the contact's name by E.164, resolve and reopen, the NOTIFY per new row. */
import t from 'tap'
import { sql } from 'drizzle-orm'
import { dbKind, testStore } from '../helpers/db.js'
import { callRecord } from '../helpers/store.js'
import { writeRecord } from '../../lib/store/records.js'
import {
  getInbox,
  listInbox,
  listenForInbox,
  reopenInbox,
  resolveInbox,
  type InboxNotice,
} from '../../lib/store/inbox.js'

const base = Date.parse('2026-11-23T10:00:00+09:00')

t.test(`list, show, resolve, reopen; one NOTIFY per new row (${dbKind})`, async (t) => {
  const store = await testStore(t)
  const notices: InboxNotice[] = []
  let arrived: () => void = () => {}
  const unlisten = await listenForInbox(store, (n) => {
    notices.push(n)
    if (notices.length === 3) arrived()
  })
  t.teardown(unlisten)
  const three = new Promise<void>((resolve) => (arrived = resolve))
  await store.db.execute(sql`insert into contacts (number, name) values ('+821011112222', '박서준')`)
  // Someone else's payload on the channel is ignored.
  await store.db.execute(sql`select pg_notify('ivr_router_inbox', 'not json')`)

  await writeRecord(
    store.db,
    callRecord('c-missed', {
      caller: '+821011112222',
      outcome: 'missed',
      inbox: { reason: 'queue_abandoned' },
      team: 'support',
      fields: { reservationNo: '123456' },
      queueSeconds: 42.5,
      endedAt: base + 60_000,
    }),
  )
  await writeRecord(
    store.db,
    callRecord('c-hangup', { outcome: 'missed', inbox: { reason: 'workflow_hangup' }, endedAt: base + 86_400_000 }),
  )
  await writeRecord(
    store.db,
    callRecord('c-vm', {
      outcome: 'voicemail',
      inbox: { reason: 'voicemail', recording: { path: '/srv/rec/c-vm.wav', seconds: 12.3 } },
      team: 'sales',
      endedAt: base + 2 * 86_400_000,
    }),
  )
  await writeRecord(store.db, callRecord('c-none', { outcome: 'abandoned' }))
  await three
  t.same(
    notices.map((n) => [n.callId, n.reason]),
    [
      ['c-missed', 'queue_abandoned'],
      ['c-hangup', 'workflow_hangup'],
      ['c-vm', 'voicemail'],
    ],
  )

  const all = await listInbox(store.db)
  t.same(
    all.map((i) => i.callId),
    ['c-vm', 'c-hangup', 'c-missed'],
    'newest first',
  )
  const missed = all[2]!
  t.match(missed, {
    id: notices[0]!.id,
    reason: 'queue_abandoned',
    caller: '+821011112222',
    callerName: 'Kim',
    contact: '박서준',
    team: 'support',
    fields: { reservationNo: '123456' },
    waitSeconds: 42.5,
    recording: null,
    resolvedAt: null,
    createdAt: new Date(base + 60_000).toISOString(),
  })
  t.equal(all[0]!.contact, null, 'no contact for the number')
  t.same(all[0]!.recording, { path: '/srv/rec/c-vm.wav', seconds: 12.3 })

  t.same(
    (await listInbox(store.db, { team: 'sales' })).map((i) => i.callId),
    ['c-vm'],
  )
  t.same(
    (await listInbox(store.db, { since: new Date(base + 86_400_000) })).map((i) => i.callId),
    ['c-vm', 'c-hangup'],
  )

  const resolved = await resolveInbox(store.db, missed.id, 'called back, booked for Friday')
  t.match(resolved, { note: 'called back, booked for Friday' })
  t.ok(resolved?.resolvedAt)
  const again = await resolveInbox(store.db, missed.id)
  t.equal(again?.resolvedAt, resolved?.resolvedAt, 'resolving twice keeps the first time')
  t.equal(again?.note, 'called back, booked for Friday', 'and the note when none is given')
  t.same(
    (await listInbox(store.db, { open: true })).map((i) => i.callId),
    ['c-vm', 'c-hangup'],
  )
  const reopened = await reopenInbox(store.db, missed.id)
  t.match(reopened, { resolvedAt: null, note: 'called back, booked for Friday' })
  t.equal((await listInbox(store.db, { open: true })).length, 3)

  t.equal(await getInbox(store.db, 999_999), undefined)
  t.equal(await resolveInbox(store.db, 999_999), undefined)
  t.equal(await reopenInbox(store.db, 999_999), undefined)

  // Writing the same call again (spool replay) adds no row and no notice.
  t.equal(await writeRecord(store.db, callRecord('c-vm', { inbox: { reason: 'voicemail' } })), false)
  t.equal((await listInbox(store.db)).length, 3)
})
