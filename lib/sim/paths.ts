/**
 * Every distinct path through a workflow (distinct steps and outcome), with the simulator inputs
 * that lead there: the coverage list an operator checks before publishing.
 *
 * Paths are found by running the real engine, not by reading the workflow: each run follows a
 * script of choices; at the first prompt or ringing the script does not cover, the search runs
 * again once per choice there (every menu target, no key; the form inputs of path-inputs.ts;
 * answered, nobody free; for the first request of each http action name, the answers its data
 * conditions tell apart, an empty answer and a failure). The engine itself bounds each run (a menu plays at most `repeat` times
 * per visit, each try-connect runs once), so only loops through keys need a bound: a path may
 * enter a step at most `maxVisits` times. Around the search, the inputs that are not choices in a
 * call are varied: the time (open / closed for each schedule a branch reads), the caller and
 * dialled number (when conditions read them) and how long the caller waits in a queue (gives up
 * at once, or stays until a `queued` workflow runs). Finally every path is replayed through
 * simulate() from its printed inputs, so that a listed path is what `ivr-router simulate` does.
 *
 * Not enumerated: a caller hanging up during the IVR (possible anywhere: `--hangup-at STEP`).
 */
import {
  type Call,
  type ReadKeysRequest,
  type ReadKeysResult,
  type RingRequest,
  type RingResult,
  type VoicemailRequest,
  type VoicemailResult,
} from '../engine/call.js'
import type { CallRecord, InboxReason, Outcome } from '../engine/record.js'
import { writtenPrompt } from '../engine/fill.js'
import { runCall } from '../engine/run.js'
import type { Directory } from '../workflow/directory.js'
import type { Prompt, Workflow } from '../workflow/schema.js'
import { SimCall } from './call.js'
import { VirtualClock } from './clock.js'
import { formInputs, instants, numbers, responsesFor } from './path-inputs.js'
import { httpScriptText, parseHttpScript, type HttpScript } from './requests.js'
import { parseConnect, parseKeys, type ConnectResult, type Scenario } from './scenario.js'
import { firstIncoming, simulate } from './simulate.js'
import { SimWorld } from './world.js'

export const DEFAULT_CALLER = '010-1234-5678'
export const DEFAULT_DIALED = '070-1234-5678'

export type PathInputs = {
  /** `--at`, when a schedule decides something. */
  at?: string
  /** `--from`, when a condition reads the caller. */
  from?: string
  /** `--number`, when a condition reads the dialled number. */
  number?: string
  /** `--keys`, in its syntax (`1,123456#,_`). */
  keys?: string
  /** `--connect`. */
  connect?: string
  /** `--queue-wait`, when not 0. */
  queueWait?: number
  /** `--http`, one entry per http action name (`crm={…}`, `crm=error`). */
  http?: string[]
}

export type WorkflowPath = {
  steps: string[]
  outcome: Outcome
  inbox: InboxReason | null
  team: string | null
  agent: string | null
  inputs: PathInputs
}

export type PathsResult = {
  workflow: string
  paths: WorkflowPath[]
  /** False when `maxPaths` or `maxRuns` stopped the search: there are more paths than listed. */
  complete: boolean
  /** Which bound stopped it. */
  stoppedBy?: 'max-paths' | 'max-runs'
  /** Runs left out because they entered a step more than `maxVisits` times. */
  loopsCut: number
  runs: number
}

export type PathsOptions = {
  directory: Directory
  /** Default: the first incoming workflow, as simulate runs. */
  workflow?: Workflow
  /** Where the search of times starts, ms since the epoch. */
  at: number
  region: string
  maxPaths: number
  /** How many times a path may enter the same step (loops through menu keys). Default 2. */
  maxVisits?: number
  /** Bound on engine runs, whatever the number of paths. Default 20000. */
  maxRuns?: number
}

/** Where the script ran out during one run: the n-th key read or ringing, and what could happen there. */
type Point = { kind: 'keys' | 'ring' | 'http'; index: number; options: string[]; stepsSoFar: number; name?: string }

