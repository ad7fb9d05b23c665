/**
 * The drawing of a workflow, independent of any diagram syntax: one node per step (its actions
 * summarised), the call's entry, the end states, and labelled edges. diagram-mermaid.ts and
 * diagram-dot.ts render it.
 *
 * Jumps come from the step graph validation uses (graph.ts). What graph.ts does not model is how
 * a call ends: that follows the engine (lib/engine/run.ts): a try-connect answered is connected; a
 * failed one without `otherwise` queues for whoever is assigned; a step that runs out of actions
 * rings whoever is assigned (then queues), or hangs up when nobody is. Who is assigned where is a
 * small data-flow over the steps, so that an end state names its team or agent.
 */
import { buildGraph, reachable, type StepNode } from './graph.js'
import { describeAction, describeCondition } from './describe.js'
import type { Action, Condition, Workflow } from './schema.js'

export type DiagramNode = {
  id: string
  kind: 'entry' | 'step' | 'end'
  /** The step's name, the entry's trigger, or the end state. */
  title: string
  /** Further lines: the step's actions, the entry's filter. */
  lines: string[]
}

export type DiagramEdge = {
  from: string
  to: string
  label?: string
  /** A way out when something did not work: no valid key, nobody answered. */
  fallback?: boolean
}

export type Diagram = { name: string; title?: string; nodes: DiagramNode[]; edges: DiagramEdge[] }

/** Who the call is assigned to: `team\u0000agent`, either part empty. */
type Assigned = string
const NOBODY: Assigned = '\u0000'

function assignAfter(state: Assigned, action: Action): Assigned {
  const [team = '', agent = ''] = state.split('\u0000')
  if ('assign' in action)
    return 'team' in action.assign ? `${action.assign.team}\u0000` : `${team}\u0000${action.assign.agent}`
  if ('unassign' in action) {
    const what = action.unassign
    return `${what === 'agent' ? team : ''}\u0000${what === 'team' ? agent : ''}`
  }
  return state
}

/** The engine rings the agent when one is assigned, else the team (lib/engine/ring.ts). */
function ringsWhom(state: Assigned): string | undefined {
  const [team = '', agent = ''] = state.split('\u0000')
  return agent ? `agent ${agent}` : team ? `team ${team}` : undefined
}

function liveActions(node: StepNode): readonly Action[] {
  return node.leavesAt === undefined ? node.actions : node.actions.slice(0, node.leavesAt + 1)
}

/** Who may be assigned on entering each step, over every way of reaching it. */
function assignments(workflow: Workflow, steps: Map<string, StepNode>, start: string): Map<string, Set<Assigned>> {
  const initial = workflow.trigger === 'queued' && workflow.team ? `${workflow.team}\u0000` : NOBODY
  const entry = new Map<string, Set<Assigned>>([[start, new Set([initial])]])
  const todo = [start]
  const reach = (target: string, states: Iterable<Assigned>) => {
    if (!steps.has(target)) return
    const set = entry.get(target) ?? new Set()
    const size = set.size
    for (const s of states) set.add(s)
    entry.set(target, set)
    if (set.size > size) todo.push(target)
  }
  for (let name = todo.pop(); name !== undefined; name = todo.pop()) {
    const node = steps.get(name)
    if (!node) continue
    let states = [...(entry.get(name) ?? [])]
    liveActions(node).forEach((action, index) => {
      states = states.map((s) => assignAfter(s, action))
      for (const exit of node.exits) if (exit.live && exit.action === index) reach(exit.target, states)
    })
  }
  return entry
}

function usesSchedules(c: Condition | undefined): boolean {
  if (c === undefined) return false
  if ('open' in c || 'closed' in c) return true
  if ('all' in c) return c.all.some(usesSchedules)
  if ('any' in c) return c.any.some(usesSchedules)
  if ('not' in c) return usesSchedules(c.not)
  return false
}

