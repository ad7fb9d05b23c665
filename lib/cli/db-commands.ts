/** `ivr-router db migrate`: brings the database schema up to date (safe to run again, and from several hosts). */
import type { Command } from 'commander'
import { migrateStore } from '../store/db.js'
import { storeCommand, withStore, type StoreOptions } from './store-commands.js'

export function registerDbCommands(program: Command): void {
  const db = program.command('db').description('the database itself')
  storeCommand(db, 'migrate', 'create or update the tables (does nothing when they are up to date)').action(
    async (opts: StoreOptions) => {
      const description = await withStore(opts, async (store) => {
        await migrateStore(store)
        return store.description
      })
      process.stdout.write(`database up to date: ${description}\n`)
    },
  )
}
