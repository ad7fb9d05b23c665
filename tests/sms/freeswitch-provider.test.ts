/**
 * The `freeswitch` provider through a fake Event Socket sender: the `chat` command it sends (outside text cleaned of
 * what FreeSWITCH would read as syntax), and how FreeSWITCH's replies become sent / failed / retry; then the worker
 * delivering from the store through it.
 */
import t from 'tap'
import { sql } from 'drizzle-orm'
import { dbKind, testStore } from '../helpers/db.js'
import { rows } from '../../lib/store/db.js'
import { writeSms } from '../../lib/store/records.js'
import { FreeswitchChatProvider, chatText, type ApiSender } from '../../lib/sms/freeswitch-provider.js'
import { SmsWorker } from '../../lib/sms/worker.js'

/** Answers each command with the next reply (a string, or an Error to reject with); records the commands. */
function sender(replies: (string | Error)[]): ApiSender & { commands: string[] } {
  const commands: string[] = []
  return {
    commands,
    async api(command) {
      commands.push(command)
      const reply = replies[Math.min(commands.length - 1, replies.length - 1)]!
      if (reply instanceof Error) throw reply
      return reply
    },
  }
}

const sms = (text: string, to = '+821012345678') => ({
  id: '00000000-0000-4000-8000-000000000001',
  callId: 'call-1',
  to,
  text,
  createdAt: '2026-11-23T01:00:00.000Z',
})

t.test('the chat command and the replies', async (t) => {
  const s = sender(['Sent', 'Error! Message Not Sent', new Error('connect ECONNREFUSED 127.0.0.1:8021')])
  const p = new FreeswitchChatProvider(s, { proto: 'sip', from: '+827012345678', to: '%s@carrier.example.com' })
  t.same(await p.send(sms('예약 번호: 123456')), { ok: true })
  t.equal(s.commands[0], 'chat sip|+827012345678|+821012345678@carrier.example.com|예약 번호: 123456')
  t.same(await p.send(sms('x')), { ok: false, retry: false, reason: 'chat: Error! Message Not Sent' })
  t.same(await p.send(sms('x')), {
    ok: false,
    retry: true,
    reason: 'FreeSWITCH unreachable: connect ECONNREFUSED 127.0.0.1:8021',
  })
  t.match(await p.send(sms('x', '+8210 1234')), { ok: false, retry: false, reason: /^destination not usable/ })
  t.equal(s.commands.length, 3, 'a bad destination sends nothing')
})

t.test('outside text cannot become FreeSWITCH syntax', async (t) => {
  const s = sender(['Sent'])
  const p = new FreeswitchChatProvider(s, { proto: 'sip', from: 'ivr', to: '%s' })
  await p.send(sms('hi|text/html\n\napi system rm -rf /\r\n${system(id)}$${{x}}\u0000end'))
  const [command] = s.commands
  t.equal(command, 'chat sip|ivr|+821012345678|hi¦text/htmlapi system rm -rf /system(id)}{x}}end')
  t.equal(command!.split('|').length, 4, 'exactly the four chat arguments')
  t.notMatch(command!, /[\r\n\0]|\$\{/)
  t.equal(chatText('a${b${c}}d'), 'abc}}d', 'nested expansions are all removed')
})

t.test(`the worker delivers through FreeSWITCH (${dbKind})`, async (t) => {
  const store = await testStore(t)
  const id = '00000000-0000-4000-8000-000000000002'
  await writeSms(store.db, { id, callId: 'call-2', to: '+821012345678', text: '안녕하세요', createdAt: Date.now() })
  const s = sender(['+OK Sent'])
  const w = new SmsWorker(store, {
    provider: new FreeswitchChatProvider(s, { proto: 'sip', from: 'ivr', to: '%s' }),
    rateLimit: { count: 3, windowSeconds: 3600 },
    backoff: { baseMs: 0, maxMs: 0, maxAttempts: 1 },
    maxBytes: 2000,
    pollMs: 60_000,
  })
  t.same(await w.runOnce(), { sent: 1, failed: 0, retried: 0 })
  t.same(s.commands, ['chat sip|ivr|+821012345678|안녕하세요'])
  const [row] = await rows<{ status: string }>(store.db, sql`select status from sms_outbox where id = ${id}`)
  t.equal(row?.status, 'sent')
})
