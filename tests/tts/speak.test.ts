import t from 'tap'
import fc from 'fast-check'
import { speakArgument } from '../../lib/tts/speak.js'

t.test('engine|voice|text', async (t) => {
  t.equal(speakArgument('flite', 'kal', 'Hello'), 'flite|kal|Hello')
  t.equal(
    speakArgument('tts_commandline', 'ko', '안녕하세요, 상담원을 연결합니다.'),
    'tts_commandline|ko|안녕하세요, 상담원을 연결합니다.',
  )
  t.equal(speakArgument('unimrcp:server1', 'en-US', 'Hi'), 'unimrcp:server1|en-US|Hi')
  t.equal(
    speakArgument('tts_commandline', 'en+f3', '-w /tmp/x'),
    'tts_commandline|en+f3|-w /tmp/x',
    'a dash is text here',
  )
})

t.test('text cannot become FreeSWITCH syntax', async (t) => {
  const rows: [string, string][] = [
    ['line one\nline two', 'line one line two'],
    ['a\r\n\r\nsendmsg\r\ncall-command: hangup', 'a sendmsg call-command: hangup'],
    ['${system(rm -rf /)}', 'system(rm -rf /)}'],
    ['$${hold_music}', 'hold_music}'],
    ['$${{x}', '{x}'],
    ['$ {x} costs $5', '$ {x} costs $5'],
    ['a|b|c', 'a b c'],
    ['tab\there\u0000nul\u2028sep', 'tab here nul sep'],
    ['  spaced   out  ', 'spaced out'],
  ]
  // TAP reads U+2028 as a line break, so messages show texts escaped.
  const shown = (text: string) => JSON.stringify(text).replace(/\u2028/g, '\\u2028')
  for (const [text, spoken] of rows) t.equal(speakArgument('flite', 'kal', text), `flite|kal|${spoken}`, shown(text))
})

t.test('no input yields a line break, "${" or an extra "|" (property)', async (t) => {
  fc.assert(
    fc.property(
      fc.string({ unit: fc.constantFrom('$', '{', '|', '\n', '\r', 'a', ' ', '}', '\u0000'), minLength: 1 }),
      (text) => {
        let arg: string
        try {
          arg = speakArgument('flite', 'kal', text)
        } catch (e) {
          // Only a text that sanitises to nothing is refused; "a" and "}" always survive.
          return e instanceof RangeError && !/[a}]/.test(text)
        }
        const spoken = arg.slice('flite|kal|'.length)
        const unsafe = ['\r', '\n', '\u0000', '|', '${']
        return !unsafe.some((u) => spoken.includes(u)) && spoken === spoken.trim() && spoken !== ''
      },
    ),
    { seed: 1, numRuns: 2000 },
  )
  t.pass('checked 2000 texts')
})

t.test('invalid names and empty text are errors', async (t) => {
  for (const [engine, voice] of [
    ['', 'kal'],
    ['flite|x', 'kal'],
    ['flite', 'kal|x'],
    ['flite', ''],
    ['flite', '${x}'],
    ['fl ite', 'kal'],
  ])
    t.throws(() => speakArgument(engine!, voice!, 'Hello'), RangeError, `${engine} ${voice}`)
  for (const text of ['', ' ', '\n\r', '|||', '${'.repeat(3)])
    t.throws(() => speakArgument('flite', 'kal', text), RangeError, JSON.stringify(text))
  t.throws(() => speakArgument('flite', 'kal', 'a'.repeat(4001)), RangeError)
})
