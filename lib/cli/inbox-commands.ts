/**
 * `ivr-router inbox list [--open] [--team T] [--since DATE] | show ID | resolve ID [--note TEXT] | reopen ID`:
 * the missed calls and voicemail operators call back (docs/inbox.md). An unknown id is bad input (exit 1).
 */
import type { Command } from 'commander'
import { getInbox, listInbox, reopenInbox, resolveInbox, type InboxItem } from '../store/inbox.js'
import { UsageError } from './errors.js'
import {
  jsonOption,
  printJson,
  printTable,
  storeCommand,
  wholeNumber,
  withStore,
  type StoreOptions,
} from './store-commands.js'

type ListOptions = StoreOptions & { open?: boolean; team?: string; since?: string; limit: string }
type ResolveOptions = StoreOptions & { note?: string }

const MAX_ID = 2_147_483_647

function inboxId(value: string): number {
  return wholeNumber('ID', value, 1, MAX_ID)
}

/** `2026-11-23` (midnight UTC), `2026-11-23T09:00+09:00`; a time without an offset is this machine's local time. */
function sinceDate(value: string): Date {
  const d = /^\d{4}-\d{2}-\d{2}/.test(value) ? new Date(value) : new Date(NaN)
  if (Number.isNaN(d.getTime())) throw new UsageError(`--since "${value.slice(0, 40)}": use a date such as 2026-11-23`)
  return d
}

const fieldsText = (f: Record<string, string>) =>
  Object.entries(f)
    .map(([k, v]) => `${k}=${v}`)
    .join(' ')

const who = (i: InboxItem) => i.contact ?? (i.callerName || null)

function printItem(i: InboxItem): void {
  const lines: [string, string | number | null][] = [
    ['id', i.id],
    ['reason', i.reason],
    ['status', i.resolvedAt ? `resolved ${i.resolvedAt}` : 'open'],
    ['caller', i.caller],
    ['contact', i.contact],
    ['caller name', i.callerName || null],
    ['dialed', i.dialed],
    ['team', i.team],
    ['fields', fieldsText(i.fields) || null],
    ['wait', `${i.waitSeconds.toFixed(1)} s`],
    ['recording', i.recording ? `${i.recording.path} (${i.recording.seconds.toFixed(1)} s)` : null],
    ['call', i.callId],
    ['created', i.createdAt],
    ['note', i.note],
  ]
  printTable(['FIELD', 'VALUE'], lines)
}

function found(id: number, item: InboxItem | undefined): InboxItem {
  if (!item) throw new UsageError(`no inbox row ${id}`)
  return item
}

export function registerInboxCommands(program: Command): void {
  const inbox = program.command('inbox').description('missed calls and voicemail to call back')
  jsonOption(storeCommand(inbox, 'list', 'list inbox rows, newest first'))
    .option('--open', 'only rows not resolved yet')
    .option('--team <team>', 'only rows of this team')
    .option('--since <date>', 'only rows created at or after this date (ISO 8601)')
    .option('--limit <n>', 'at most this many', '1000')
    .action(async (opts: ListOptions) => {
      const filter = {
        limit: wholeNumber('--limit', opts.limit, 1, 1_000_000),
        ...(opts.open ? { open: true } : {}),
        ...(opts.team === undefined ? {} : { team: opts.team }),
        ...(opts.since === undefined ? {} : { since: sinceDate(opts.since) }),
      }
      const list = await withStore(opts, (store) => listInbox(store.db, filter))
      if (opts.json) return printJson(list)
      printTable(
        ['ID', 'CREATED', 'REASON', 'CALLER', 'NAME', 'TEAM', 'WAIT', 'FIELDS', 'RECORDING', 'STATUS'],
        list.map((i) => [
          i.id,
          i.createdAt.slice(0, 19).replace('T', ' '),
          i.reason,
          i.caller,
          who(i),
          i.team,
          `${i.waitSeconds.toFixed(1)}s`,
          fieldsText(i.fields) || null,
          i.recording ? `${i.recording.path} (${i.recording.seconds.toFixed(1)}s)` : null,
          i.resolvedAt ? 'resolved' : 'open',
        ]),
      )
    })
  jsonOption(storeCommand(inbox, 'show', 'show one inbox row'))
    .argument('<id>', 'the row id (from inbox list)')
    .action(async (idText: string, opts: StoreOptions) => {
      const id = inboxId(idText)
      const item = found(id, await withStore(opts, (store) => getInbox(store.db, id)))
      if (opts.json) printJson(item)
      else printItem(item)
    })
  jsonOption(storeCommand(inbox, 'resolve', 'mark an inbox row done'))
    .argument('<id>', 'the row id')
    .option('--note <text>', 'what was done (replaces an earlier note)')
    .action(async (idText: string, opts: ResolveOptions) => {
      const id = inboxId(idText)
      const item = found(id, await withStore(opts, (store) => resolveInbox(store.db, id, opts.note)))
      if (opts.json) printJson(item)
      else process.stdout.write(`inbox ${id} resolved at ${item.resolvedAt}\n`)
    })
  jsonOption(storeCommand(inbox, 'reopen', 'open a resolved inbox row again'))
    .argument('<id>', 'the row id')
    .action(async (idText: string, opts: StoreOptions) => {
      const id = inboxId(idText)
      const item = found(id, await withStore(opts, (store) => reopenInbox(store.db, id)))
      if (opts.json) printJson(item)
      else process.stdout.write(`inbox ${id} is open again\n`)
    })
}
