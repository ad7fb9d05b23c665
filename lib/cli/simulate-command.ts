/**
 * `ivr-router simulate FILE...`: one call through the real engine against a scripted caller and
 * agents, in virtual time (DESIGN.md, "The simulator command").
 */
import type { Command } from 'commander'
import { isValidRegion } from '../phone/e164.js'
import { simulate, type SimulateResult } from '../sim/simulate.js'
import { parseHttpScript } from '../sim/requests.js'
import { parseCallback, parseConnect, parseKeys } from '../sim/scenario.js'
import { transcriptLine } from '../sim/transcript.js'
import { resolveWorkflow } from '../server/resolve.js'
import { VirtualClock } from '../sim/clock.js'
import { SimWorld } from '../sim/world.js'
import { storeConfig } from '../store/config.js'
import { openStore } from '../store/db.js'
import { loadDirectory } from '../store/directory.js'
import type { Directory } from '../workflow/directory.js'
import type { Workflow } from '../workflow/schema.js'
import { UsageError } from './errors.js'
import { validDirectory } from './valid-directory.js'

type Options = {
  number?: string
  from: string
  at?: string
  keys?: string
  connect?: string
  callback?: string
  queueWait: string
  hangupAt?: string
  region: string
  databaseUrl?: string
  json?: boolean
  http: string[]
}

function parseOrUsage<T>(flag: string, parse: () => T): T {
  try {
    return parse()
  } catch (err) {
    throw new UsageError(err instanceof Error ? err.message : `bad ${flag}`)
  }
}

/** The stored directory, and the workflow `serve` would run for this call at that time. */
async function fromStore(
  number: string,
  caller: string,
  at: number,
  opts: Options,
): Promise<{ directory: Directory; chosen: { workflow: Workflow; version: number } }> {
  let config
  try {
    config = storeConfig({ databaseUrl: opts.databaseUrl })
  } catch (err) {
    throw new UsageError(err instanceof Error ? err.message : String(err))
  }
  const store = await openStore(config)
  try {
    const stored = await loadDirectory(store.db)
    const directory: Directory = {
      workflows: [...stored.workflows.values()].map((v) => v.workflow),
      schedules: [...stored.schedules.values()],
      teams: [...stored.teams.values()],
      agents: [...stored.agents.values()],
      contacts: [],
    }
    // Resolution sees schedules at the simulated time, as serve would at that moment.
    const world = new SimWorld(directory, new VirtualClock(at), opts.region)
    const workflow = await resolveWorkflow(stored.candidates, { caller, dialed: number }, world)
    const found = workflow && stored.workflows.get(workflow.name)
    if (!found) throw new UsageError(`no workflow for ${number}: not bound, and no enabled incoming workflow matches`)
    return { directory, chosen: found }
  } finally {
    await store.close()
  }
}

