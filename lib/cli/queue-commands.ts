/**
 * `ivr-router queue list`: who waits for which team or agent now, on every router on the database, callbacks
 * (state `callback`, the number called back as CALLER) in the places they keep.
 */
import type { Command } from 'commander'
import { listQueue } from '../store/queue.js'
import { jsonOption, printJson, printTable, storeCommand, withStore, type StoreOptions } from './store-commands.js'

export function registerQueueCommands(program: Command): void {
  const queue = program.command('queue').description('callers waiting for an agent')
  jsonOption(
    storeCommand(
      queue,
      'list',
      'list the callers in line, in the order they are offered agents (ringing first, then priority, then arrival)',
    ),
  ).action(async (opts: StoreOptions) => {
    const list = await withStore(opts, (store) => listQueue(store.db))
    if (opts.json) printJson(list)
    else if (list.length === 0) process.stdout.write('nobody is queued\n')
    else
      printTable(
        ['FOR', 'POS', 'PRIO', 'CALLER', 'SINCE', 'WAIT', 'STATE', 'ROUTER', 'CALL'],
        list.map((q) => [
          q.team === null ? `agent ${q.agent}` : `team ${q.team}`,
          q.position ?? '-',
          q.priority,
          q.caller,
          q.enqueuedAt.toISOString().replace(/\.\d+Z$/, 'Z'),
          `${Math.round(q.waitSeconds)}s`,
          q.state,
          q.router,
          q.callId,
        ]),
      )
  })
}
