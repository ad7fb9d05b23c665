/**
 * Which `http` requests surely ran before each action: a request's data may be used (placeholders, `data`
 * conditions) only where the request runs before on every path from the start step. A failed request still ran
 * (its data is absent, which `exists: false` tests), except on its own `otherwise` jump, where the data is surely
 * absent and using it is a mistake.
 */
import { buildGraph } from './graph.js'
import type { Workflow } from './schema.js'

/** `step/action` → the requests surely run before that action; absent for actions no path reaches. */
export type RunBefore = Map<string, ReadonlySet<string>>

export const actionKey = (step: string, action: number) => `${step}/${action}`

/** `initial`: requests that ran before the workflow started (a queued workflow runs after an incoming one). */
export function requestsRunBefore(w: Workflow, initial: ReadonlySet<string> = new Set()): RunBefore {
  const graph = buildGraph(w)
  const entry = new Map<string, Set<string>>()
  const todo: string[] = []
  const flow = (step: string, set: ReadonlySet<string>) => {
    if (!graph.steps.has(step)) return
    const before = entry.get(step)
    if (before === undefined) entry.set(step, new Set(set))
    else {
      const met = [...before].filter((n) => set.has(n))
      if (met.length === before.size) return
      entry.set(step, new Set(met))
    }
    todo.push(step)
  }
  flow(graph.start, initial)
  const out: RunBefore = new Map()
  for (let step = todo.pop(); step !== undefined; step = todo.pop()) {
    const node = graph.steps.get(step)!
    let ran: ReadonlySet<string> = entry.get(step)!
    const end = node.leavesAt ?? node.actions.length - 1
    node.actions.forEach((action, index) => {
      if (index > end) return
      out.set(actionKey(step, index), ran)
      const request = 'http' in action ? action.http.name : undefined
      for (const e of node.exits)
        if (e.action === index && e.live)
          flow(e.target, e.kind === 'http-otherwise' || !request ? ran : new Set([...ran, request]))
      if (request) ran = new Set([...ran, request])
    })
  }
  return out
}
