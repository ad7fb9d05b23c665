/**
 * `ivr-router callback list [--all] | cancel ID`: the callbacks keeping callers' places in line (lib/store/callbacks.ts),
 * on every router of the database. A cancel is recorded as `cli:<os user>`.
 */
import type { Command } from 'commander'
import { cancelCallback, listCallbacks, type CallbackRow } from '../store/callbacks.js'
import { UsageError } from './errors.js'
import {
  jsonOption,
  operatorName,
  printJson,
  printTable,
  storeCommand,
  withStore,
  type StoreOptions,
} from './store-commands.js'

type ListOptions = StoreOptions & { all?: boolean }

/** Callback ids are the router's own (`cb-` and a UUID): anything else is refused before it reaches the store. */
const CALLBACK_ID = /^cb-[0-9a-zA-Z-]{1,64}$/

const iso = (d: Date | null) => (d === null ? null : d.toISOString().replace(/\.\d+Z$/, 'Z'))

export function registerCallbackCommands(program: Command): void {
  const callback = program.command('callback').description('callers waiting to be called back, in their place in line')
  jsonOption(storeCommand(callback, 'list', 'list open callbacks in the order they are offered agents'))
    .option('--all', 'also the callbacks that ended (served, failed, cancelled), after the open ones')
    .action(async (opts: ListOptions) => {
      const list = await withStore(opts, (store) => listCallbacks(store.db, { all: opts.all === true }))
      if (opts.json) return printJson(list)
      if (list.length === 0) return void process.stdout.write(opts.all ? 'no callbacks\n' : 'no callback is open\n')
      printTable(
        ['ID', 'FOR', 'NUMBER', 'PRIO', 'PLACE SINCE', 'STATUS', 'ATTEMPTS', 'NEXT', 'LAST CAUSE', 'ROUTER', 'CALL'],
        list.map((c: CallbackRow) => [
          c.id,
          c.team === null ? `agent ${c.agent}` : `team ${c.team}`,
          c.number,
          c.priority,
          iso(c.requestedAt),
          c.status,
          `${c.attempts}/${c.maxAttempts}`,
          iso(c.nextAttemptAt),
          c.lastCause,
          c.router,
          c.callId,
        ]),
      )
    })
  jsonOption(storeCommand(callback, 'cancel', 'take a callback out of the line (its agent, if any, is given back)'))
    .argument('<id>', 'the callback id (from callback list)')
    .action(async (id: string, opts: StoreOptions) => {
      if (!CALLBACK_ID.test(id)) throw new UsageError(`callback id ${JSON.stringify(id.slice(0, 80))}: expected cb-…`)
      const result = await withStore(opts, (store) => cancelCallback(store.db, id, `cli:${operatorName()}`))
      if (!result) throw new UsageError(`no callback ${id}`)
      if ('notOpen' in result) throw new UsageError(`callback ${id} is ${result.notOpen.status}: nothing to cancel`)
      if (opts.json) printJson(result.cancelled)
      else process.stdout.write(`callback ${id} cancelled\n`)
    })
}
