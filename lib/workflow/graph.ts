/**
 * The step graph of a workflow: every jump from one step to another, where it is written, and
 * whether the caller has pressed keys in that step before it happens. Validation checks it for
 * unknown targets, unreachable steps and loops; diagrams and path enumeration draw from it too.
 *
 * The model follows the engine: a step's actions run in order; some actions always leave the
 * step (the actions after them never run); a step that runs out of actions ends the workflow
 * (steps do not fall through to the next one written).
 */
import type { Action, Workflow } from './schema.js'

/**
 * - `branch`: a branch entry's `goto` (conditional unless the entry has no `if`)
 * - `goto`: the goto action
 * - `menu`: a menu option's step (`repeat` is not a jump)
 * - `menu-otherwise`, `collect-otherwise`: where an exhausted menu or form goes
 * - `connect-otherwise`: where a try-connect nobody answered goes
 * - `http-otherwise`: where a failed request goes
 * - `callback-otherwise`: where a callback not taken goes
 */
export type ExitKind =
  | 'branch'
  | 'goto'
  | 'menu'
  | 'menu-otherwise'
  | 'collect-otherwise'
  | 'connect-otherwise'
  | 'http-otherwise'
  | 'callback-otherwise'

export type Exit = {
  from: string
  /** Index of the action in its step. */
  action: number
  kind: ExitKind
  /** The step named; it may not exist (validation reports it). */
  target: string
  /** Where the name is written, from the document root: `['steps', 'B', 0, 'menu', 'options', '1']`. */
  path: (string | number)[]
  /** The menu key (`menu`) or the branch entry index (`branch`). */
  key?: string
  entry?: number
  /** A menu or collect of this step, this exit's own action included, has read keys before the jump. */
  afterInput: boolean
  /** False when this jump can never happen: an earlier action always leaves the step, or an earlier branch entry has no `if`. */
  live: boolean
}

export type StepNode = {
  name: string
  actions: readonly Action[]
  exits: Exit[]
  /** Index of the first action that always leaves the step; absent when the step can run out of actions. */
  leavesAt?: number
}

export type StepGraph = {
  /** `start`, else the first key of `steps` (as the engine picks it); may name no step. */
  start: string
  /** In `Object.keys(workflow.steps)` order. */
  steps: Map<string, StepNode>
  /** Every exit of every step, in step and action order. */
  exits: Exit[]
}

/** Actions after which the rest of the step never runs. */
export function alwaysLeaves(action: Action): boolean {
  if ('goto' in action || 'hangup' in action || 'voicemail' in action || 'menu' in action) return true
  // Answered: the workflow is over; not answered: `otherwise`, or the queue.
  if ('connect' in action) return true
  if ('branch' in action) return action.branch.at(-1)?.if === undefined
  return false
}

function readsKeys(action: Action): boolean {
  return 'menu' in action || 'collect' in action || ('callback' in action && action.callback.confirm)
}

/** `live: false` marks a branch entry after one without `if`, which is never looked at. */
type ExitDraft = Omit<Exit, 'from' | 'action' | 'afterInput' | 'live'> & { live?: false }

