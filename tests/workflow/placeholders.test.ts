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

t.test('data placeholders: paths into the response, formats, hostile values made harmless', async (t) => {
  const parsed = parsePlaceholders('{{data.crm.reservation.time | time}} {{ data.crm.list.0 }} {{fields.no|digits:en}}')
  t.same(parsed.known, [
    {
      kind: 'data',
      path: ['crm', 'reservation', 'time'],
      text: '{{data.crm.reservation.time | time}}',
      format: { name: 'time' },
    },
    { kind: 'data', path: ['crm', 'list', '0'], text: '{{ data.crm.list.0 }}' },
    { kind: 'field', name: 'no', text: '{{fields.no|digits:en}}', format: { name: 'digits', lang: 'en' } },
  ])
  t.same(parsePlaceholders('{{data.crm.x | weekday}} {{data.Crm.x}}').unknown, [
    '{{data.crm.x | weekday}}',
    '{{data.Crm.x}}',
  ])
  const data = {
    crm: {
      reservation: { time: '2026-12-08T19:30:00+09:00', guests: 4, vip: true, nested: { a: 1 } },
      list: ['first'],
      evil: 'a\r\nb ${system(rm)} $${x} {{caller}}',
    },
  }
  t.equal(
    fillPlaceholders(
      '{{data.crm.reservation.time | time}}, {{data.crm.reservation.guests}} {{data.crm.reservation.vip}}',
      {
        data,
      },
    ),
    '오후 일곱 시 삼십 분, 4 true',
  )
  t.equal(
    fillPlaceholders('[{{data.crm.list.0}}][{{data.crm.reservation.nested}}][{{data.crm.none.x}}]', { data }),
    '[first][][]',
  )
  t.equal(
    fillPlaceholders('{{data.crm.evil}}', { data }),
    'a  b system(rm)} x} {{caller}}',
    'no line break, no ${, not filled again',
  )
  t.equal(fillPlaceholders('{{data.crm.constructor}}{{data.crm.__proto__}}', { data }), '', 'own keys only')
  t.equal(
    fillPlaceholders('/r/{{fields.no}}', { fields: { no: '../a b' } }, { encode: encodeURIComponent }),
    '/r/..%2Fa%20b',
    'encoded where it goes',
  )
})
