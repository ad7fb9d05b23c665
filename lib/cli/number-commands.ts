/** `ivr-router number bind NUMBER WORKFLOW | unbind NUMBER | list`: which workflow a dialled number runs. */
import type { Command } from 'commander'
import { bindNumber, listBindings, unbindNumber } from '../store/numbers.js'
import {
  accepted,
  jsonOption,
  printJson,
  printTable,
  storeCommand,
  withStore,
  type StoreOptions,
} from './store-commands.js'

export function registerNumberCommands(program: Command): void {
  const number = program.command('number').description('dialled numbers bound to workflows')
  storeCommand(number, 'bind', 'run WORKFLOW for calls to NUMBER (070-1234-5678, 07012345678 or +82 70 1234 5678)')
    .argument('<number>', 'the dialled number')
    .argument('<workflow>', 'an enabled incoming workflow')
    .action(async (raw: string, workflow: string, opts: StoreOptions) => {
      const r = accepted(await withStore(opts, (store) => bindNumber(store, raw, workflow, opts.region)))
      const was = r.previous !== null && r.previous !== r.workflow ? ` (was ${r.previous})` : ''
      process.stdout.write(`${r.number} → ${r.workflow}${was}\n`)
    })
  storeCommand(number, 'unbind', 'let NUMBER go to the top-priority incoming workflow again')
    .argument('<number>', 'a bound number')
    .action(async (raw: string, opts: StoreOptions) => {
      const r = accepted(await withStore(opts, (store) => unbindNumber(store, raw, opts.region)))
      process.stdout.write(`${r.number} unbound (was ${r.workflow})\n`)
    })
  jsonOption(storeCommand(number, 'list', 'list the bound numbers')).action(async (opts: StoreOptions) => {
    const list = await withStore(opts, (store) => listBindings(store.db))
    if (opts.json) printJson(list)
    else
      printTable(
        ['NUMBER', 'WORKFLOW', 'ENABLED'],
        list.map((b) => [b.number, b.workflow, b.enabled ? 'yes' : 'no (calls go to the top-priority workflow)']),
      )
  })
}
