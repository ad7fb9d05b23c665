/** Workflow diagrams: golden output for the recipes, structure, end states, escaping. (The command: tests/cli/workflow-graph.test.ts.) */
import t, { type Test } from 'tap'
import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { buildDiagram } from '../../lib/workflow/diagram.js'
import { renderDot } from '../../lib/workflow/diagram-dot.js'
import { renderMermaid } from '../../lib/workflow/diagram-mermaid.js'
import { describeCondition } from '../../lib/workflow/describe.js'
import { documentsOf, loadFiles, loadString } from '../../lib/workflow/load.js'
import type { Workflow } from '../../lib/workflow/schema.js'
import { parseDot, parseMermaid, type Parsed } from './diagram-check.js'

const golden = (name: string) =>
  readFileSync(fileURLToPath(new URL(`fixtures/diagrams/${name}`, import.meta.url)), 'utf8')

async function workflowsOf(file: string): Promise<Workflow[]> {
  const loaded = await loadFiles([file])
  if (loaded.diagnostics.length > 0) throw new Error(JSON.stringify(loaded.diagnostics))
  return documentsOf(loaded).workflows
}

function workflowOf(yaml: string): Workflow {
  const r = loadString(yaml, 'test.yaml')
  if (r.diagnostics.length > 0 || !r.workflows[0]) throw new Error(JSON.stringify(r.diagnostics))
  return r.workflows[0].value
}

/** Every step is a node titled with its name; every menu key has its edge (a `repeat` key loops back). */
function checkStructure(t: Test, parsed: Parsed, w: Workflow): void {
  const node = new Map<string, string>()
  for (const [id, label] of parsed.nodes) if (/^s\d+$/.test(id)) node.set(label.split('\n')[0]!, id)
  t.same([...node.keys()].sort(), Object.keys(w.steps).sort(), 'every step is a node')
  t.ok(
    parsed.edges.some((e) => e.from === 'entry' && e.to === node.get(w.start ?? Object.keys(w.steps)[0]!)),
    'the entry leads to the start step',
  )
  for (const [step, actions] of Object.entries(w.steps))
    for (const a of actions) {
      if (!('menu' in a)) continue
      for (const [key, target] of Object.entries(a.menu.options)) {
        const from = node.get(step)
        const to = target === 'repeat' ? from : node.get(target)
        const keysOf = (label = '') => label.replace(/ repeat$/, '').split(', ')
        t.ok(
          parsed.edges.some((e) => e.from === from && e.to === to && keysOf(e.label).includes(key)),
          `${step}: key ${key} → ${target}`,
        )
      }
    }
}

for (const recipe of ['ivr-experience-design', 'callback-when-busy']) {
  t.test(`recipe ${recipe}: golden diagrams, well-formed, every step and key`, async (t) => {
    const [w] = await workflowsOf(`recipes/${recipe}.yaml`)
    const d = buildDiagram(w!)
    const mermaid = renderMermaid(d)
    const dot = renderDot(d)
    t.equal(mermaid, golden(`${recipe}.mmd`))
    t.equal(dot, golden(`${recipe}.dot`))
    checkStructure(t, parseMermaid(mermaid), w!)
    checkStructure(t, parseDot(dot), w!)
  })
}

t.test('the incoming workflow of the callback recipe', async (t) => {
  const w = (await workflowsOf('recipes/callback-when-busy.yaml')).find((x) => x.name === 'support-line')!
  t.equal(renderMermaid(buildDiagram(w)), golden('support-line.mmd'))
})

t.test('end states: connected, queued, hang up with and without inbox, exhausted, outside hours', async (t) => {
  const w = workflowOf(`
name: ends
steps:
  A:
    - branch:
        - if: { closed: hours }
          goto: late
        - if: { field: { name: n, minLength: 6 } }
          goto: V
    - collect: { prompt: { say: "number" }, field: n, minDigits: 4, maxDigits: 8 }
    - assign: { team: sales }
    - connect: {}
  V:
    - voicemail: {}
  late:
    - assign: { agent: kim }
    - message: { say: "closed" }
  bye:
    - hangup: { inbox: true }
`)
  const d = buildDiagram(w)
  const ends = d.nodes.filter((n) => n.kind === 'end').map((n) => n.title)
  t.same(ends.sort(), [
    'connect agent kim, else queue',
    'connected',
    'hang up',
    'hang up (missed-call inbox)',
    'hang up (repeat count used up)',
    'queued for team sales',
    'voicemail (inbox)',
  ])
  const edges = d.edges.map((e) => `${e.from} ${e.label ?? ''} ${d.nodes.find((n) => n.id === e.to)!.title}`)
  t.ok(edges.includes('s0 closed hours late'))
  t.ok(edges.includes('s0 field n minLength 6 V'))
  t.ok(edges.includes('s0 no valid n, 3 tries hang up (repeat count used up)'))
  t.ok(edges.includes('s0 answered connected'))
  t.ok(edges.includes('s0 no answer queued for team sales'))
  t.ok(edges.includes('s2 outside hours hang up'), 'a message ending the workflow outside hours hangs up')
  t.match(d.nodes.find((n) => n.title === 'bye')!.lines, ['hang up (missed-call inbox)', '(unreachable)'])
})

t.test('conditions read as text', async (t) => {
  t.equal(describeCondition({ caller: { prefix: '+8210' } }), 'caller prefix +8210')
  t.equal(describeCondition({ field: { name: 'reservationNo', minLength: 6 } }), 'field reservationNo minLength 6')
  t.equal(
    describeCondition({
      all: [{ open: 'hours' }, { any: [{ contact: { tag: 'vip' } }, { dialed: { in: ['1', '2'] } }] }],
    }),
    'open hours and (contact tag vip or dialed in 1, 2)',
  )
  t.equal(
    describeCondition({ not: { contact: { attr: 'tier', equals: 'gold', exists: true } } }),
    'not contact tier equals gold and exists',
  )
  t.equal(describeCondition({ not: { all: [{ team: 'a' }, { closed: 'h' }] } }), 'not (team a and closed h)')
})

t.test('hostile labels stay inside their strings', async (t) => {
  const hostile = `x"];s1->s0[label="#35;|<b>&`
  const w = workflowOf(`
name: hostile
title: "line one\\nline \\"two\\" \\\\ end"
steps:
  A:
    - tag: ['${hostile.replace(/'/g, "''")}']
    - message: { say: "안녕 \\"하세요\\" \`t\` [a] {b} (c) %%" }
    - menu:
        prompt: { say: "press # or *" }
        options: { "#": B, "*": repeat }
  B:
    - hangup: {}
`)
  const d = buildDiagram(w)
  const mermaid = parseMermaid(renderMermaid(d))
  const dot = parseDot(renderDot(d))
  for (const parsed of [mermaid, dot]) {
    t.same([...parsed.nodes.keys()].sort(), d.nodes.map((n) => n.id).sort(), 'no node injected')
    t.equal(parsed.edges.length, d.edges.length, 'no edge injected')
    const label = parsed.nodes.get('s0')!
    t.ok(label.includes(`tag ${hostile}`), 'the tag reads back as written')
    t.ok(label.includes('say "안녕 "하세요" `t` [a] {b} (c) %%"'), 'quotes, brackets and Korean read back')
    t.ok(
      parsed.edges.some((e) => e.label === '#' && e.to === 's1'),
      'the # key',
    )
    t.ok(
      parsed.edges.some((e) => e.label === '* repeat' && e.to === 's0'),
      'the repeat key',
    )
  }
  t.match(renderDot(d), /label="line one line \\"two\\" \\\\ end"\]/, 'a title with a newline stays on one line')
})