type Env = { at: number; atText: string; caller: string; dialed: string; queueWait: number }

/** When the distributor would offer the caller an agent: one answers, or nobody is free. */
const RING_CHOICES: ConnectResult[] = ['answer', 'none']

/**
 * The Call of a search run: the simulator's, noting each key read and each offer the script does not cover as
 * a choice point (hunting through a team after no answer leads to the same steps as nobody being free, so the
 * choices are whether the caller is answered).
 */
class ExploringCall implements Call {
  readonly points: Point[] = []
  #keys = 0

  constructor(
    private readonly sim: SimCall,
    private readonly optionsFor: (prompt: Prompt) => string[],
    private readonly stepsSoFar: () => number,
    private readonly connectLength: number,
  ) {}

  get id() {
    return this.sim.id
  }
  get caller() {
    return this.sim.caller
  }
  get callerName() {
    return this.sim.callerName
  }
  get dialed() {
    return this.sim.dialed
  }
  get ended() {
    return this.sim.ended
  }
  get isEnded() {
    return this.sim.isEnded
  }
  answer(): Promise<void> {
    return this.sim.answer()
  }
  play(prompt: Prompt): Promise<void> {
    return this.sim.play(prompt)
  }
  readKeys(req: ReadKeysRequest): Promise<ReadKeysResult> {
    this.points.push({
      kind: 'keys',
      index: this.#keys++,
      options: this.optionsFor(writtenPrompt(req.prompt)),
      stepsSoFar: this.stepsSoFar(),
    })
    return this.sim.readKeys(req)
  }
  get ringsLeft(): boolean {
    return this.sim.ringsLeft
  }
  /**
   * The world would offer an agent: past the script's end, a choice point (nobody, for this run) when the caller
   * asked; an agent freeing up while it waits is not a choice (`simulate` offers one only while results remain).
   */
  nobodyFree(asked: boolean): boolean {
    const index = this.sim.ringsUsed
    if (index < this.connectLength) return this.sim.nobodyFree()
    if (asked && !this.points.some((p) => p.kind === 'ring' && p.index === index))
      this.points.push({ kind: 'ring', index, options: RING_CHOICES, stepsSoFar: this.stepsSoFar() })
    return true
  }
  ring(req: RingRequest): Promise<RingResult> {
    return this.sim.ring(req)
  }
  voicemail(req: VoicemailRequest): Promise<VoicemailResult> {
    return this.sim.voicemail(req)
  }
  startHold(opts?: { comfort?: boolean }): Promise<void> {
    return this.sim.startHold(opts)
  }
  stopHold(): Promise<void> {
    return this.sim.stopHold()
  }
  hangup(): Promise<void> {
    return this.sim.hangup()
  }
}

function scenarioOf(keys: string[], connect: ConnectResult[], queueWait: number): Scenario {
  return { keys, connect, queueWaitSeconds: queueWait, talkSeconds: 60, voicemailSeconds: 10 }
}

/** What may be pressed at the prompt: one key per menu target (a `repeat` key is no key), or form inputs. */
function choicesAt(workflows: readonly Workflow[]): (workflow: string, step: string, prompt: Prompt) => string[] {
  const memo = new Map<Prompt, string[]>()
  return (workflow, step, prompt) => {
    let options = memo.get(prompt)
    if (options) return options
    const actions = workflows.find((w) => w.name === workflow)?.steps[step] ?? []
    // The callback's read-back is spoken per call (not a written prompt): confirming is the path worth trying.
    if (!actions.some((a) => 'menu' in a || 'collect' in a) && actions.some((a) => 'callback' in a)) return ['1', '']
    options = ['']
    for (const a of actions) {
      if ('menu' in a && a.menu.prompt === prompt) {
        const targets = new Map<string, string>()
        for (const [key, target] of Object.entries(a.menu.options))
          if (target !== 'repeat' && !targets.has(target)) targets.set(target, key)
        options = [...targets.values(), '']
      } else if ('collect' in a && a.collect.prompt === prompt) options = formInputs(a.collect, workflows)
    }
    memo.set(prompt, options)
    return options
  }
}

