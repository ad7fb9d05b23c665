import t from 'tap'
import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { buildGraph, describeCycle, findCycles, reachable } from '../../lib/workflow/graph.js'
import { loadString } from '../../lib/workflow/load.js'
import type { Workflow } from '../../lib/workflow/schema.js'

function workflow(yaml: string): Workflow {
  const r = loadString(yaml, 'test.yaml')
  if (r.diagnostics.length > 0 || !r.workflows[0]) throw new Error(JSON.stringify(r.diagnostics))
  return r.workflows[0].value
}

const example = readFileSync(fileURLToPath(new URL('fixtures/valid/reservations.yaml', import.meta.url)), 'utf8')

t.test('the exits of the DESIGN.md example', async (t) => {
  const g = buildGraph(workflow(example))
  t.equal(g.start, 'A')
  t.same([...g.steps.keys()], ['A', 'B', 'C', 'D', 'E', 'F'])
  t.same(
    g.exits.map((e) => [e.from, e.action, e.kind, e.target, e.afterInput, e.live]),
    [
      ['A', 0, 'branch', 'B', false, true],
      ['A', 0, 'branch', 'C', false, true],
      ['B', 0, 'menu', 'D', true, true],
      ['B', 0, 'menu', 'E', true, true],
      ['D', 3, 'connect-otherwise', 'F', true, true],
    ],
  )
  t.same(g.exits[2]!.path, ['steps', 'B', 0, 'menu', 'options', '1'])
  t.equal(g.exits[2]!.key, '1')
  t.equal(g.exits[1]!.entry, 1)
  t.same(
    [...g.steps.values()].map((s) => s.leavesAt),
    [0, 0, 1, 3, 1, undefined],
  )
  t.same([...reachable(g)].sort(), ['A', 'B', 'C', 'D', 'E', 'F'])
})

t.test('start defaults to the first step; otherwise exits; dead exits are not live', async (t) => {
  const g = buildGraph(
    workflow(`
name: g
steps:
  S:
    - collect: { prompt: { say: "n" }, field: n, otherwise: T }
    - goto: U
    - goto: V
  T:
    - menu: { prompt: { say: "m" }, options: { "1": S, "*": repeat }, otherwise: U }
  U:
    - branch:
        - if: { caller: { exists: true } }
          goto: S
        - goto: T
        - goto: V
  V:
    - hangup:
`),
  )
  t.equal(g.start, 'S')
  t.same(
    g.exits.map((e) => `${e.from}[${e.action}] ${e.kind} → ${e.target} input=${e.afterInput} live=${e.live}`),
    [
      'S[0] collect-otherwise → T input=true live=true',
      'S[1] goto → U input=true live=true',
      'S[2] goto → V input=true live=false',
      'T[0] menu → S input=true live=true',
      'T[0] menu-otherwise → U input=true live=true',
      'U[0] branch → S input=false live=true',
      'U[0] branch → T input=false live=true',
      'U[0] branch → V input=false live=false',
    ],
  )
  // V is named only by jumps that never happen.
  t.same([...reachable(g)].sort(), ['S', 'T', 'U'])
})

t.test('cycles: shortest, from the earliest step, each reported once', async (t) => {
  const g = buildGraph(
    workflow(`
name: c
steps:
  A: [{ goto: B }]
  B: [{ branch: [{ if: { caller: { exists: true } }, goto: A }, { goto: C }] }]
  C: [{ goto: C }]
  D: [{ goto: A }]
`),
  )
  const cycles = findCycles(g, (e) => e.live)
  t.same(cycles.map(describeCycle), ['A → B → A', 'C → C'])
  t.same(
    findCycles(g, () => false),
    [],
  )
})
