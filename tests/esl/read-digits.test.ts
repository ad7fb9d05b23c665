/** play_and_get_digits arguments and results, against what FreeSWITCH does (fixtures menu_hash, dtmf-*). */
import t from 'tap'
import { DIGITS_VAR, pagdArgs, readDigitsResult } from '../../lib/esl/read-digits.js'
import type { ReadKeysRequest } from '../../lib/engine/call.js'

const menu: ReadKeysRequest = {
  prompt: { play: 'ivr/menu.wav' },
  minDigits: 1,
  maxDigits: 1,
  endKey: 'none',
  firstKeyTimeoutMs: 5000,
  interDigitTimeoutMs: 5000,
}
const form: ReadKeysRequest = { ...menu, maxDigits: 12, minDigits: 6, endKey: '#', interDigitTimeoutMs: 800 }
const vars = (v: Record<string, string>) => (name: string) => v[name]

t.test('argument order: min max tries timeout terminators file invalid var regexp digit_timeout', async (t) => {
  t.equal(
    pagdArgs(menu, 'ivr/menu.wav'),
    `1 1 1 5000 none ivr/menu.wav silence_stream://250 ${DIGITS_VAR} ^[0-9*#]+$ 5000`,
  )
  t.equal(
    pagdArgs(form, '/var/tts/x.wav'),
    `1 12 1 5000 # /var/tts/x.wav silence_stream://250 ${DIGITS_VAR} ^[0-9*#]+$ 1000`,
    'timeouts ≤ 1 s become 1 s',
  )
})

t.test('digits come from the variable only', async (t) => {
  t.same(
    readDigitsResult(vars({ [DIGITS_VAR]: '#', read_result: 'success' }), menu),
    { digits: '#' },
    '# as a menu key',
  )
  t.same(readDigitsResult(vars({ read_result: 'success' }), form), { digits: '' }, 'success without digits is no input')
  t.same(readDigitsResult(vars({ read_result: 'failure', read_terminator_used: '#' }), form), { digits: '' })
  t.same(readDigitsResult(vars({ [DIGITS_VAR]: '34', read_result: 'success', read_terminator_used: '#' }), form), {
    digits: '34',
  })
  t.same(readDigitsResult(vars({ [DIGITS_VAR]: '1\n2' }), form), { digits: '' }, 'anything but keys is dropped')
  t.same(readDigitsResult(vars({ [DIGITS_VAR]: '12' }), menu), { digits: '1' }, 'never more than asked')
})
