/** --redact-numbers: no log line of a call holds a whole caller or dialled number; the record does. */
import t from 'tap'
import { Writable } from 'node:stream'
import { createLogger } from '../../lib/log.js'
import { maskNumber } from '../../lib/phone/mask.js'
import { serveWorld } from '../helpers/serve-world.js'

function capture(redactNumbers: boolean) {
  const lines: string[] = []
  const destination = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(...chunk.toString('utf8').split('\n').filter(Boolean))
      done()
    },
  })
  return { lines, log: createLogger({ redactNumbers, destination }) }
}

const yaml = `
name: line
steps:
  A:
    - hangup: {}
`
// Every form the numbers take: as FreeSWITCH sends them, in E.164, and without the trunk 0.
const whole = /01012345678|1012345678|07012345678|7012345678|0109998877|109998877/

t.test('masking keeps the country code and the last 4 digits', async (t) => {
  t.equal(maskNumber('+821012345678'), '+82******5678')
  t.equal(maskNumber('+12125551234'), '+1******1234')
  t.equal(maskNumber('+8221234567'), '+82****4567')
  t.equal(maskNumber('+4915112345678'), '+49*******5678')
  // A short number keeps at most half of its digits.
  t.equal(maskNumber('+2901234'), '+290**34')
  t.equal(maskNumber('01012345678'), '*******5678')
  t.equal(maskNumber('010-1234-5678'), '***-****-5678')
  t.equal(maskNumber('anonymous'), 'anonymous')
})

t.test('a call logged with numbers redacted', async (t) => {
  const { lines, log } = capture(true)
  const { s } = await serveWorld(yaml, { '+827012345678': 'line' }, { log })
  t.teardown(s.close)
  const { record } = await s.call({}, { callerNumber: '01012345678', destination: '07012345678' })
  t.match(record, { caller: '+821012345678', dialed: '+827012345678' }, 'the record keeps the whole numbers')
  const started = lines.map((l) => JSON.parse(l) as Record<string, unknown>).find((l) => l.msg === 'call started')
  t.match(started, { caller: '*******5678', dialed: '*******5678' }, 'as FreeSWITCH sent them, masked')
  for (const line of lines) t.notMatch(line, whole, `no whole number in: ${line}`)
})

t.test('a number with no workflow is logged redacted too', async (t) => {
  const { lines, log } = capture(true)
  const { s } = await serveWorld(yaml.replace('name: line', 'name: line\ntrigger: queued'), {}, { log })
  t.teardown(s.close)
  await s.call({}, { callerNumber: '0109998877', destination: '07012345678' })
  await s.server.whenIdle()
  const refused = lines.map((l) => JSON.parse(l) as Record<string, unknown>).find((l) => l.dialed !== undefined)
  t.match(refused, { dialed: '*******5678', msg: /no workflow/ })
  for (const line of lines) t.notMatch(line, whole, `no whole number in: ${line}`)
})

t.test('without the setting the numbers are logged whole', async (t) => {
  const { lines, log } = capture(false)
  const { s } = await serveWorld(yaml, {}, { log })
  t.teardown(s.close)
  await s.call({})
  t.match(lines.join('\n'), /"caller":"01012345678"/)
})
