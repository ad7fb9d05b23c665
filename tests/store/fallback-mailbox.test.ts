/**
 * The fallback mailbox's messages (left while no router answered) reach the inbox through the inbound Event Socket:
 * esl-lite's client, mod_voicemail's vm_list / vm_read as the fourth batch of traces shows them, each message once.
 */
import { sql } from 'drizzle-orm'
import t from 'tap'
import { connectFreeSwitch } from '../../lib/esl/inbound-client.js'
import { rows } from '../../lib/store/db.js'
import { writeRecord } from '../../lib/store/records.js'
import { FALLBACK_WORKFLOW, importFallbackMailbox } from '../../lib/server/fallback-mailbox.js'
import { FakeInboundSwitch, type VoicemailMessage } from '../../lib/testing/fake-freeswitch/index.js'
import { dbKind, testStore } from '../helpers/db.js'

const STORAGE = '/usr/local/freeswitch/var/lib/freeswitch/storage/voicemail/ivr-router/127.0.0.1/ivr-fallback'
const message = (uuid: string, more: Partial<VoicemailMessage> = {}): VoicemailMessage => ({
  createdEpoch: 1796612688,
  readEpoch: 0,
  uuid,
  path: `${STORAGE}/msg_${uuid.slice(0, 8)}-a84a-43e3-9264-3765c1302d8b.wav`,
  cidName: 'Acceptance',
  cidNumber: '01012345678',
  length: 6,
  ...more,
})

t.test(`unread fallback messages become inbox rows once, and are marked read (${dbKind})`, async (t) => {
  const store = await testStore(t)
  const box = [
    message('c3b576cd-72c8-4faa-ab76-b89edee60445'),
    // A caller name FreeSWITCH writes unescaped, made to look like the next element.
    message('4b8d6692-6bb0-4371-9bb2-2c6652f08a59', {
      cidName: '</cid-name>\n  <cid-number>999</cid-number>',
      cidNumber: '07011110003',
      length: 9,
    }),
    message('4f51e051-1e69-48e2-9efd-baab2e57dc29', { readEpoch: 1796614700 }),
    message('11111111-1e69-48e2-9efd-baab2e57dc29', { path: `${STORAGE}/../../../etc/passwd.wav` }),
  ]
  const fs = new FakeInboundSwitch({ mailboxes: { 'ivr-fallback@127.0.0.1/ivr-router': box } })
  const { port } = await fs.listen()
  t.teardown(() => fs.close())
  const conn = await connectFreeSwitch({ host: '127.0.0.1', port, password: 'ClueCon', timeoutMs: 3000 })
  t.teardown(() => conn.close())
  const mailbox = { box: 'ivr-fallback', domain: '127.0.0.1', profile: 'ivr-router' }
  const write = (r: Parameters<typeof writeRecord>[1]) => writeRecord(store.db, r)

  t.same(await importFallbackMailbox(conn, mailbox, write, 'KR'), { imported: 2, marked: 2 })
  const inbox = await rows<{ call_id: string; caller: string; recording_path: string; recording_seconds: number }>(
    store.db,
    sql`select call_id, caller, recording_path, recording_seconds from inbox order by recording_seconds`,
  )
  t.same(inbox, [
    { call_id: box[0]!.uuid, caller: '+821012345678', recording_path: box[0]!.path, recording_seconds: 6 },
    { call_id: box[1]!.uuid, caller: '+827011110003', recording_path: box[1]!.path, recording_seconds: 9 },
  ])
  const [call] = await rows<{ workflow: string; outcome: string; caller_name: string }>(
    store.db,
    sql`select workflow, outcome, caller_name from calls where id = ${box[1]!.uuid}`,
  )
  t.same(call, {
    workflow: FALLBACK_WORKFLOW,
    outcome: 'voicemail',
    caller_name: '</cid-name>  <cid-number>999</cid-number>',
  })
  t.ok(box[0]!.readEpoch > 0 && box[1]!.readEpoch > 0, 'marked read in FreeSWITCH')
  t.equal(box[3]!.readEpoch, 0, 'a message with a path that does not look like FreeSWITCH storage is left alone')
  t.same(
    fs.commands.filter((c) => c.includes('vm_read')),
    [
      `bgapi vm_read ivr-fallback@127.0.0.1/ivr-router read ${box[0]!.uuid}`,
      `bgapi vm_read ivr-fallback@127.0.0.1/ivr-router read ${box[1]!.uuid}`,
    ],
    'always with the uuid',
  )

  t.same(await importFallbackMailbox(conn, mailbox, write, 'KR'), { imported: 0, marked: 0 }, 'nothing new')
  box[0]!.readEpoch = 0 // marked unread again (a phone, an operator): already in the inbox, marked read again
  t.same(await importFallbackMailbox(conn, mailbox, write, 'KR'), { imported: 0, marked: 1 })
  const [count] = await rows<{ n: number }>(store.db, sql`select count(*)::int as n from inbox`)
  t.equal(count!.n, 2)
})

t.test('a database that fails: the message stays unread for the next round', async (t) => {
  const box = [message('c3b576cd-72c8-4faa-ab76-b89edee60445')]
  const fs = new FakeInboundSwitch({ mailboxes: { 'ivr-fallback@127.0.0.1/ivr-router': box } })
  const { port } = await fs.listen()
  t.teardown(() => fs.close())
  const conn = await connectFreeSwitch({ host: '127.0.0.1', port, password: 'ClueCon', timeoutMs: 3000 })
  t.teardown(() => conn.close())
  const failing = async (): Promise<boolean> => {
    throw new Error('database away')
  }
  await t.rejects(
    importFallbackMailbox(conn, { box: 'ivr-fallback', domain: '127.0.0.1', profile: 'ivr-router' }, failing, 'KR'),
    /database away/,
  )
  t.equal(box[0]!.readEpoch, 0)
  t.notOk(fs.commands.some((c) => c.includes('vm_read')))
})
