/** Split writes: the same bytes, cut at seeded random boundaries or into single bytes, still form the same frames. */
import t from 'tap'
import type { SplitMode } from '../../lib/testing/fake-freeswitch/index.js'
import { exec, router, start, summary, withCall } from './helpers.js'

t.teardown(() => router.close())

/** A short call with fixed ids and times, so that every run writes the same bytes; `few` subscribes to less. */
async function run(split: SplitMode, few = false) {
  let chunks = 0
  const { frames, result } = await withCall(
    { split, seed: 42, switch: { epochMs: 1795578512683, idleSpeed: Infinity } },
    async (c) => {
      if (few) {
        await c.command('connect')
        await c.command('event plain CHANNEL_EXECUTE_COMPLETE DTMF CHANNEL_HANGUP')
      } else await start(c, 'plain')
      const uuid = 'a0000000-0000-4000-8000-000000000002'
      await exec(c, 'play_and_get_digits', '1 1 1 3000 # prompt.wav invalid.wav choice ^[12]$', { uuid })
      await c.command('sendmsg\ncall-command: hangup\nhangup-cause: NORMAL_CLEARING')
      await c.closed
      chunks = c.chunks
    },
  )
  return { text: Buffer.concat(frames.map((f) => f.raw)).toString(), frames, chunks, result }
}

const whole = await run('none')
const few = await run('none', true)

t.test('a random split delivers the same frames in more pieces, the same for the same seed', async (t) => {
  t.ok(whole.frames.length > 10, 'a whole call went by')
  const cut = await run('random')
  t.equal(cut.text, whole.text, 'same bytes')
  t.same(summary(cut.frames), summary(whole.frames), 'same frames')
  t.ok(cut.chunks > cut.frames.length, `${cut.chunks} reads for ${cut.frames.length} frames`)
  const again = await run('random')
  t.equal(again.result.uuid, cut.result.uuid, 'the seed gives the same ids')
  t.equal(again.result.seed, 42)
  t.equal(again.chunks > again.frames.length, true)
})

t.test('byte by byte', async (t) => {
  const bytes = await run('bytes', true)
  t.equal(bytes.text, few.text, 'same bytes')
  t.ok(bytes.chunks > few.text.length / 8, `${bytes.chunks} reads for ${few.text.length} bytes`)
})
