/** `ivr-router agent add | list | remove | status`: agents, their teams and their presence. */
import type { Command } from 'commander'
import { addAgent, listAgents, removeAgent, setAgentStatus, type AgentRow } from '../store/agents.js'
import {
  accepted,
  jsonOption,
  printJson,
  printTable,
  storeCommand,
  wholeNumber,
  withStore,
  type StoreOptions,
} from './store-commands.js'

type AddOptions = StoreOptions & {
  dial?: string
  team?: string[]
  status?: string
  title?: string
  wrapUpSeconds?: string
  maxNoAnswer?: string
}

/** `unreachable (USER_NOT_REGISTERED) until 10:42:05Z`, `wrap-up until …`, or nothing. */
function resting(a: AgentRow): string | null {
  if (a.restUntil === null || a.restReason === null) return null
  const until = a.restUntil
    .toISOString()
    .replace(/\.\d+Z$/, 'Z')
    .slice(11)
  return `${a.restReason}${a.restCause ? ` (${a.restCause})` : ''} until ${until}`
}

export function registerAgentCommands(program: Command): void {
  const agent = program.command('agent').description('agents who answer calls')
  storeCommand(agent, 'add', 'add an agent, or change the settings given of an existing one')
    .argument('<name>', 'lowercase letters, digits and "-"')
    .option('--dial <endpoint>', 'FreeSWITCH dial string, e.g. user/1001@pbx.example.com (needed for a new agent)')
    .option('--team <team...>', 'the teams the agent is in (replaces the list)')
    .option('--status <status>', 'available | away | offline (new agent: available)')
    .option('--title <text>', 'a readable name')
    .option(
      '--wrap-up-seconds <s>',
      "after each call, not offered callers for this long (0 to 3600; default: the team's)",
    )
    .option(
      '--max-no-answer <n>',
      "set away after this many unanswered offers in a row (1 to 100; default: the team's)",
    )
    .action(async (name: string, opts: AddOptions) => {
      const input = {
        name,
        ...(opts.dial === undefined ? {} : { dial: opts.dial }),
        ...(opts.team === undefined ? {} : { teams: opts.team.flatMap((t) => t.split(',')).filter(Boolean) }),
        ...(opts.status === undefined ? {} : { status: opts.status }),
        ...(opts.title === undefined ? {} : { title: opts.title }),
        ...(opts.wrapUpSeconds === undefined
          ? {}
          : { wrapUpSeconds: wholeNumber('--wrap-up-seconds', opts.wrapUpSeconds, 0, 1e6) }),
        ...(opts.maxNoAnswer === undefined
          ? {}
          : { maxNoAnswer: wholeNumber('--max-no-answer', opts.maxNoAnswer, 0, 1e6) }),
      }
      const r = accepted(await withStore(opts, (store) => addAgent(store, input)))
      process.stdout.write(`agent ${r.name}: ${r.change}\n`)
    })
  jsonOption(
    storeCommand(agent, 'list', 'list the agents: teams, status, the call they are on, and why they rest if they do'),
  ).action(async (opts: StoreOptions) => {
    const list = await withStore(opts, (store) => listAgents(store.db))
    if (opts.json) printJson(list)
    else
      printTable(
        ['NAME', 'STATUS', 'TEAMS', 'DIAL', 'ON CALL', 'RESTING', 'TITLE'],
        list.map((a) => [a.name, a.status, a.teams.join(',') || '-', a.dial, a.reservedBy, resting(a), a.title]),
      )
  })
  storeCommand(agent, 'remove', 'remove an agent (refused while a workflow names it)')
    .argument('<name>', 'the agent')
    .action(async (name: string, opts: StoreOptions) => {
      const r = accepted(await withStore(opts, (store) => removeAgent(store, name, opts.region)))
      process.stdout.write(`agent ${r.name} removed\n`)
    })
  storeCommand(agent, 'status', "set an agent's presence: only available agents are rung")
    .argument('<name>', 'the agent')
    .argument('<status>', 'available | away | offline')
    .action(async (name: string, status: string, opts: StoreOptions) => {
      const r = accepted(await withStore(opts, (store) => setAgentStatus(store, name, status)))
      process.stdout.write(
        `agent ${r.name}: ${r.status}${r.previous === r.status ? ' (already)' : ` (was ${r.previous})`}\n`,
      )
    })
}