function tooManyVisits(steps: readonly string[], maxVisits: number): boolean {
  const count = new Map<string, number>()
  for (const s of steps) {
    const n = (count.get(s) ?? 0) + 1
    if (n > maxVisits) return true
    count.set(s, n)
  }
  return false
}

export const keysText = (keys: readonly string[]) => keys.map((k) => (k === '' ? '_' : k)).join(',')

export async function enumeratePaths(opts: PathsOptions): Promise<PathsResult> {
  const workflow = opts.workflow ?? firstIncoming(opts.directory)
  if (!workflow) throw new Error('no incoming workflow among the files')
  const maxVisits = opts.maxVisits ?? 2
  const maxRuns = opts.maxRuns ?? 20_000
  const { directory, region } = opts
  const queued = directory.workflows.filter((w) => w.trigger === 'queued')
  const involved = [workflow, ...queued]
  const options = choicesAt(directory.workflows)
  const responses = responsesFor(involved)

  const times = instants(involved, directory, opts.at)
  const callers = numbers(involved, directory, 'caller', DEFAULT_CALLER)
  const dialled = numbers(involved, directory, 'dialed', DEFAULT_DIALED)
  const waits = [...new Set([0, ...queued.map((w) => (w.waitSeconds ?? 0) + 1)])]

  const found = new Map<string, WorkflowPath>()
  let runs = 0
  let loopsCut = 0
  let stoppedBy: PathsResult['stoppedBy']

  const runOnce = async (env: Env, keys: string[], connect: ConnectResult[], http: Map<string, HttpScript>) => {
    runs++
    const clock = new VirtualClock(env.at)
    const httpPoints: Point[] = []
    // A request whose name has no choice yet is a choice point; this run it fails.
    const scripts = {
      get(name: string): HttpScript | undefined {
        if (http.has(name)) return http.get(name)
        if (!httpPoints.some((p) => p.name === name))
          httpPoints.push({ kind: 'http', index: 0, name, options: responses(name), stepsSoFar: steps })
        return { kind: 'error' }
      },
    }
    const world = new SimWorld(directory, clock, region, scripts)
    const sim = new SimCall('sim-0001', env.caller, env.dialed, clock, scenarioOf(keys, connect, env.queueWait))
    let where = { workflow: workflow.name, step: '' }
    let steps = 0
    const call = new ExploringCall(
      sim,
      (prompt) => options(where.workflow, where.step, prompt),
      () => steps,
      connect.length,
    )
    world.call = call
    const record = await clock.drive(
      runCall({
        workflow,
        call,
        world,
        onEvent: (e) => {
          if (e.type !== 'step') return
          where = { workflow: e.workflow, step: e.step }
          steps++
        },
      }),
    )
    const points = [...call.points, ...httpPoints].sort((a, b) => a.stepsSoFar - b.stepsSoFar)
    return { record, points }
  }

  const leaf = (
    env: Env,
    keys: string[],
    connect: ConnectResult[],
    http: Map<string, HttpScript>,
    record: CallRecord,
  ) => {
    const id = `${record.steps.join('\u0000')}\u0001${record.outcome}`
    if (found.has(id)) return
    const inputs: PathInputs = {
      ...(times.length > 1 ? { at: env.atText } : {}),
      ...(callers.length > 1 ? { from: env.caller } : {}),
      ...(dialled.length > 1 ? { number: env.dialed } : {}),
      ...(keys.length ? { keys: keysText(keys) } : {}),
      ...(connect.length ? { connect: connect.join(',') } : {}),
      ...(env.queueWait ? { queueWait: env.queueWait } : {}),
      ...(http.size ? { http: [...http].map(([name, script]) => httpScriptText(name, script)) } : {}),
    }
    found.set(id, {
      steps: record.steps,
      outcome: record.outcome,
      inbox: record.inbox?.reason ?? null,
      team: record.team,
      agent: record.agent,
      inputs,
    })
  }

  const search = async (
    env: Env,
    keys: string[],
    connect: ConnectResult[],
    http: Map<string, HttpScript> = new Map(),
  ): Promise<void> => {
    if (stoppedBy) return
    if (found.size > opts.maxPaths) stoppedBy = 'max-paths'
    else if (runs >= maxRuns) stoppedBy = 'max-runs'
    if (stoppedBy) return
    const { record, points } = await runOnce(env, keys, connect, http)
    const open = points.find((p) =>
      p.kind === 'http' ? !http.has(p.name!) : p.index >= (p.kind === 'keys' ? keys.length : connect.length),
    )
    if (tooManyVisits(open ? record.steps.slice(0, open.stepsSoFar) : record.steps, maxVisits)) {
      loopsCut++
      return
    }
    if (!open) return leaf(env, keys, connect, http, record)
    for (const choice of open.options) {
      if (open.kind === 'keys') await search(env, [...keys, choice], connect, http)
      else if (open.kind === 'ring') await search(env, keys, [...connect, choice as ConnectResult], http)
      else await search(env, keys, connect, new Map([...http, parseHttpScript(`${open.name}=${choice}`)]))
    }
  }

  for (const t of times)
    for (const caller of callers)
      for (const dialed of dialled)
        for (const queueWait of waits) await search({ at: t.at, atText: t.text, caller, dialed, queueWait }, [], [])

  const paths = [...found.values()]
  if (paths.length > opts.maxPaths) {
    stoppedBy = 'max-paths'
    paths.length = opts.maxPaths
  }
  for (const [i, path] of paths.entries()) await confirm(path, i, { ...opts, workflow })
  return { workflow: workflow.name, paths, complete: !stoppedBy, ...(stoppedBy ? { stoppedBy } : {}), loopsCut, runs }
}

