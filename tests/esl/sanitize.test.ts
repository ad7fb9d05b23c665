/** Outside text on its way into FreeSWITCH: the hostile caller name, nested expansions, and properties. */
import t from 'tap'
import fc from 'fast-check'
import { execute, uuidSetvar } from '../../lib/esl/command.js'
import { argToken, stripForFreeswitch } from '../../lib/esl/sanitize.js'

const HOSTILE = 'x${md5(a)}\n\nsendmsg\ncall-command: hangup'

t.test('the hostile caller name', async (t) => {
  const clean = stripForFreeswitch(HOSTILE)
  t.equal(clean, 'xmd5(a)}sendmsgcall-command: hangup')
  t.equal(
    execute({ app: 'set', arg: `caller_name=${clean}`, uuid: 'A1' }),
    'sendmsg\ncall-command: execute\nexecute-app-name: set\nexecute-app-arg: caller_name=xmd5(a)}sendmsgcall-command: hangup\nEvent-UUID: A1\n\n',
    'one command, one header, nothing to expand',
  )
  t.equal(argToken(HOSTILE), 'x$md5(a)sendmsgcall-command:hangup', 'a $ without its brace is plain text')
})

t.test('expansions that reassemble when a piece is removed', async (t) => {
  t.equal(stripForFreeswitch('$${{x}}'), '{x}}')
  t.equal(stripForFreeswitch('$$${{{x}}}'), '{x}}}')
  t.equal(stripForFreeswitch('$$$$${{{x'), 'x', 'two rounds')
  t.equal(stripForFreeswitch('$\n{md5(a)}'), 'md5(a)}', 'a control between $ and {')
  t.equal(stripForFreeswitch('$${domain}'), 'domain}')
  t.equal(stripForFreeswitch('\\${x}'), '\\x}')
  t.equal(argToken('$ {x}'), '$x', 'a space between $ and {')
  t.equal(stripForFreeswitch('$5 {ok}'), '$5 {ok}', 'a $ and braces apart are left alone')
})

t.test('controls go, text stays', async (t) => {
  t.equal(stripForFreeswitch('a\rb\nc\0d\te\u007ff\u0085g\u2028h\u2029i'), 'abcdefghi')
  t.equal(stripForFreeswitch('홍길동 <010-1234-5678> "VIP" 100% [a,b]|c'), '홍길동 <010-1234-5678> "VIP" 100% [a,b]|c')
  t.equal(argToken(`Kim's "Bar"\t{x} [y], a|b\\s\u3000c`), 'KimsBarxyabsc')
  t.equal(argToken('예약번호:123456#'), '예약번호:123456#')
  t.equal(argToken(' \n{}'), '', 'nothing left')
})

const BREAKERS = /[\s"'{}[\],|\\]/
const UNSAFE = /[\p{Cc}\p{Zl}\p{Zp}]|\$\{/u

t.test('properties: no control, no ${, stable, and always a buildable argument', async (t) => {
  const hostile = fc.string({
    unit: fc.oneof(
      fc.constantFrom('$', '{', '}', '\\', '\n', '\r', '\0', ' ', "'", '"', '[', ',', '|', '\u2028', '\u0085'),
      fc.string({ unit: 'grapheme', maxLength: 1 }),
    ),
  })
  fc.assert(
    fc.property(hostile, (text) => {
      const clean = stripForFreeswitch(text)
      const token = argToken(text)
      if (UNSAFE.test(clean) || UNSAFE.test(token) || BREAKERS.test(token)) {
        throw new Error(`unsafe output for ${JSON.stringify(text)}`)
      }
      if (stripForFreeswitch(clean) !== clean || argToken(token) !== token) throw new Error('not stable')
      execute({ app: 'set', arg: `x=${clean}`, uuid: 'A1' })
      execute({ app: 'playback', arg: `${token} ${token}`, uuid: 'A1' })
      uuidSetvar('A1', 'caller_name', clean)
    }),
    { numRuns: 3000, seed: 20261125 },
  )
  fc.assert(
    fc.property(fc.string({ unit: fc.constantFrom('$', '{', 'x') }), (text) => {
      if (stripForFreeswitch(text).includes('${')) throw new Error(`\${ left in ${text}`)
    }),
    { numRuns: 3000, seed: 20261125 },
  )
  t.pass('properties held')
})
