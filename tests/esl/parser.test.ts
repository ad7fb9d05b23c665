/**
 * esl-lite's FreeSwitchParser, as patched by patches/esl-lite+3.2.0.patch, over every recorded FreeSWITCH trace:
 * fed whole, cut in two inside every frame, and one byte at a time, it must give the frames of the reference framer.
 */
import t from 'tap'
import { FreeSwitchParser, type FreeSwitchParserNonEmptyBufferAtEndError, type ProcessorInput } from 'esl-lite'
import { pino } from 'pino'
import { checkInChild, type Chunking } from './framing-check.js'
import { asStream, received, referenceFrames, traceNames } from './traces.js'

const logger = pino({ level: 'silent' })

async function parse(
  chunks: readonly Buffer[],
): Promise<(ProcessorInput | FreeSwitchParserNonEmptyBufferAtEndError)[]> {
  const out = []
  for await (const item of FreeSwitchParser(asStream(chunks), logger)) out.push(item)
  return out
}

t.test('the reference framer covers each trace exactly, starting with the connect reply', async (t) => {
  t.equal(traceNames.length, 38)
  for (const name of traceNames) {
    const trace = received(name)
    const frames = referenceFrames(trace)
    t.equal(frames.at(-1)?.end, trace.length, name)
    t.equal(frames[0]?.headers.get('Reply-Text'), '%2BOK%0A', name)
  }
})

t.test('the same frames, however the trace is cut', async (t) => {
  const literal = ['hangup_linger-plain', 'basic-json', 'getvar_api']
  const checks = [
    ...traceNames.flatMap((trace) =>
      (['whole', 'decision-points', 'bytes'] as const).map((chunking: Chunking) => ({ trace, chunking })),
    ),
    ...literal.map((trace) => ({ trace, chunking: 'every-offset' as const })),
  ]
  const results = await checkInChild(checks)
  t.equal(results.length, checks.length)
  for (const { trace, chunking, parses, difference } of results) {
    t.equal(difference, undefined, `${trace} ${chunking} (${parses} parses)`)
  }
  const everyOffset = results.filter((result) => result.chunking === 'every-offset')
  t.ok(
    everyOffset.every((result) => result.parses > 4000),
    'every offset of the longest frame',
  )
})

t.test('the linger notice (Content-Length: 0) is a frame of its own', async (t) => {
  const trace = received('hangup_linger-plain')
  for (const [how, chunks] of [
    ['whole', [trace]],
    ['bytes', [...trace].map((_, i) => trace.subarray(i, i + 1))],
  ] as const) {
    const frames = await parse(chunks)
    const at = frames.findIndex((f) => !(f instanceof Error) && f.headers.get('Content-Disposition') === 'linger')
    const notice = frames[at]
    if (notice === undefined || notice instanceof Error) {
      t.fail(`${how}: no linger notice`)
      continue
    }
    t.equal(notice.headers.get('Content-Type'), 'text/disconnect-notice', how)
    t.equal(notice.headers.get('Linger-Time'), '-1', how)
    t.equal(notice.headers.get('Content-Length'), '0', how)
    t.equal(notice.body.length, 0, how)
    // In every recorded linger trace it comes after CHANNEL_HANGUP_COMPLETE, just before the final notice.
    const before = frames[at - 1]
    t.match(
      before instanceof Error ? before.name : before?.body.toString(),
      /^Event-Name: CHANNEL_HANGUP_COMPLETE\n/m,
      how,
    )
    const after = frames.slice(at + 1).map((f) => (f instanceof Error ? f.name : f.headers.get('Content-Disposition')))
    t.same(after, ['disconnect'], how)
  }
})

t.test('a header value keeps everything after the first ": "', async (t) => {
  const replies = (await parse([received('getvar_api')])).flatMap((f) =>
    f instanceof Error ? [] : [f.headers.get('Reply-Text')],
  )
  t.equal(replies[0], '%2BOK%0A')
  t.ok(replies.some((reply) => /^\+OK Job-UUID: [0-9a-f-]{36}$/.test(reply ?? '')))
})