/** Replays a path through simulate() from its inputs as printed; a difference is a bug here, not in the workflow. */
async function confirm(path: WorkflowPath, index: number, opts: PathsOptions & { workflow: Workflow }): Promise<void> {
  const i = path.inputs
  const result = await simulate({
    directory: opts.directory,
    workflow: opts.workflow,
    caller: i.from ?? DEFAULT_CALLER,
    dialed: i.number ?? DEFAULT_DIALED,
    at: i.at === undefined ? opts.at : Date.parse(i.at),
    region: opts.region,
    http: new Map((i.http ?? []).map((entry) => parseHttpScript(entry))),
    scenario: scenarioOf(
      i.keys === undefined ? [] : parseKeys(i.keys),
      i.connect === undefined ? [] : parseConnect(i.connect),
      i.queueWait ?? 0,
    ),
  })
  if (result.outcome !== path.outcome || result.steps.join() !== path.steps.join())
    throw new Error(
      `path ${index + 1} (${path.steps.join(' → ')}: ${path.outcome}) replays as ${result.steps.join(' → ')}: ${result.outcome}`,
    )
}

/** The arguments of `ivr-router simulate` after the files that follow a path. */
export function simulateArgs(inputs: PathInputs): string[] {
  return [
    ...(inputs.at !== undefined ? ['--at', inputs.at] : []),
    ...(inputs.from !== undefined ? ['--from', inputs.from] : []),
    ...(inputs.number !== undefined ? ['--number', inputs.number] : []),
    ...(inputs.keys !== undefined ? ['--keys', inputs.keys] : []),
    ...(inputs.connect !== undefined ? ['--connect', inputs.connect] : []),
    ...(inputs.queueWait !== undefined ? ['--queue-wait', String(inputs.queueWait)] : []),
    ...(inputs.http ?? []).flatMap((entry) => ['--http', entry]),
  ]
}
