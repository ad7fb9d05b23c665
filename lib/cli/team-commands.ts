/** `ivr-router team add | list | remove`: teams and how they ring their agents. */
import type { Command } from 'commander'
import { addTeam, listTeams, removeTeam } from '../store/teams.js'
import { STRATEGIES } from '../workflow/schema.js'
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
  strategy?: string
  ringSeconds?: string
  title?: string
  announcePositionSeconds?: string
  positionMessage?: string
  waitMessage?: string
  wrapUpSeconds?: string
  maxNoAnswer?: string
}

export function registerTeamCommands(program: Command): void {
  const team = program.command('team').description('teams of agents')
  storeCommand(team, 'add', 'add a team, or change the settings given of an existing one')
    .argument('<name>', 'lowercase letters, digits and "-"')
    .option('--strategy <strategy>', `${STRATEGIES.join(' | ')} (new team: simultaneous)`)
    .option('--ring-seconds <seconds>', 'how long each agent offered rings, 5 to 300 (new team: 20)')
    .option('--wrap-up-seconds <s>', 'after each call, its agents are not offered callers for this long, 0 to 3600')
    .option('--max-no-answer <n>', 'an agent goes away after this many unanswered offers in a row, 1 to 100')
    .option('--title <text>', 'a readable name')
    .option('--announce-position-seconds <s>', 'queued callers hear their place on entering, then every s, 10 to 3600')
    .option(
      '--position-message <text>',
      'what they hear, with {{position}} (default "대기 순번은 {{position}}번입니다.")',
    )
    .option('--wait-message <text>', 'said after the position when the wait can be estimated, with {{wait}} (minutes)')
    .action(async (name: string, opts: AddOptions) => {
      const input = {
        name,
        ...(opts.strategy === undefined ? {} : { strategy: opts.strategy }),
        ...(opts.ringSeconds === undefined
          ? {}
          : { ringSeconds: wholeNumber('--ring-seconds', opts.ringSeconds, 0, 1e6) }),
        ...(opts.title === undefined ? {} : { title: opts.title }),
        ...(opts.announcePositionSeconds === undefined
          ? {}
          : {
              announcePositionSeconds: wholeNumber('--announce-position-seconds', opts.announcePositionSeconds, 0, 1e6),
            }),
        ...(opts.positionMessage === undefined ? {} : { positionMessage: opts.positionMessage }),
        ...(opts.waitMessage === undefined ? {} : { waitMessage: opts.waitMessage }),
        ...(opts.wrapUpSeconds === undefined
          ? {}
          : { wrapUpSeconds: wholeNumber('--wrap-up-seconds', opts.wrapUpSeconds, 0, 1e6) }),
        ...(opts.maxNoAnswer === undefined
          ? {}
          : { maxNoAnswer: wholeNumber('--max-no-answer', opts.maxNoAnswer, 0, 1e6) }),
      }
      const r = accepted(await withStore(opts, (store) => addTeam(store, input)))
      process.stdout.write(`team ${r.name}: ${r.change}\n`)
    })
  jsonOption(storeCommand(team, 'list', 'list the teams and their agents')).action(async (opts: StoreOptions) => {
    const list = await withStore(opts, (store) => listTeams(store.db))
    if (opts.json) printJson(list)
    else
      printTable(
        ['NAME', 'STRATEGY', 'RING', 'WRAP-UP', 'MAX NO ANSWER', 'AGENTS', 'TITLE'],
        list.map((t) => [
          t.name,
          t.strategy,
          `${t.ringSeconds}s`,
          t.wrapUpSeconds === null ? '-' : `${t.wrapUpSeconds}s`,
          t.maxNoAnswer ?? '-',
          t.agents.join(',') || '-',
          t.title,
        ]),
      )
  })
  storeCommand(team, 'remove', 'remove a team (refused while a workflow names it)')
    .argument('<name>', 'the team')
    .action(async (name: string, opts: StoreOptions) => {
      const r = accepted(await withStore(opts, (store) => removeTeam(store, name, opts.region)))
      const members = r.agents.length > 0 ? ` (its agents ${r.agents.join(', ')} stay, without it)` : ''
      process.stdout.write(`team ${r.name} removed${members}\n`)
    })
}
