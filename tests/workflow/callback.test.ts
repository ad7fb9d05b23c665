/** The callback action and the team's callback settings in the format: defaults, refusals at their exact paths. */
import t from 'tap'
import { loadString } from '../../lib/workflow/load.js'
import { formatDiagnostic, validateDocuments } from '../../lib/workflow/validate.js'
import { documentSchema } from '../../lib/workflow/json-schema.js'
import { buildGraph } from '../../lib/workflow/graph.js'

const QUEUED = `
name: busy
trigger: queued
team: support
steps:
  Q:
    - callback: { number: { field: phone }, confirm: false, message: { say: "곧 전화드리겠습니다." }, otherwise: W }
  W:
    - message: { say: "잠시만 기다려 주세요." }
---
name: line
steps:
  A:
    - collect: { prompt: { say: "번호?" }, field: phone }
    - assign: { team: support }
---
kind: team
name: support
callback: { attempts: 5, retrySeconds: 600, maxWaiting: 20 }
`

function lines(text: string): string[] {
  const loaded = loadString(text, 'cb.yaml')
  return [...loaded.diagnostics, ...validateDocuments(loaded)].map(formatDiagnostic)
}

t.test('a valid callback and team settings, with their defaults', async (t) => {
  t.same(lines(QUEUED), [])
  const loaded = loadString(
    `
name: w
steps:
  A:
    - assign: { team: support }
    - callback:
---
kind: team
name: support
callback: {}
`,
    'cb.yaml',
  )
  t.same(loaded.diagnostics, [])
  t.same(loaded.workflows[0]!.value.steps['A']![1], { callback: { number: 'caller', confirm: true } })
  t.same(loaded.teams[0]!.value.callback, { attempts: 3, retrySeconds: 300 })
})

t.test('refusals name the exact path', async (t) => {
  const bad = (from: string, to: string) => lines(QUEUED.replace(from, to))
  t.same(bad('number: { field: phone }', 'number: "01012345678"'), [
    'cb.yaml: workflow busy: steps.Q[0].callback.number: expected an object, found text "01012345678"',
  ])
  t.same(bad('number: { field: phone }', 'number: { field: "a b" }'), [
    'cb.yaml: workflow busy: steps.Q[0].callback.number.field: must be letters, digits, "_" or "-"',
  ])
  t.same(bad('confirm: false', 'confirm: maybe'), [
    'cb.yaml: workflow busy: steps.Q[0].callback.confirm: expected true or false, found text "maybe"',
  ])
  t.same(bad('otherwise: W', 'otherwise: NOWHERE'), [
    'cb.yaml: workflow busy: steps.Q[0].callback.otherwise: unknown step "NOWHERE"',
    'cb.yaml: workflow busy: steps.W: warning: unreachable: no path from the start step "Q" leads here',
  ])
  t.same(bad('message: { say: "곧 전화드리겠습니다." }', 'message: { say: "${system(rm)}" }'), [
    'cb.yaml: workflow busy: steps.Q[0].callback.message.say: must not contain "${" (FreeSWITCH expands it)',
  ])
  t.same(bad('otherwise: W }', 'otherwise: W, next: W }'), [
    'cb.yaml: workflow busy: steps.Q[0].callback: unknown key "next"',
  ])
  t.same(bad('attempts: 5', 'attempts: 21'), ['cb.yaml: team support: callback.attempts: must be at most 20'])
  t.same(bad('retrySeconds: 600', 'retrySeconds: 86401'), [
    'cb.yaml: team support: callback.retrySeconds: must be at most 86400',
  ])
  t.same(bad('maxWaiting: 20', 'maxWaiting: 0'), ['cb.yaml: team support: callback.maxWaiting: must be at least 1'])
  t.same(bad('maxWaiting: 20', 'maxWaiting: 20, schedule: nights'), [
    'cb.yaml: team support: callback.schedule: unknown schedule "nights"',
  ])
  t.same(bad('field: phone }\n    - assign', 'field: other }\n    - assign'), [
    'cb.yaml: workflow busy: steps.Q[0].callback.number.field: warning: field "phone" is never collected by any workflow here',
  ])
})

t.test('an incoming workflow that assigns nobody cannot take a callback', async (t) => {
  t.same(
    lines(`
name: w
steps:
  A:
    - message: { say: "안녕하세요." }
    - callback: { otherwise: B }
  B:
    - hangup: {}
`),
    [
      'cb.yaml: workflow w: steps.A[1].callback: a callback needs a team or agent: assign one before it, or offer it in a queued workflow',
    ],
  )
})

t.test('the graph has its otherwise; the JSON Schema describes it', async (t) => {
  const loaded = loadString(QUEUED, 'cb.yaml')
  const graph = buildGraph(loaded.workflows[0]!.value)
  t.match(graph.exits, [
    { from: 'Q', kind: 'callback-otherwise', target: 'W', path: ['steps', 'Q', 0, 'callback', 'otherwise'] },
  ])
  t.equal(graph.steps.get('Q')!.leavesAt, undefined, 'not taken without otherwise: the next action runs')
  const schema = JSON.stringify(documentSchema())
  for (const word of ['"callback"', '"confirm"', '"maxWaiting"', '"retrySeconds"', '"attempts"']) t.match(schema, word)
})
