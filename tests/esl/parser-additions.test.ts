/**
 * What patches/esl-lite+3.2.0.patch adds to esl-lite for a server: `Headers.entries()` and optional limits on
 * FreeSwitchParser (a header block or a Content-Length past them throws FreeSwitchParserLimitError).
 */
import t from 'tap'
import { FreeSwitchParser, FreeSwitchParserLimitError, type FreeSwitchParserLimits } from 'esl-lite'
import { pino } from 'pino'
import { asStream, received, referenceFrames } from './traces.js'

const logger = pino({ level: 'silent' })

async function count(chunks: Buffer[], limits?: FreeSwitchParserLimits): Promise<number> {
  let frames = 0
  for await (const _ of FreeSwitchParser(asStream(chunks), logger, limits)) frames++
  return frames
}

t.test('entries() lists every header in the order received', async (t) => {
  const trace = received('basic-plain')
  for await (const frame of FreeSwitchParser(asStream([trace]), logger)) {
    if (frame instanceof Error) throw frame
    const entries = [...frame.headers.entries()]
    t.same(entries, [...referenceFrames(trace)[0]!.headers])
    t.equal(entries.length, 112)
    t.same(entries.at(-1), ['Control', 'full'])
    break
  }
})

t.test('limits', async (t) => {
  const limits = { maxHeaderLength: 100, maxContentLength: 10 }
  const long = Buffer.from(`X-Long: ${'a'.repeat(100)}`)
  await t.rejects(count([long], limits), new FreeSwitchParserLimitError('header', 108), 'no blank line yet')
  await t.rejects(
    count([long.subarray(0, 60), long.subarray(60)], limits),
    new FreeSwitchParserLimitError('header', 108),
  )
  await t.rejects(
    count([Buffer.concat([long, Buffer.from('\n\n')])], limits),
    new FreeSwitchParserLimitError('header', 108),
  )
  await t.rejects(count([Buffer.from('Content-Length: 11\n\n')], limits), new FreeSwitchParserLimitError('body', 11))
  const atLimits = `Content-Length: 10\nX-Pad: ${'p'.repeat(74)}\n\n0123456789`
  t.equal(await count([Buffer.from(atLimits)], limits), 1, 'a frame at both limits exactly')
  const big = Buffer.concat([long, long, Buffer.from('\nContent-Length: 11\n\n0123456789a')])
  t.equal(await count([big]), 1, 'no limits unless asked')
})
