/** What the agent hears before the customer is called: the number in its groups, how long ago, the fields (capped). */
import t from 'tap'
import type { HeldCallback } from '../../lib/routing/callback-runner.js'
import { whisperText } from '../../lib/server/callback-whisper.js'

const NOW = Date.parse('2026-12-07T10:00:00Z')
const callback = (o: Partial<HeldCallback> = {}): HeldCallback => ({
  id: 'cb-1',
  forWhom: { team: 'desk' },
  priority: 0,
  number: '+821012345678',
  dialed: '+8215880000',
  fields: {},
  requestedAt: NOW - 12 * 60_000,
  nextAttemptAt: null,
  ...o,
})

t.test('number, wait and fields', async (t) => {
  t.equal(
    whisperText(callback({ fields: { order: '1042' } }), NOW, 'KR'),
    '콜백 요청입니다. 고객 번호 0 1 0, 1 2 3 4, 5 6 7 8. 12분 전에 요청하셨습니다. order 1042. 고객에게 연결합니다.',
  )
  t.match(whisperText(callback({ requestedAt: NOW }), NOW, 'KR'), /방금 요청하셨습니다\. 고객에게 연결합니다\.$/)
  t.match(whisperText(callback({ number: '+14155550123' }), NOW, 'KR'), /고객 번호 1, 4 1 5, 5 5 5, 0 1 2 3\./)
})

t.test('at most five fields, each cut to 40 characters', async (t) => {
  const fields = Object.fromEntries(Array.from({ length: 7 }, (_, i) => [`f${i}`, 'x'.repeat(60)]))
  const text = whisperText(callback({ fields }), NOW, 'KR')
  t.match(text, `f4 ${'x'.repeat(40)}.`)
  t.notMatch(text, 'f5')
  t.notMatch(text, 'x'.repeat(41))
})
