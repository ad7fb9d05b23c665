/** The worker's small parts: the rate limit's syntax, the backoff, the signature, the byte count of a text. */
import t from 'tap'
import { retryDelayMs } from '../../lib/sms/backoff.js'
import { parseRateLimit } from '../../lib/sms/rate-limit.js'
import { signBody, verifySignature } from '../../lib/sms/signature.js'
import { longestSmsBytes, smsBytes } from '../../lib/workflow/sms-length.js'

t.test('rate limits', async (t) => {
  t.same(parseRateLimit('3/h'), { count: 3, windowSeconds: 3600 })
  t.same(parseRateLimit('10/d'), { count: 10, windowSeconds: 86400 })
  t.same(parseRateLimit('1/30m'), { count: 1, windowSeconds: 1800 })
  t.same(parseRateLimit(' 5/90s '), { count: 5, windowSeconds: 90 })
  for (const bad of ['', '3', '3/', '0/h', '3/0h', '3/w', 'x/h', '-1/h', '3/h/d'])
    t.equal(parseRateLimit(bad), undefined, JSON.stringify(bad))
})

t.test('backoff doubles up to the cap; Retry-After wins when longer', async (t) => {
  const b = { baseMs: 1000, maxMs: 10_000, maxAttempts: 6 }
  t.same(
    [1, 2, 3, 4, 5, 6].map((a) => retryDelayMs(b, a)),
    [1000, 2000, 4000, 8000, 10_000, 10_000],
  )
  t.equal(retryDelayMs(b, 1, 7000), 7000)
  t.equal(retryDelayMs(b, 3, 1000), 4000)
  t.equal(retryDelayMs(b, 1, 3_600_000), 10_000, 'capped too')
})

t.test('signature: HMAC-SHA256 of the body, hex', async (t) => {
  // echo -n '{"a":1}' | openssl dgst -sha256 -hmac secret
  t.equal(signBody('secret', '{"a":1}'), 'sha256=aa9e2e3575f5d7098b6caccd790888c36d5fdb63342a73bada2d6a51747a8494')
  t.ok(verifySignature('secret', '{"a":1}', signBody('secret', '{"a":1}')))
  t.notOk(verifySignature('secret', '{"a":1}', undefined))
  t.notOk(verifySignature('secret', '{"a":1}', 'sha256=00'))
})

t.test('SMS bytes as Korean carriers count them', async (t) => {
  t.equal(smsBytes('hello'), 5)
  t.equal(smsBytes('안녕하세요'), 10)
  t.equal(smsBytes('예약 123'), 8)
  t.equal(
    longestSmsBytes('{{caller}} {{team}} {{fields.code}}', () => 6),
    16 + 1 + 64 + 1 + 6,
  )
})
