/** play_and_get_digits beyond the traces: multi-digit input, partial input, barge-in, keys running out. */
import t from 'tap'
import { exec, router, start, variable, withCall } from './helpers.js'

t.teardown(() => router.close())

const last = <T>(list: T[]) => list[list.length - 1]
const dtmf = (events: Record<string, unknown>[]) =>
  events.filter((e) => e['Event-Name'] === 'DTMF').map((e) => e['DTMF-Digit'])

t.test('a reservation number ended by #', async (t) => {
  await withCall({ script: { keys: ['123456#'] } }, async (c) => {
    await start(c)
    const events = await exec(c, 'play_and_get_digits', '6 12 1 5000 # ivr/enter.wav ivr/invalid.wav field \\d+ 3000')
    t.same(dtmf(events), [...'123456#'])
    const done = last(events)
    t.equal(done?.['Application-Response'], '_none_')
    t.equal(variable(done, 'field'), '123456')
    t.equal(variable(done, 'read_result'), 'success')
    t.equal(variable(done, 'read_terminator_used'), '#')
  })
})

t.test('too few digits: failure, and the partial digits stay in the variable', async (t) => {
  await withCall({ script: { keys: ['12'] } }, async (c) => {
    await start(c)
    const done = last(await exec(c, 'play_and_get_digits', '4 4 1 2000 # prompt.wav invalid.wav pin'))
    t.equal(variable(done, 'read_result'), 'failure')
    t.equal(variable(done, 'pin'), '12')
  })
})

t.test('keys pressed during the prompt count (barge-in), later ones are collected', async (t) => {
  await withCall({ script: { keys: [{ digits: '42', bargeIn: true, afterMs: 100 }] } }, async (c) => {
    await start(c)
    const done = last(await exec(c, 'play_and_get_digits', '2 2 1 3000 none prompt.wav invalid.wav choice'))
    t.equal(variable(done, 'choice'), '42')
    t.equal(variable(done, 'playback_ms'), '100', 'the prompt stopped at the first key')
  })
})

t.test('one entry per try; when the keys run out the caller is silent', async (t) => {
  await withCall({ script: { keys: ['7'] } }, async (c) => {
    await start(c)
    const events = await exec(c, 'play_and_get_digits', '1 1 3 1000 none p.wav bad.wav choice ^[12]$')
    t.same(dtmf(events), ['7'], 'the second and third tries hear nothing')
    const done = last(events)
    t.equal(variable(done, 'choice'), undefined)
    t.equal(variable(done, 'choice_invalid'), '7')
    t.equal(variable(done, 'read_result'), 'failure')
  })
})

t.test('min 0: a terminator alone is success with no digits', async (t) => {
  await withCall({ script: { keys: ['#'] } }, async (c) => {
    await start(c)
    const done = last(await exec(c, 'play_and_get_digits', '0 4 3 2000 # p.wav bad.wav extension'))
    t.equal(variable(done, 'read_result'), 'success')
    t.equal(variable(done, 'extension'), undefined)
  })
})
