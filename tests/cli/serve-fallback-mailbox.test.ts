/**
 * `serve --fallback-mailbox`: messages callers left in the dialplan's fallback box while no router answered are in
 * the inbox within a round, and the log says how many.
 */
import t from 'tap'
import { sql } from 'drizzle-orm'
import { cli } from '../helpers/cli.js'
import { serveProcess } from '../helpers/serve-process.js'
import { testDatabase } from '../helpers/db.js'
import { openStore, rows } from '../../lib/store/db.js'
import { FakeInboundSwitch, type VoicemailMessage } from '../../lib/testing/fake-freeswitch/index.js'

t.test('serve imports the fallback mailbox into the inbox and marks the messages read', async (t) => {
  const db = await testDatabase(t)
  t.equal((await cli(['db', 'migrate'], db.env)).code, 0)
  const message: VoicemailMessage = {
    createdEpoch: 1796612688,
    readEpoch: 0,
    uuid: 'c3b576cd-72c8-4faa-ab76-b89edee60445',
    path: '/usr/local/freeswitch/var/lib/freeswitch/storage/voicemail/ivr-router/127.0.0.1/ivr-fallback/msg_2a62238e-a84a-43e3-9264-3765c1302d8b.wav',
    cidName: 'Acceptance',
    cidNumber: '01012345678',
    length: 6,
  }
  const fs = new FakeInboundSwitch({ mailboxes: { 'ivr-fallback@127.0.0.1/ivr-router': [message] } })
  const { port } = await fs.listen()
  t.teardown(() => fs.close())
  const args = [
    '--no-demo',
    '--fallback-mailbox',
    'ivr-fallback@127.0.0.1/ivr-router',
    '--mailbox-esl',
    `127.0.0.1:${port}`,
  ]
  const serve = await serveProcess(t, db.env, args)
  while (!serve.stderr().includes('fallback mailbox: 1 message(s)'))
    await new Promise<void>((resolve) => serve.child.stderr!.once('data', () => resolve()))
  t.ok(message.readEpoch > 0, 'marked read in FreeSWITCH')
  t.equal(await serve.stop(), 0)
  const store = await openStore(db.config)
  t.teardown(() => store.close())
  const inbox = await rows<{ call_id: string; reason: string; recording_path: string }>(
    store.db,
    sql`select call_id, reason, recording_path from inbox`,
  )
  t.same(inbox, [{ call_id: message.uuid, reason: 'voicemail', recording_path: message.path }])
})
