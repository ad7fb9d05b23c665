/**
 * The SMS worker on the store against a webhook receiver on loopback: the signed JSON it receives, a retry after a
 * 500, a 4xx that fails, a timeout, the rate limit per number, a text too long, and two workers sharing the outbox.
 */
import t, { type Test } from 'tap'
import { once } from 'node:events'
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { sql } from 'drizzle-orm'
import { dbKind, testStore } from '../helpers/db.js'
import { freePort } from '../helpers/net.js'
import { rows, type Store } from '../../lib/store/db.js'
import { writeSms } from '../../lib/store/records.js'
import { SIGNATURE_HEADER, TIMESTAMP_HEADER, verifySignature } from '../../lib/sms/signature.js'
import { WebhookProvider } from '../../lib/sms/webhook-provider.js'
import { SmsWorker, type SmsWorkerOptions } from '../../lib/sms/worker.js'

const SECRET = 'test-secret-상담'

type Received = { headers: IncomingMessage['headers']; body: string }
type Reply = (req: Received, res: ServerResponse) => void

/** A receiver on an ephemeral loopback port; `replies` answer the requests in turn (the last one repeats). */
async function receiver(t: Test, replies: Reply[]) {
  const received: Received[] = []
  const server = createServer((req, res) => {
    let body = ''
    req.setEncoding('utf8').on('data', (d: string) => (body += d))
    req.on('end', () => {
      const r = { headers: req.headers, body }
      received.push(r)
      replies[Math.min(received.length - 1, replies.length - 1)]!(r, res)
    })
  })
  server.listen(0, '127.0.0.1')
  await once(server, 'listening')
  t.teardown(() => {
    server.closeAllConnections()
    server.close()
  })
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/sms`, received }
}

const status =
  (code: number, text = ''): Reply =>
  (_, res) =>
    res.writeHead(code).end(text)

let n = 0
async function queue(store: Store, to: string, text = '예약 변경은 https://example.com/r/123456 에서 가능합니다.') {
  const id = `00000000-0000-4000-8000-${String(++n).padStart(12, '0')}`
  await writeSms(store.db, { id, callId: `call-${n}`, to, text, createdAt: Date.parse('2026-11-23T01:00:00Z') + n })
  return id
}

async function row(store: Store, id: string) {
  const [r] = await rows<{ status: string; attempts: number; error: string | null; sent_at: Date | null }>(
    store.db,
    sql`select status, attempts, error, sent_at from sms_outbox where id = ${id}`,
  )
  return r!
}

function worker(store: Store, url: string, extra: Partial<SmsWorkerOptions> = {}): SmsWorker {
  return new SmsWorker(store, {
    provider: new WebhookProvider({ url, secret: SECRET, timeoutMs: 2000, now: () => 1_795_579_791_000 }),
    rateLimit: { count: 3, windowSeconds: 3600 },
    // No wait between tries: a retry is due at once, so one run shows it.
    backoff: { baseMs: 0, maxMs: 0, maxAttempts: 3 },
    maxBytes: 2000,
    pollMs: 60_000,
    ...extra,
  })
}

t.test(`signed delivery, retry after 500, 4xx fails, timeout (${dbKind})`, async (t) => {
  const store = await testStore(t)

  const ok = await receiver(t, [status(500, 'busy'), status(200)])
  const id = await queue(store, '+821012345678')
  const sent: string[] = []
  const retried: string[] = []
  const counts = await worker(store, ok.url, {
    onSent: (m) => sent.push(m.id),
    onRetry: (reason) => retried.push(reason),
  }).runOnce()
  t.same(counts, { sent: 1, failed: 0, retried: 1 })
  t.same(retried, ['HTTP 500: busy'])
  t.same(sent, [id])
  const delivered = await row(store, id)
  t.match(delivered, { status: 'sent', attempts: 2, error: null })
  t.ok(delivered.sent_at, 'sent_at set')
  t.equal(ok.received.length, 2)
  const first = ok.received[0]!
  t.ok(verifySignature(SECRET, first.body, first.headers[SIGNATURE_HEADER.toLowerCase()] as string), 'signature')
  t.notOk(verifySignature('other', first.body, first.headers[SIGNATURE_HEADER.toLowerCase()] as string))
  t.notOk(verifySignature(SECRET, `${first.body} `, first.headers[SIGNATURE_HEADER.toLowerCase()] as string))
  t.equal(first.headers[TIMESTAMP_HEADER.toLowerCase()], '1795579791')
  t.equal(first.headers['content-type'], 'application/json; charset=utf-8')
  t.same(JSON.parse(first.body), {
    id,
    to: '+821012345678',
    text: '예약 변경은 https://example.com/r/123456 에서 가능합니다.',
    callId: `call-${n}`,
    createdAt: new Date(Date.parse('2026-11-23T01:00:00Z') + n).toISOString(),
  })
  t.equal(first.body, ok.received[1]!.body, 'the retry sends the same body (the receiver dedupes by id)')

  const refused = await receiver(t, [status(422, 'invalid number')])
  const bad = await queue(store, '+821099990000')
  const failures: string[] = []
  await worker(store, refused.url, { onFailed: (reason) => failures.push(reason) }).runOnce()
  t.match(await row(store, bad), { status: 'failed', attempts: 1, error: 'HTTP 422: invalid number' })
  t.same(failures, ['HTTP 422: invalid number'])
  t.equal(refused.received.length, 1, '4xx is not retried')

  const moved = await receiver(t, [(_, res) => res.writeHead(302, { location: 'http://127.0.0.1:9/elsewhere' }).end()])
  const redirected = await queue(store, '+821088887777')
  await worker(store, moved.url).runOnce()
  t.match(await row(store, redirected), { status: 'failed', attempts: 1, error: 'HTTP 302' }, 'redirects not followed')

  // The receiver never answers: each try times out; after maxAttempts the message fails with the last reason.
  const silent = await receiver(t, [() => {}])
  const slow = await queue(store, '+821077776666')
  const w = new SmsWorker(store, {
    provider: new WebhookProvider({ url: silent.url, secret: SECRET, timeoutMs: 150 }),
    rateLimit: { count: 3, windowSeconds: 3600 },
    backoff: { baseMs: 0, maxMs: 0, maxAttempts: 2 },
    maxBytes: 2000,
    pollMs: 60_000,
  })
  t.same(await w.runOnce(), { sent: 0, failed: 1, retried: 1 })
  t.match(await row(store, slow), { status: 'failed', attempts: 2, error: 'timeout after 150 ms' })

  // Nobody listening at all: a network error, retried later (the backoff puts it off).
  const gone = await queue(store, '+821055554444')
  const later = worker(store, `http://127.0.0.1:${await freePort()}/sms`, {
    backoff: { baseMs: 60_000, maxMs: 60_000, maxAttempts: 3 },
  })
  t.same(await later.runOnce(), { sent: 0, failed: 0, retried: 1 })
  t.match(await row(store, gone), { status: 'pending', attempts: 1, error: /^network error: .*ECONNREFUSED/ })
  t.same(await later.runOnce(), { sent: 0, failed: 0, retried: 0 }, 'not due before its next attempt time')
})

