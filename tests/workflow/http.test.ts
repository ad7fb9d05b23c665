/** The http action in the format: endpoints checked against the configuration, data only after its request. */
import t from 'tap'
import { loadString } from '../../lib/workflow/load.js'
import { formatDiagnostic, validateDocuments } from '../../lib/workflow/validate.js'
import { requestsRunBefore } from '../../lib/workflow/data-flow.js'
import { endpointsNamed, usedPaths } from '../../lib/workflow/data-refs.js'
import { documentSchema } from '../../lib/workflow/json-schema.js'

const LOOKUP = `
name: lookup
steps:
  start:
    - collect: { prompt: { say: 'number?' }, field: no }
    - http: { name: crm, url: 'crm:/reservations/{{fields.no}}', timeoutSeconds: 2, otherwise: sorry }
    - branch:
        - if: { data: { path: crm.reservation.guests, gt: 6 } }
          goto: large
    - message: { say: '{{data.crm.reservation.time | time}}' }
  large:
    - http: { name: shop, url: 'shop:/orders', method: POST, body: { phone: '{{caller}}', no: '{{data.crm.id}}' } }
    - message: { say: 'large {{data.shop.status}}' }
  sorry:
    - hangup: { message: { say: 'sorry' } }
`

function lines(text: string, endpoints?: string[]): string[] {
  const loaded = loadString(text, 'lookup.yaml')
  return [
    ...loaded.diagnostics,
    ...validateDocuments(loaded, endpoints ? { known: { endpoints: new Set(endpoints) } } : {}),
  ].map(formatDiagnostic)
}

t.test('an endpoint the configuration lacks is refused at its exact path', async (t) => {
  t.same(lines(LOOKUP, ['crm', 'shop']), [])
  t.same(lines(LOOKUP), [], 'not checked without a configuration')
  t.same(lines(LOOKUP, ['crm']), [
    'lookup.yaml: workflow lookup: steps.large[0].http.url: unknown endpoint "shop" (configured: crm): workflows may call only the endpoints of the router\'s configuration',
  ])
  t.same(lines(LOOKUP, []), [
    'lookup.yaml: workflow lookup: steps.start[1].http.url: unknown endpoint "crm" (none configured): workflows may call only the endpoints of the router\'s configuration',
    'lookup.yaml: workflow lookup: steps.large[0].http.url: unknown endpoint "shop" (none configured): workflows may call only the endpoints of the router\'s configuration',
  ])
})

t.test('a raw host, a query in the URL and a timeout over 10 s are refused by the schema', async (t) => {
  const bad = LOOKUP.replace(
    "url: 'crm:/reservations/{{fields.no}}', timeoutSeconds: 2",
    "url: 'https://evil.example/x?a=1', timeoutSeconds: 11",
  )
  t.same(lines(bad, ['crm', 'shop']), [
    'lookup.yaml: workflow lookup: steps.start[1].http.url: must be ENDPOINT:/path, e.g. "crm:/reservations/{{fields.reservationNo}}" (no "?": use query)',
    'lookup.yaml: workflow lookup: steps.start[1].http.timeoutSeconds: must be at most 10',
  ])
})

t.test('requests surely run before each action, across steps', async (t) => {
  const loaded = loadString(LOOKUP, 'lookup.yaml')
  const ran = requestsRunBefore(loaded.workflows[0]!.value)
  t.same([...ran.get('start/1')!], [])
  t.same([...ran.get('start/2')!], ['crm'])
  t.same([...ran.get('large/1')!].sort(), ['crm', 'shop'])
  t.same([...ran.get('sorry/0')!], [], 'the otherwise path of crm does not count crm as run')
})

t.test('the JSON Schema describes the http action and the data condition', async (t) => {
  const schema = JSON.stringify(documentSchema())
  for (const word of ['"http"', '"timeoutSeconds"', '"otherwise"', '"data"', '"gt"', '"lt"', '"method"', '"POST"'])
    t.match(schema, word)
})

t.test('the endpoints a workflow names, and the paths of a response it uses', async (t) => {
  const w = loadString(LOOKUP, 'lookup.yaml').workflows[0]!.value
  t.same([...endpointsNamed(w)], ['crm', 'shop'])
  t.same(usedPaths(w, 'crm'), [['reservation', 'time'], ['id'], ['reservation', 'guests']])
  t.same(usedPaths(w, 'shop'), [['status']])
})
