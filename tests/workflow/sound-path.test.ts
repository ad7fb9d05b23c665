/**
 * Sound paths: FreeSWITCH's own sound URIs validate and reach play_and_get_digits as one argument; every character
 * the schema refuses is shown changing the command on the simulator.
 */
import t from 'tap'
import { DIGITS_VAR, pagdArgs } from '../../lib/esl/read-digits.js'
import { SoundPath } from '../../lib/workflow/schema.js'
import type { EventData } from '../fake-freeswitch/frames.js'
import { exec, router, sendmsg, start, variable, withCall } from '../fake-freeswitch/helpers.js'

t.teardown(() => router.close())

const ask = (file: string) =>
  pagdArgs(
    {
      prompt: { play: file },
      minDigits: 1,
      maxDigits: 1,
      firstKeyTimeoutMs: 3000,
      interDigitTimeoutMs: 3000,
      endKey: 'none',
    },
    file,
  )

/** Runs play_and_get_digits with `file` as the prompt while the caller presses 7 into it (unless `media` lists
 * lengths to measure); the finished event. */
async function collect(file: string, media?: Record<string, number>) {
  let done: EventData | undefined
  // A key during the prompt cuts it short: a test that measures the prompt presses after it.
  const keys = [{ digits: '7', bargeIn: !media, afterMs: 100 }]
  const { result } = await withCall({ script: { keys }, switch: { media: { files: media ?? {} } } }, async (c) => {
    await start(c)
    const events = await exec(c, 'play_and_get_digits', ask(file))
    done = events[events.length - 1]
  })
  return { done, result }
}

const refusal = (path: string) => {
  const parsed = SoundPath.safeParse(path)
  return parsed.success ? undefined : parsed.error.issues.map((i) => i.message).join('; ')
}

t.test("FreeSWITCH's sound URIs validate and reach play_and_get_digits as one argument", async (t) => {
  for (const uri of [
    'tone_stream://%(300,0,440)',
    'tone_stream://L=3;%(100,100,350,440)',
    'silence_stream://500,1400',
    'local_stream://moh',
    'say:hello',
    'file_string://a.wav!b.wav',
    '{volume=2}ivr/welcome.wav',
    'ivr/"quoted".wav',
    '/var/sounds/ivr|1.wav',
  ]) {
    t.equal(refusal(uri), undefined, `${uri} validates`)
    const { done, result } = await collect(uri)
    t.equal(variable(done, DIGITS_VAR), '7', `${uri}: the caller's key lands in ${DIGITS_VAR}`)
    t.equal(result.apps.find((a) => a.name === 'play_and_get_digits')?.data, ask(uri))
    t.same(result.dangerous, [])
  }
})

t.test('a line break ends the command: what follows runs as a command of its own', async (t) => {
  const path = 'x.wav\n\nsendmsg\ncall-command: hangup\nhangup-cause: CALL_REJECTED'
  t.ok(refusal(path), 'refused')
  const { result } = await withCall({}, async (c) => {
    await start(c)
    c.send(sendmsg('playback', path))
    await c.until((f) => f.body.includes('CHANNEL_HANGUP_COMPLETE'))
  })
  t.equal(result.hangupCause, 'CALL_REJECTED', 'the text after the blank line hung the call up')
})

t.test('${…} runs a FreeSWITCH API', async (t) => {
  const path = '${md5(x)}.wav'
  t.ok(refusal(path), 'refused')
  t.ok(refusal('$${sound_prefix}/x.wav'), 'refused')
  const { result } = await collect(path)
  t.equal(result.dangerous[0]?.command, 'md5')
})

t.test('a space splits the prompt into arguments: the key goes to another variable', async (t) => {
  for (const path of ['x.wav 1', 'x.wav\t1']) {
    t.ok(refusal(path), 'refused')
    if (path.includes('\t')) continue
    const { done } = await collect(path)
    t.equal(variable(done, DIGITS_VAR), undefined, `${JSON.stringify(path)}: nothing in ${DIGITS_VAR}`)
  }
})

t.test('a backslash escapes the space after the prompt: the arguments shift', async (t) => {
  const path = 'x.wav\\'
  t.ok(refusal(path), 'refused')
  const { done } = await collect(path)
  t.equal(variable(done, DIGITS_VAR), undefined)
})

t.test('single quotes group and vanish: FreeSWITCH plays another file than the one validated', async (t) => {
  const path = "a'b'.wav"
  t.ok(refusal(path), 'refused')
  const { done } = await collect(path, { 'ab.wav': 1234 })
  t.equal(variable(done, 'playback_ms'), '1234', 'ab.wav played')
})
