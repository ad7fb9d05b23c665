/**
 * Contacts from CSV (docs/operations.md, "Contacts from CSV"): a header row, then one contact a
 * row. Columns, by header name (any case, any order): `number` (required: any usual form, stored
 * E.164), `name`, `tags` (separated by `;`), and every other column an attribute named by its
 * header (an empty cell sets none). A row replaces the contact's name, tags and attributes.
 */
import { toE164 } from '../phone/e164.js'
import type { ContactRow } from './apply.js'
import { readCsv, type CsvError } from './csv.js'

export type ContactCsv = { contacts: (ContactRow & { line: number })[]; errors: CsvError[] }

const ATTRIBUTE = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,63}$/
const MAX_NAME = 200
const MAX_TAG = 64
const MAX_VALUE = 1000

export function parseContactCsv(text: string, region: string): ContactCsv {
  const { records, errors } = readCsv(text)
  const [header, ...rows] = records
  if (!header) return { contacts: [], errors: [...errors, { line: 1, message: 'no header row (number,name,tags,…)' }] }
  const names = header.fields.map((f) => f.trim())
  const lower = names.map((n) => n.toLowerCase())
  const fatal = (message: string) => ({ contacts: [], errors: [...errors, { line: header.line, message }] })
  if (!lower.includes('number')) return fatal(`the header has no "number" column (found: ${names.join(',')})`)
  for (const [i, n] of names.entries()) {
    if (lower.indexOf(lower[i]!) !== i) return fatal(`column "${n}" appears twice in the header`)
    if (!['number', 'name', 'tags'].includes(lower[i]!) && !ATTRIBUTE.test(n))
      return fatal(
        `column ${i + 1} "${n.slice(0, 40)}" is not an attribute name (letters, digits, "_", "." or "-", up to 64)`,
      )
  }
  const contacts: ContactCsv['contacts'] = []
  const seen = new Map<string, number>()
  for (const row of rows) {
    const bad = (message: string) => errors.push({ line: row.line, message })
    if (row.fields.length !== names.length) {
      bad(`${row.fields.length} fields, the header has ${names.length}`)
      continue
    }
    const cell = (column: string) => row.fields[lower.indexOf(column)]?.trim() ?? ''
    const raw = cell('number')
    const number = raw === '' ? undefined : toE164(raw, region)
    if (number === undefined) {
      bad(raw === '' ? 'no number' : `${JSON.stringify(raw.slice(0, 40))} is not a phone number (region ${region})`)
      continue
    }
    const earlier = seen.get(number)
    if (earlier !== undefined) {
      bad(`${number} is also on line ${earlier}`)
      continue
    }
    const name = cell('name')
    if (name.length > MAX_NAME) {
      bad(`name longer than ${MAX_NAME} characters`)
      continue
    }
    const tags = [
      ...new Set(
        cell('tags')
          .split(';')
          .map((s) => s.trim())
          .filter(Boolean),
      ),
    ]
    const longTag = tags.find((s) => s.length > MAX_TAG)
    if (longTag !== undefined) {
      bad(`tag "${longTag.slice(0, 20)}…" longer than ${MAX_TAG} characters`)
      continue
    }
    const attributes: Record<string, string> = {}
    let tooLong: string | undefined
    names.forEach((n, i) => {
      if (['number', 'name', 'tags'].includes(lower[i]!)) return
      const value = row.fields[i]!.trim()
      if (value.length > MAX_VALUE) tooLong = n
      else if (value !== '') attributes[n] = value
    })
    if (tooLong !== undefined) {
      bad(`attribute "${tooLong}" longer than ${MAX_VALUE} characters`)
      continue
    }
    seen.set(number, row.line)
    contacts.push({ line: row.line, number, name: name === '' ? null : name, tags, attributes })
  }
  errors.sort((a, b) => a.line - b.line)
  return { contacts, errors }
}
