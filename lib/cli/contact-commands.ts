/**
 * `ivr-router contact import FILE.csv | list`. An import keeps the good rows, reports each bad one
 * on stderr as `FILE:LINE: reason`, ends with a summary, and exits 1 when any row was bad.
 */
import type { Command } from 'commander'
import { importContacts, listContacts } from '../store/contacts.js'
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

type ListOptions = StoreOptions & { tag?: string; limit: string }

export function registerContactCommands(program: Command): void {
  const contact = program.command('contact').description('known callers')
  jsonOption(
    storeCommand(
      contact,
      'import',
      'import contacts from CSV: header number,name,tags,ATTRIBUTE… (docs/operations.md)',
    ),
  )
    .argument('<file>', 'a CSV file with a header row')
    .action(async (file: string, opts: StoreOptions) => {
      const r = accepted(await withStore(opts, (store) => importContacts(store, file, opts.region)))
      if (opts.json) printJson({ imported: r.imported, errors: r.errors })
      else for (const e of r.errors) process.stderr.write(`${file}:${e.line}: ${e.message}\n`)
      const bad = r.errors.length
      if (!opts.json)
        process.stdout.write(
          `${r.imported} contact${r.imported === 1 ? '' : 's'} imported, ${bad} bad row${bad === 1 ? '' : 's'}\n`,
        )
      if (bad > 0) process.exitCode = 1
    })
  jsonOption(storeCommand(contact, 'list', 'list contacts'))
    .option('--tag <tag>', 'only contacts with this tag')
    .option('--limit <n>', 'at most this many', '1000')
    .action(async (opts: ListOptions) => {
      const limit = wholeNumber('--limit', opts.limit, 1, 1_000_000)
      const filter = { limit, ...(opts.tag === undefined ? {} : { tag: opts.tag }) }
      const list = await withStore(opts, (store) => listContacts(store.db, filter))
      if (opts.json) printJson(list)
      else
        printTable(
          ['NUMBER', 'NAME', 'TAGS', 'ATTRIBUTES'],
          list.map((c) => [
            c.number,
            c.name,
            c.tags.join(';') || '-',
            Object.entries(c.attributes)
              .map(([k, v]) => `${k}=${v}`)
              .join(' ') || '-',
          ]),
        )
    })
}
