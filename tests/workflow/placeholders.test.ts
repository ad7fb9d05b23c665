import t from 'tap'
import { fillPlaceholders, parsePlaceholders } from '../../lib/workflow/placeholders.js'

t.test('parses known and unknown placeholders, spaces allowed inside the braces', async (t) => {
  const parsed = parsePlaceholders(
    '{{caller}} {{ dialed }} {{team}} {{ fields.reservationNo }} {{ foo }} {{fields.}} {x}',
  )
  t.same(parsed.known, [
    { kind: 'caller', text: '{{caller}}' },
    { kind: 'dialed', text: '{{ dialed }}' },
    { kind: 'team', text: '{{team}}' },
    { kind: 'field', name: 'reservationNo', text: '{{ fields.reservationNo }}' },
  ])
  t.same(parsed.unknown, ['{{ foo }}', '{{fields.}}'])
})

t.test('fills by plain substitution; missing values are empty, unknown placeholders stay', async (t) => {
  const values = { caller: '+821012345678', team: 'support', fields: { no: '{{caller}}' } }
  t.equal(
    fillPlaceholders('from {{ caller }} to {{dialed}} ({{team}}) #{{fields.no}} {{fields.none}} {{other}}', values),
    'from +821012345678 to  (support) #{{caller}}  {{other}}',
  )
})

t.test('a field named like an Object.prototype member is empty, not a function', async (t) => {
  t.equal(fillPlaceholders('[{{fields.constructor}}][{{fields.__proto__}}]', { fields: {} }), '[][]')
})