export function registerSimulateCommand(program: Command): void {
  program
    .command('simulate')
    .description('run a call through a workflow with a scripted caller, in virtual time')
    .argument('[files...]', 'workflow files (YAML or JSON): the first incoming workflow runs; none: the database')
    .option('--number <number>', 'dialled number; without files, the workflow is resolved for it as serve does')
    .option('--database-url <url>', 'without files: PostgreSQL (default: $DATABASE_URL, else the embedded database)')
    .option('--from <caller>', 'caller number', '010-1234-5678')
    .option('--at <iso-8601>', 'when the call happens (default: now)')
    .option('--keys <list>', 'inputs, one per prompt that reads keys: 1,123456#,_ (_ = no input)')
    .option('--connect <list>', 'ringing results in order: answer, no-answer, busy, none')
    .option(
      '--callback <list>',
      'serve a callback the caller takes, after the call: the customer at each attempt (answer, no-answer, busy)',
    )
    .option('--queue-wait <seconds>', 'seconds the caller waits in the queue before hanging up', '0')
    .option('--hangup-at <step>', 'the caller hangs up on entering this step')
    .option(
      '--http <name=response>',
      "an http action's response: NAME=FILE.json, NAME='{…}', NAME=timeout or NAME=error (repeatable)",
      (value: string, list: string[]) => [...list, value],
      [] as string[],
    )
    .option('--region <code>', 'default region for numbers without a country code', process.env.IVR_REGION ?? 'KR')
    .option('--json', 'print one JSON object instead of a transcript')
    .action(async (files: string[], opts: Options) => {
      const at = opts.at === undefined ? Date.now() : Date.parse(opts.at)
      if (Number.isNaN(at)) throw new UsageError(`--at "${opts.at}": use ISO 8601, e.g. 2026-11-23T10:00:00+09:00`)
      const queueWait = Number(opts.queueWait)
      if (!Number.isFinite(queueWait) || queueWait < 0 || queueWait > 86_400)
        throw new UsageError(`--queue-wait "${opts.queueWait}": seconds from 0 to 86400`)
      if (!isValidRegion(opts.region)) throw new UsageError(`--region "${opts.region}": use a country code such as KR`)
      const keys = opts.keys === undefined ? [] : parseOrUsage('--keys', () => parseKeys(opts.keys!))
      const connect = opts.connect === undefined ? [] : parseOrUsage('--connect', () => parseConnect(opts.connect!))
      const callback =
        opts.callback === undefined ? undefined : parseOrUsage('--callback', () => parseCallback(opts.callback!))
      const http = new Map(opts.http.map((entry) => parseOrUsage('--http', () => parseHttpScript(entry))))

      let directory: Directory
      let chosen: { workflow: Workflow; version?: number } | undefined
      if (files.length > 0) {
        directory = await validDirectory(files, opts.region)
        if (!directory.workflows.some((w) => w.trigger === 'incoming'))
          throw new UsageError('no incoming workflow in the files given')
      } else {
        if (opts.number === undefined) throw new UsageError('give workflow files, or --number to use the database')
        ;({ directory, chosen } = await fromStore(opts.number, opts.from, at, opts))
      }
      if (opts.hangupAt !== undefined && !directory.workflows.some((w) => opts.hangupAt! in w.steps))
        throw new UsageError(`--hangup-at "${opts.hangupAt}": no such step`)

      const result = await simulate({
        directory,
        ...(chosen ? { workflow: chosen.workflow } : {}),
        caller: opts.from,
        dialed: opts.number ?? '070-1234-5678',
        ...(chosen?.version !== undefined ? { version: chosen.version } : {}),
        at,
        region: opts.region,
        http,
        scenario: {
          keys,
          connect,
          queueWaitSeconds: queueWait,
          talkSeconds: 60,
          voicemailSeconds: 10,
          ...(callback ? { callback } : {}),
          ...(opts.hangupAt !== undefined ? { hangupAtStep: opts.hangupAt } : {}),
        },
        ...(opts.json ? {} : { onEvent: (e) => process.stdout.write(`${transcriptLine(e)}\n`) }),
      })
      if (opts.json) {
        const { record: _record, ...contract } = result
        process.stdout.write(`${JSON.stringify(contract, null, 2)}\n`)
        return
      }
      const summary = [
        `outcome: ${result.outcome}${result.inbox ? ` (inbox: ${result.inbox.reason})` : ''}`,
        `workflow: ${result.workflow}, steps: ${result.steps.join(' → ')}`,
        result.team || result.agent ? `team: ${result.team ?? '-'}, agent: ${result.agent ?? '-'}` : undefined,
        result.tags.length ? `tags: ${result.tags.join(', ')}` : undefined,
        Object.keys(result.fields).length ? `fields: ${JSON.stringify(result.fields)}` : undefined,
        result.callback ? callbackSummary(result.callback) : undefined,
      ]
      process.stdout.write(`${summary.filter(Boolean).join('\n')}\n`)
    })
}

/** The callback taken, and with `--callback` each offer of it and how it ended (times since the call started). */
function callbackSummary(cb: NonNullable<SimulateResult['callback']>): string {
  const head = `callback: ${cb.id} to ${cb.number}`
  if (!cb.served) return `${head} (kept in line; --callback serves it)`
  const at = (ms: number) => `+${Math.round(ms / 1000)}s`
  const offers = cb.served.offers.map((o) =>
    o.outcome === 'served'
      ? `  ${at(o.at)} ${o.agent} answered, the customer answered: served (${o.talkSeconds}s)`
      : o.outcome === 'unreached'
        ? `  ${at(o.at)} ${o.agent} answered, the customer did not (${o.cause}): attempt counted`
        : `  ${at(o.at)} no agent took it (${o.agents.join(', ')}${o.cause ? `: ${o.cause}` : ''})`,
  )
  return [`${head}: ${cb.served.status} after ${cb.served.attempts} attempt(s)`, ...offers].join('\n')
}
