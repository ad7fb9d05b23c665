/** `ivr-router schedule list | show NAME`: stored schedules (`apply` writes them) and whether they are open. */
import type { Command } from 'commander'
import { stringify } from 'yaml'
import { listSchedules, showSchedule } from '../store/schedules.js'
import { UsageError } from './errors.js'
import {
  accepted,
  jsonOption,
  printJson,
  printTable,
  storeCommand,
  withStore,
  type StoreOptions,
} from './store-commands.js'

type Options = StoreOptions & { at?: string }

function when(opts: Options): number {
  if (opts.at === undefined) return Date.now()
  const at = Date.parse(opts.at)
  if (Number.isNaN(at)) throw new UsageError(`--at "${opts.at}": use ISO 8601, e.g. 2026-11-23T10:00:00+09:00`)
  return at
}

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString())

export function registerScheduleCommands(program: Command): void {
  const schedule = program.command('schedule').description('opening hours')
  jsonOption(storeCommand(schedule, 'list', 'list the schedules and whether each is open'))
    .option('--at <iso-8601>', 'open at this time instead of now')
    .action(async (opts: Options) => {
      const at = when(opts)
      const list = await withStore(opts, (store) => listSchedules(store.db, at))
      if (opts.json) printJson(list.map((s) => ({ ...s, nextChange: iso(s.nextChange) })))
      else
        printTable(
          ['NAME', 'OPEN', 'UNTIL', 'TIMEZONE', 'TITLE'],
          list.map((s) => [s.name, s.open ? 'open' : 'closed', iso(s.nextChange), s.timezone, s.title]),
        )
    })
  jsonOption(storeCommand(schedule, 'show', 'print a schedule as YAML'))
    .argument('<name>', 'the schedule')
    .option('--at <iso-8601>', 'open at this time instead of now')
    .action(async (name: string, opts: Options) => {
      const at = when(opts)
      const s = accepted(await withStore(opts, (store) => showSchedule(store.db, name, at)))
      if (opts.json) {
        printJson({ name: s.name, open: s.open, nextChange: iso(s.nextChange), document: s.document })
        return
      }
      process.stdout.write(stringify(s.document, { lineWidth: 0 }))
      process.stdout.write(
        `# ${s.open ? 'open' : 'closed'} now${s.nextChange === null ? '' : ` until ${iso(s.nextChange)}`}\n`,
      )
    })
}
