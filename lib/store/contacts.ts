/** Contacts: import from CSV (good rows kept, bad rows reported by line), list, and lookup by number. */
import { and, arrayContains, asc, eq, type SQL } from 'drizzle-orm'
import { readFile, stat } from 'node:fs/promises'
import type { Contact } from '../workflow/schema.js'
import { upsertContacts } from './apply.js'
import { parseContactCsv } from './contact-csv.js'
import type { CsvError } from './csv.js'
import type { Db, Store } from './db.js'
import { refusal, type Refusal } from './refusal.js'
import { contacts } from './schema.js'

/** Far above a contact list's size; keeps a wrong file (a disk image, a log) from being read whole. */
export const MAX_CSV_BYTES = 50 * 1024 * 1024

export type ContactImport = { ok: true; imported: number; errors: CsvError[] }

export async function importContacts(store: Store, file: string, region: string): Promise<ContactImport | Refusal> {
  let text: string
  try {
    const info = await stat(file)
    if (!info.isFile()) return refusal(`${file}: not a regular file`)
    if (info.size > MAX_CSV_BYTES) return refusal(`${file}: too large (${info.size} bytes, at most ${MAX_CSV_BYTES})`)
    text = await readFile(file, 'utf8')
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code
    return refusal(`${file}: cannot read: ${code === 'ENOENT' ? 'no such file' : (code ?? String(err))}`)
  }
  const parsed = parseContactCsv(text, region)
  const imported = await store.db.transaction((tx) => upsertContacts(tx, parsed.contacts))
  return { ok: true, imported, errors: parsed.errors }
}

export type ContactListRow = {
  number: string
  name: string | null
  tags: string[]
  attributes: Record<string, string>
  updatedAt: Date
}

export async function listContacts(db: Db, filter: { tag?: string; limit?: number } = {}): Promise<ContactListRow[]> {
  const where: SQL[] = filter.tag === undefined ? [] : [arrayContains(contacts.tags, [filter.tag])]
  return db
    .select({
      number: contacts.number,
      name: contacts.name,
      tags: contacts.tags,
      attributes: contacts.attributes,
      updatedAt: contacts.updatedAt,
    })
    .from(contacts)
    .where(and(...where))
    .orderBy(asc(contacts.number))
    .limit(filter.limit ?? 1000)
}

/** The contact of an E.164 number, as the engine reads it. */
export async function findContact(db: Db, e164: string): Promise<Contact | undefined> {
  const [row] = await db.select().from(contacts).where(eq(contacts.number, e164)).limit(1)
  if (!row) return undefined
  return {
    kind: 'contact',
    number: row.number,
    ...(row.name === null ? {} : { name: row.name }),
    tags: row.tags,
    attributes: row.attributes,
  }
}