t.test(`rate limit per number, too long, two workers share the outbox (${dbKind})`, async (t) => {
  const store = await testStore(t)
  const r = await receiver(t, [status(204)])
  const ids = [] as string[]
  for (let i = 0; i < 5; i++) ids.push(await queue(store, '+821011110000'))
  const other = await queue(store, '+821022220000')
  const long = await queue(store, '+821033330000', '가'.repeat(46))
  const failed: [string, string][] = []
  const counts = await worker(store, r.url, {
    maxBytes: 90,
    onFailed: (reason, m) => failed.push([m.id, reason]),
  }).runOnce()
  t.same(counts, { sent: 4, failed: 3, retried: 0 })
  t.same(
    await Promise.all(ids.map(async (id) => (await row(store, id)).status)),
    ['sent', 'sent', 'sent', 'failed', 'failed'],
    'three an hour to one number',
  )
  t.equal((await row(store, ids[3]!)).error, 'rate_limited')
  t.equal((await row(store, other)).status, 'sent', 'another number is not limited')
  t.match(await row(store, long), { status: 'failed', error: 'too_long: 92 bytes, the provider takes 90' })
  t.same(failed.map(([, reason]) => reason).sort(), [
    'rate_limited',
    'rate_limited',
    'too_long: 92 bytes, the provider takes 90',
  ])
  t.equal(r.received.length, 4)

  // Two routers' workers at once: every message delivered exactly once.
  const fresh = await Promise.all(Array.from({ length: 8 }, (_, i) => queue(store, `+8210444400${10 + i}`)))
  const a = worker(store, r.url)
  const b = worker(store, r.url)
  const [ca, cb] = await Promise.all([a.runOnce(), b.runOnce()])
  t.equal(ca.sent + cb.sent, 8)
  const bodies = r.received.slice(4).map((x) => (JSON.parse(x.body) as { id: string }).id)
  t.same([...bodies].sort(), [...fresh].sort(), 'each once')
})

t.test(`start and stop: a queued message goes out by itself (${dbKind})`, async (t) => {
  const store = await testStore(t)
  let delivered: () => void = () => {}
  const done = new Promise<void>((resolve) => (delivered = resolve))
  const r = await receiver(t, [status(200)])
  const w = worker(store, r.url, { onSent: () => delivered() })
  const id = await queue(store, '+821012345678')
  w.start()
  await done
  await w.stop()
  t.equal((await row(store, id)).status, 'sent')
})
