/** `ivr-router team add | list | remove`: teams and how they ring their agents. */
import type { Command } from 'commander'
import { addTeam, listTeams, removeTeam } from '../store/teams.js'
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
}

export function registerTeamCommands(program: Command): void {
  const team = program.command('team').description('teams of agents')
  storeCommand(team, 'add', 'add a team, or change the settings given of an existing one')
    .argument('<name>', 'lowercase letters, digits and "-"')
    .option('--strategy <strategy>', 'simultaneous | sequential | round-robin | longest-idle (new team: simultaneous)')
    .option('--ring-seconds <seconds>', 'how long each ringing attempt lasts, 5 to 300 (new team: 20)')
    .option('--title <text>', 'a readable name')
    .option('--announce-position-seconds <s>', 'queued callers hear their place on entering, then every s, 10 to 3600')
    .option(
      '--position-message <text>',
      'what they hear, with {{position}} (default "대기 순번은 {{position}}번입니다.")',
    )
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
      }
      const r = accepted(await withStore(opts, (store) => addTeam(store, input)))
      process.stdout.write(`team ${r.name}: ${r.change}\n`)
    })
  jsonOption(storeCommand(team, 'list', 'list the teams and their agents')).action(async (opts: StoreOptions) => {
    const list = await withStore(opts, (store) => listTeams(store.db))
    if (opts.json) printJson(list)
    else
      printTable(
        ['NAME', 'STRATEGY', 'RING', 'AGENTS', 'TITLE'],
        list.map((t) => [t.name, t.strategy, `${t.ringSeconds}s`, t.agents.join(',') || '-', t.title]),
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
