/** readFrames: the recorded traces over a real loopback socket, and every way a hostile peer gets a FrameError. */
import t from 'tap'
import { once } from 'node:events'
import { createServer, connect, type Socket } from 'node:net'
import { pino } from 'pino'
import { FrameError, readFrames, type Frame, type FrameLimits } from '../../lib/esl/frame.js'
import { asStream, received, referenceFrames, traceNames } from './traces.js'

const logger = pino({ level: 'silent' })

async function collect(source: AsyncIterable<Buffer>, limits?: FrameLimits) {
  const frames: Frame[] = []
  try {
    for await (const frame of readFrames(source, logger, limits)) frames.push(frame)
    return { frames, error: undefined }
  } catch (error) {
    return { frames, error }
  }
}

const chunks = (...parts: string[]) => asStream(parts.map((part) => Buffer.from(part)))
const plain = (frames: readonly Frame[]) => frames.map(({ headers, body }) => ({ headers: [...headers], body }))

t.test(
  'every trace gives the reference frames: raw headers in order, a body exactly with Content-Length',
  async (t) => {
    for (const name of traceNames) {
      const trace = received(name)
      const { frames, error } = await collect(asStream([trace]))
      t.equal(error, undefined, name)
      t.same(
        plain(frames),
        referenceFrames(trace).map(({ headers, body }) => ({ headers: [...headers], body })),
        name,
      )
    }
    const [connectReply] = (await collect(asStream([received('basic-plain')]))).frames
    t.equal(connectReply?.body, undefined, 'the connect reply has no body')
    t.equal(connectReply?.headers.get('Reply-Text'), '%2BOK%0A', 'and its values are not decoded')
    const { frames } = await collect(asStream([received('hangup_linger-plain')]))
    const linger = frames.find((frame) => frame.headers.get('Content-Disposition') === 'linger')
    t.same(linger?.body, Buffer.alloc(0), 'the linger notice has an empty body')
  },
)

t.test('over a loopback socket written in small random pieces', async (t) => {
  const trace = received('basic-json')
  const server = createServer()
  server.listen(0, '127.0.0.1')
  await once(server, 'listening')
  t.teardown(() => server.close())
  const address = server.address()
  if (address === null || typeof address === 'string') throw new Error('no port')
  const accepted = once(server, 'connection') as Promise<[Socket]>
  const client = connect(address.port, '127.0.0.1')
  let seed = 7
  for (let at = 0; at < trace.length;) {
    seed = (seed * 1103515245 + 12345) % 2 ** 31
    const size = 1 + (seed % 300)
    client.write(trace.subarray(at, at + size))
    at += size
  }
  client.end()
  const [socket] = await accepted
  const { frames, error } = await collect(socket)
  t.equal(error, undefined)
  t.equal(frames.length, 17)
  t.same(plain(frames), plain((await collect(asStream([trace]))).frames))
})

t.test('limits', async (t) => {
  const fail = async (source: AsyncIterable<Buffer>, reason: string, limits?: FrameLimits) => {
    const { error } = await collect(source, limits)
    t.type(error, FrameError)
    t.equal((error as FrameError).reason, reason)
  }
  const header = `X-Junk: ${'x'.repeat(64 * 1024)}`
  await fail(chunks(header.slice(0, 40000), header.slice(40000)), 'header-too-long')
  await fail(chunks(`${header}\n\n`), 'header-too-long')
  await fail(chunks('Content-Length: 8388609\n\n'), 'body-too-long')
  const small = { maxHeaderBytes: 30, maxBodyBytes: 4 }
  await fail(chunks(`Content-Length: 5\nX: ${'y'.repeat(10)}`), 'header-too-long', small)
  await fail(chunks('Content-Length: 5\n\n'), 'body-too-long', small)
  const atLimits = await collect(chunks(`Content-Length: 4\nX: ${'y'.repeat(9)}\n\nabcd`), small)
  t.same(
    plain(atLimits.frames),
    [
      {
        headers: [
          ['Content-Length', '4'],
          ['X', 'y'.repeat(9)],
        ],
        body: Buffer.from('abcd'),
      },
    ],
    'a frame at both limits exactly',
  )
})

t.test('a Content-Length that is not a plain number', async (t) => {
  for (const value of ['abc', '-1', '1.5', ' 5', '5 ', '', '0x10', '1e3']) {
    const { frames, error } = await collect(chunks(`Content-Type: x\nContent-Length: ${value}\n\nbody`))
    t.same(frames, [], JSON.stringify(value))
    t.equal((error as FrameError).reason, 'bad-content-length', JSON.stringify(value))
  }
  const twice = await collect(chunks('Content-Length: 2\nContent-Length: two\n\nok'))
  t.equal((twice.error as FrameError).reason, 'bad-content-length', 'a second, bad Content-Length')
})

t.test('a stream that stops inside a frame ends with "truncated" after the complete frames', async (t) => {
  const trace = received('basic-plain')
  const cutAt = referenceFrames(trace)[3]!.start + 30
  const { frames, error } = await collect(asStream([trace.subarray(0, cutAt)]))
  t.equal(frames.length, 3)
  t.equal((error as FrameError).reason, 'truncated')
})

t.test('socket errors come through unchanged', async (t) => {
  const reset = Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' })
  async function* failing() {
    yield Buffer.from('Content-Type: command/reply\nReply-Text: +OK\n\n')
    throw reset
  }
  const { frames, error } = await collect(failing())
  t.equal(frames.length, 1)
  t.equal(error, reset)
})