function exitsOf(action: Action, at: (string | number)[]): ExitDraft[] {
  if ('goto' in action) return [{ kind: 'goto', target: action.goto, path: [...at, 'goto'] }]
  if ('branch' in action) {
    const otherwise = action.branch.findIndex((entry) => entry.if === undefined)
    return action.branch.map((entry, i) => ({
      kind: 'branch',
      target: entry.goto,
      path: [...at, 'branch', i, 'goto'],
      entry: i,
      ...(otherwise >= 0 && i > otherwise ? { live: false as const } : {}),
    }))
  }
  if ('menu' in action) {
    const out: ExitDraft[] = Object.entries(action.menu.options)
      .filter(([, target]) => target !== 'repeat')
      .map(([key, target]) => ({ kind: 'menu', target, path: [...at, 'menu', 'options', key], key }))
    if (action.menu.otherwise !== undefined)
      out.push({ kind: 'menu-otherwise', target: action.menu.otherwise, path: [...at, 'menu', 'otherwise'] })
    return out
  }
  if ('collect' in action && action.collect.otherwise !== undefined)
    return [{ kind: 'collect-otherwise', target: action.collect.otherwise, path: [...at, 'collect', 'otherwise'] }]
  if ('http' in action && action.http.otherwise !== undefined)
    return [{ kind: 'http-otherwise', target: action.http.otherwise, path: [...at, 'http', 'otherwise'] }]
  if ('connect' in action && action.connect.otherwise !== undefined)
    return [{ kind: 'connect-otherwise', target: action.connect.otherwise, path: [...at, 'connect', 'otherwise'] }]
  if ('callback' in action && action.callback.otherwise !== undefined)
    return [{ kind: 'callback-otherwise', target: action.callback.otherwise, path: [...at, 'callback', 'otherwise'] }]
  return []
}

export function buildGraph(workflow: Workflow): StepGraph {
  const names = Object.keys(workflow.steps)
  const steps = new Map<string, StepNode>()
  const exits: Exit[] = []
  for (const name of names) {
    const actions = workflow.steps[name] ?? []
    const node: StepNode = { name, actions, exits: [] }
    let afterInput = false
    actions.forEach((action, index) => {
      afterInput ||= readsKeys(action)
      const live = node.leavesAt === undefined
      for (const { live: entryLive, ...draft } of exitsOf(action, ['steps', name, index]))
        node.exits.push({ from: name, action: index, afterInput, live: live && entryLive !== false, ...draft })
      if (live && alwaysLeaves(action)) node.leavesAt = index
    })
    steps.set(name, node)
    exits.push(...node.exits)
  }
  return { start: workflow.start ?? names[0] ?? '', steps, exits }
}

/** The steps reachable from the start through live exits, the start included when it exists. */
export function reachable(graph: StepGraph): Set<string> {
  const seen = new Set<string>()
  const todo = graph.steps.has(graph.start) ? [graph.start] : []
  for (let step = todo.pop(); step !== undefined; step = todo.pop()) {
    if (seen.has(step)) continue
    seen.add(step)
    for (const e of graph.steps.get(step)?.exits ?? []) if (e.live && graph.steps.has(e.target)) todo.push(e.target)
  }
  return seen
}

/**
 * Cycles among the given exits, each as the exits taken in order (the first leaves the earliest
 * step of the cycle, in step order). One shortest cycle per step not already on a reported one.
 */
export function findCycles(graph: StepGraph, use: (e: Exit) => boolean): Exit[][] {
  const edges = new Map<string, Exit[]>()
  for (const e of graph.exits)
    if (use(e) && graph.steps.has(e.target)) edges.set(e.from, [...(edges.get(e.from) ?? []), e])
  const onReported = new Set<string>()
  const cycles: Exit[][] = []
  for (const start of graph.steps.keys()) {
    if (onReported.has(start)) continue
    // Breadth first from `start`, remembering the exit that first reached each step.
    const via = new Map<string, Exit>()
    const queue = [start]
    let closing: Exit | undefined
    for (let i = 0; i < queue.length && !closing; i++) {
      for (const e of edges.get(queue[i]!) ?? []) {
        if (e.target === start) {
          closing = e
          break
        }
        if (!via.has(e.target)) {
          via.set(e.target, e)
          queue.push(e.target)
        }
      }
    }
    if (!closing) continue
    const cycle = [closing]
    for (let e = via.get(closing.from); e; e = via.get(e.from)) cycle.unshift(e)
    for (const e of cycle) onReported.add(e.from)
    cycles.push(cycle)
  }
  return cycles
}

/** `A → B → A` */
export function describeCycle(cycle: readonly Exit[]): string {
  return [...cycle.map((e) => e.from), cycle.at(-1)?.target ?? ''].join(' → ')
}