export function buildDiagram(workflow: Workflow): Diagram {
  const graph = buildGraph(workflow)
  const live = reachable(graph)
  const nodes: DiagramNode[] = []
  const edges: DiagramEdge[] = []
  const stepId = new Map([...graph.steps.keys()].map((name, i) => [name, `s${i}`]))
  const ends = new Map<string, string>()
  const end = (title: string) => {
    let id = ends.get(title)
    if (id === undefined) {
      id = `e${ends.size}`
      ends.set(title, id)
    }
    return id
  }
  const edge = (from: string, to: string, label?: string, fallback?: boolean) =>
    edges.push({ from, to, ...(label !== undefined ? { label } : {}), ...(fallback ? { fallback } : {}) })

  const entry: DiagramNode =
    workflow.trigger === 'queued'
      ? {
          id: 'entry',
          kind: 'entry',
          title: `queued ${workflow.waitSeconds ?? 0} s`,
          lines: workflow.team ? [`in the queue of team ${workflow.team}`] : [],
        }
      : {
          id: 'entry',
          kind: 'entry',
          title: 'incoming call',
          lines: [
            ...(workflow.filter ? [`if ${describeCondition(workflow.filter)}`] : []),
            ...(workflow.schedule ? [`while open ${workflow.schedule}`] : []),
          ],
        }
  nodes.push(entry)
  const startId = stepId.get(graph.start)
  if (startId) edge('entry', startId)

  const assigned = assignments(workflow, graph.steps, graph.start)
  const offHoursRule = Object.values(workflow.steps).some((actions) =>
    actions.some((a) => 'branch' in a && a.branch.some((b) => usesSchedules(b.if))),
  )
  const exhaustedEnd = 'hang up (repeat count used up)'
  // A queued workflow that runs out, or whose try-connect fails, puts the caller back in the queue (lib/engine/queue.ts).
  const queued = workflow.trigger === 'queued'
  const queuedText = queued ? 'back in the queue for' : 'queued for'

  for (const [name, node] of graph.steps) {
    const id = stepId.get(name)!
    const lines = node.actions.map(
      (a, i) => `${describeAction(a)}${node.leavesAt !== undefined && i > node.leavesAt ? ' (never runs)' : ''}`,
    )
    nodes.push({ id, kind: 'step', title: name, lines: live.has(name) ? lines : [...lines, '(unreachable)'] })
    const to = (target: string) => stepId.get(target)
    let states = [...(assigned.get(name) ?? [NOBODY])]
    liveActions(node).forEach((action, index) => {
      states = states.map((s) => assignAfter(s, action))
      if ('branch' in action) {
        for (const exit of node.exits) {
          if (exit.action !== index || !exit.live || exit.entry === undefined) continue
          const cond = action.branch[exit.entry]?.if
          const target = to(exit.target)
          if (target) edge(id, target, cond ? describeCondition(cond) : 'otherwise')
        }
      } else if ('goto' in action) {
        const target = to(action.goto)
        if (target) edge(id, target)
      } else if ('menu' in action) {
        const byTarget = new Map<string, string[]>()
        for (const [key, target] of Object.entries(action.menu.options))
          byTarget.set(target, [...(byTarget.get(target) ?? []), key])
        for (const [target, keys] of byTarget) {
          if (target === 'repeat') edge(id, id, `${keys.join(', ')} repeat`)
          else {
            const t = to(target)
            if (t) edge(id, t, keys.join(', '))
          }
        }
        const label = `no valid key, ${workflow.repeat} plays`
        const otherwise = action.menu.otherwise === undefined ? undefined : to(action.menu.otherwise)
        edge(id, otherwise ?? end(exhaustedEnd), label, true)
      } else if ('collect' in action) {
        const label = `no valid ${action.collect.field}, ${workflow.repeat} tries`
        const otherwise = action.collect.otherwise === undefined ? undefined : to(action.collect.otherwise)
        edge(id, otherwise ?? end(exhaustedEnd), label, true)
      } else if ('connect' in action) {
        edge(id, end('connected'), 'answered')
        const otherwise = action.connect.otherwise === undefined ? undefined : to(action.connect.otherwise)
        if (otherwise) edge(id, otherwise, 'no answer', true)
        else
          for (const target of new Set(states.map(ringsWhom)))
            edge(id, end(target ? `${queuedText} ${target}` : 'hang up (nothing assigned)'), 'no answer', true)
      } else if ('http' in action) {
        const otherwise = action.http.otherwise === undefined ? undefined : to(action.http.otherwise)
        if (otherwise) edge(id, otherwise, `${action.http.name} failed`, true)
      } else if ('callback' in action) {
        edge(id, end('callback'), 'taken')
        const otherwise = action.callback.otherwise === undefined ? undefined : to(action.callback.otherwise)
        if (otherwise) edge(id, otherwise, 'not taken', true)
      } else if ('voicemail' in action) {
        edge(id, end('voicemail (inbox)'))
      } else if ('hangup' in action) {
        edge(id, end(action.hangup.inbox ? 'hang up (missed-call inbox)' : 'hang up'))
      }
    })
    if (node.leavesAt !== undefined) continue
    // The step runs out of actions: the engine connects to whoever is assigned, else hangs up.
    const endsWithMessage = node.actions.length > 0 && 'message' in node.actions.at(-1)!
    for (const target of new Set(states.map(ringsWhom))) {
      if (!target) {
        edge(id, end('hang up (nothing assigned)'))
        continue
      }
      edge(id, end(queued ? `${queuedText} ${target}` : `connect ${target}, else queue`))
      // Seed rule: a voice message ending the workflow outside hours ends the call.
      if (endsWithMessage && offHoursRule) edge(id, end('hang up'), 'outside hours')
    }
  }
  for (const [title, id] of ends) nodes.push({ id, kind: 'end', title, lines: [] })
  return { name: workflow.name, ...(workflow.title !== undefined ? { title: workflow.title } : {}), nodes, edges }
}
