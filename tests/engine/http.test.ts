/** The http action through the simulator: data kept, branches and prompts using it, failures and their reasons. */
import t from 'tap'
import type { CallEvent } from '../../lib/engine/record.js'
import { run } from '../helpers/sim.js'

const FLOW = `
name: lookup
steps:
  ask:
    - collect: { prompt: { say: 'number?' }, field: no, minDigits: 3, maxDigits: 3 }
    - http: { name: crm, url: 'crm:/reservations/{{fields.no}}', timeoutSeconds: 2, otherwise: sorry }
    - branch:
        - if: { data: { path: crm.reservation.guests, gt: 6 } }
          goto: large
        - if: { data: { path: crm.reservation.status, exists: false } }
          goto: missing
    - message: { say: 'Table on {{data.crm.reservation.date | date:en}} at {{data.crm.reservation.time | time:en}}.' }
    - hangup:
  large:
    - hangup: { message: { say: 'large party of {{data.crm.reservation.guests | number}}' } }
  missing:
    - hangup: { message: { say: 'not found' } }
  sorry:
    - hangup: { message: { say: 'sorry' } }
`
const RESPONSE = {
  reservation: { status: 'confirmed', date: '2026-11-24', time: '19:30', guests: 4 },
  customer: { name: 'Kim', card: '4111-1111-1111-1111' },
}
const http = (events: CallEvent[]) => events.find((e) => e.type === 'http')
const said = (events: CallEvent[]) => events.flatMap((e) => (e.type === 'message' ? [e.prompt] : []))

t.test('success: data drives the branch and fills the prompt; the event keeps only the values used', async (t) => {
  const r = await run(FLOW, { keys: ['123'], http: [`crm=${JSON.stringify(RESPONSE)}`] })
  t.same(r.steps, ['ask'])
  t.same(said(r.events), ['say "Table on Tuesday, November 24th at 7:30 PM."'])
  t.match(http(r.events), {
    type: 'http',
    name: 'crm',
    endpoint: 'crm',
    result: 'ok',
    status: 200,
    values: {
      'reservation.guests': '4',
      'reservation.status': 'confirmed',
      'reservation.date': '2026-11-24',
      'reservation.time': '19:30',
    },
  })
  t.notMatch(JSON.stringify(r.record), '4111', 'the rest of the response is not in the record')
  t.notOk(http(r.events)?.held, 'an instant answer plays nothing meanwhile')

  const large = await run(FLOW, { keys: ['123'], http: [`crm=${JSON.stringify({ reservation: { guests: 8 } })}`] })
  t.same(large.steps, ['ask', 'large'])
  t.same(said(large.events), ['say "large party of 팔"'])
  const missing = await run(FLOW, { keys: ['123'], http: ['crm={}'] })
  t.same(missing.steps, ['ask', 'missing'])
})

t.test('timeout: the caller hears hold music, then the otherwise step, after the time limit', async (t) => {
  const r = await run(FLOW, { keys: ['123'], http: ['crm=timeout'] })
  t.same(r.steps, ['ask', 'sorry'])
  t.match(http(r.events), {
    result: 'timeout',
    ms: 2000,
    held: true,
    goto: 'sorry',
    message: 'no answer within 2000 ms',
  })
  t.equal(r.outcome, 'hangup')
})

t.test('error without otherwise: the call goes on with the data absent', async (t) => {
  const flow = FLOW.replace(', otherwise: sorry', '')
  const r = await run(flow, { keys: ['123'], http: ['crm=error'] })
  t.same(r.steps, ['ask', 'missing'])
  t.match(http(r.events), { result: 'status', status: 500, message: 'HTTP 500' })
  t.notOk(http(r.events)?.goto)
  const unscripted = await run(flow, { keys: ['123'] })
  t.match(http(unscripted.events), { result: 'refused', message: 'not scripted: give --http crm=FILE.json' })
})

t.test('a hostile response value reaches the prompt without line breaks or ${', async (t) => {
  const evil = {
    reservation: {
      date: '2026-11-24',
      time: '19:30\r\nexecute-app: hangup ${system(id)}',
      guests: 2,
      status: 'confirmed',
    },
  }
  const r = await run(FLOW.replace('| time:en', ''), { keys: ['123'], http: [`crm=${JSON.stringify(evil)}`] })
  const [prompt] = said(r.events)
  t.notMatch(prompt, /[\r\n]/)
  t.notMatch(prompt, '${')
  t.match(prompt, '19:30  execute-app: hangup system(id)}')
})
