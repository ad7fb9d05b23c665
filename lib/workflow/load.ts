/**
 * Reads workflow files: YAML (one or more documents separated by `---`) or JSON (one document or a
 * list of them), and parses each document with the schema of its `kind`. Bad input never throws:
 * it becomes diagnostics, and the documents that parsed are returned beside them.
 */
import { readFile, stat } from 'node:fs/promises'
import { LineCounter, parseAllDocuments, isSeq } from 'yaml'
import type { Document, ScalarTag, Tags, YAMLError } from 'yaml'
import { describeIssues, formatPath, type Diagnostic } from './issues.js'
import {
  DOCUMENT_KINDS,
  type Agent,
  type Contact,
  type DocumentKind,
  type Schedule,
  type Team,
  type Workflow,
} from './schema.js'

/** Where a document came from. `index` counts the documents of the file from 0; `line` is 1-based. */
export type Source = { file: string; index: number; line: number }
export type Loaded<T> = { source: Source; value: T }

export type LoadedDocuments = {
  workflows: Loaded<Workflow>[]
  schedules: Loaded<Schedule>[]
  teams: Loaded<Team>[]
  agents: Loaded<Agent>[]
  contacts: Loaded<Contact>[]
  /** Named documents that failed their schema: they exist, so references to them are not reported again. */
  rejected?: { kind: DocumentKind; name: string; source: Source }[]
}

export type LoadResult = LoadedDocuments & {
  rejected: NonNullable<LoadedDocuments['rejected']>
  diagnostics: Diagnostic[]
}

export type Format = 'yaml' | 'json'

/** Files larger than this are refused before parsing: a workflow file is a few kilobytes. */
export const MAX_FILE_BYTES = 5 * 1024 * 1024

const KINDS = Object.keys(DOCUMENT_KINDS) as DocumentKind[]

/**
 * YAML 1.2 reads `01012345678` as the integer 1012345678. A plain scalar with a leading zero is a
 * phone number or a code in our files, never a number, so it stays text (listed before `int`).
 */
const leadingZeroText: ScalarTag = {
  tag: 'tag:yaml.org,2002:str',
  default: true,
  test: /^[-+]?0[0-9]+$/,
  resolve: (s: string) => s,
}

export function emptyResult(): LoadResult {
  return { workflows: [], schedules: [], teams: [], agents: [], contacts: [], rejected: [], diagnostics: [] }
}

/** Concatenates the results of several files, in order. */
export function mergeResults(results: readonly LoadResult[]): LoadResult {
  const out = emptyResult()
  for (const r of results) {
    out.workflows.push(...r.workflows)
    out.schedules.push(...r.schedules)
    out.teams.push(...r.teams)
    out.agents.push(...r.agents)
    out.contacts.push(...r.contacts)
    out.rejected.push(...r.rejected)
    out.diagnostics.push(...r.diagnostics)
  }
  return out
}

/** The documents without their sources, as the engine and the simulator take them. */
export function documentsOf(r: LoadResult) {
  const values = <T>(list: Loaded<T>[]) => list.map((d) => d.value)
  return {
    workflows: values(r.workflows),
    schedules: values(r.schedules),
    teams: values(r.teams),
    agents: values(r.agents),
    contacts: values(r.contacts),
  }
}

export function formatOf(file: string, text: string): Format {
  const lower = file.toLowerCase()
  if (lower.endsWith('.json')) return 'json'
  if (lower.endsWith('.yaml') || lower.endsWith('.yml')) return 'yaml'
  return /^\s*[[{]/.test(text.replace(/^\uFEFF/, '')) ? 'json' : 'yaml'
}

/** `workflow reservations`, `contact 010-1234-5678`, or `document 2` when the document has no usable name. */
export function documentLabel(kind: string | undefined, raw: unknown, index: number): string {
  const r = typeof raw === 'object' && raw !== null ? (raw as Record<string, unknown>) : {}
  const name = kind === 'contact' ? r.number : r.name
  const text = typeof name === 'number' ? String(name) : name
  // A name goes into every message about its document: only short printable ones.
  if (kind !== undefined && typeof text === 'string' && /^[^\s\p{C}]{1,64}$/u.test(text)) return `${kind} ${text}`
  return `document ${index + 1}`
}

function firstLine(e: YAMLError): string {
  return (e.message.split('\n')[0] ?? '').replace(/ at line \d+, column \d+:?$/, '')
}

function yamlDiagnostic(file: string, e: YAMLError, severity: Diagnostic['severity']): Diagnostic {
  const pos = e.linePos?.[0]
  return { severity, file, path: '', message: firstLine(e), ...(pos ? { line: pos.line, column: pos.col } : {}) }
}

/** The path of the first `__proto__` key, which would change an object's prototype further down the line. */
function protoKeyPath(v: unknown, path: (string | number)[] = []): (string | number)[] | undefined {
  if (typeof v !== 'object' || v === null) return undefined
  for (const [k, child] of Object.entries(v)) {
    const here = [...path, Array.isArray(v) ? Number(k) : k]
    if (k === '__proto__') return here
    const found = protoKeyPath(child, here)
    if (found) return found
  }
  return undefined
}

function addDocument(out: LoadResult, raw: unknown, source: Source): void {
  const { file, index } = source
  const error = (path: string, message: string, document = documentLabel(undefined, raw, index)) =>
    out.diagnostics.push({ severity: 'error', file, document, path, message })
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    error(
      '',
      `expected a document (an object with "kind", "name", …), found ${Array.isArray(raw) ? 'a list' : typeof raw}`,
    )
    return
  }
  const given = (raw as Record<string, unknown>).kind ?? 'workflow'
  if (typeof given !== 'string' || !(KINDS as string[]).includes(given)) {
    error('kind', `unknown kind ${JSON.stringify(given)} (expected one of ${KINDS.join(', ')})`)
    return
  }
  const kind = given as DocumentKind
  const label = documentLabel(kind, raw, index)
  const proto = protoKeyPath(raw)
  if (proto) {
    error(formatPath(proto), 'the key "__proto__" is not allowed', label)
    return
  }
  const parsed = DOCUMENT_KINDS[kind].safeParse(raw)
  if (!parsed.success) {
    for (const p of describeIssues(parsed.error.issues, raw)) error(p.path, p.message, label)
    const name = (raw as Record<string, unknown>).name
    if (typeof name === 'string') out.rejected.push({ kind, name, source })
    return
  }
  switch (kind) {
    case 'workflow':
      out.workflows.push({ source, value: parsed.data as Workflow })
      break
    case 'schedule':
      out.schedules.push({ source, value: parsed.data as Schedule })
      break
    case 'team':
      out.teams.push({ source, value: parsed.data as Team })
      break
    case 'agent':
      out.agents.push({ source, value: parsed.data as Agent })
      break
    case 'contact':
      out.contacts.push({ source, value: parsed.data as Contact })
      break
  }
}

/** Loads the documents of one file's text; `file` names it in diagnostics. */
export function loadString(text: string, file: string, format: Format = formatOf(file, text)): LoadResult {
  const out = emptyResult()
  const lines = new LineCounter()
  const docs = parseAllDocuments(text, {
    uniqueKeys: true,
    prettyErrors: true,
    lineCounter: lines,
    // JSON is parsed strictly (no leading-zero numbers, no plain words); YAML 1.2 core otherwise,
    // without the YAML 1.1 tags (!!binary, !!set, …) that produce values no schema here takes.
    ...(format === 'json'
      ? { schema: 'json' as const }
      : { schema: 'core' as const, customTags: (tags: Tags) => [leadingZeroText, ...tags] }),
    resolveKnownTags: false,
  })
  const lineOf = (offset: number | undefined) => (offset === undefined ? 1 : lines.linePos(offset).line)
  let seen = 0
  docs.forEach((doc: Document.Parsed, docIndex) => {
    for (const w of doc.warnings) out.diagnostics.push(yamlDiagnostic(file, w, 'warning'))
    const firstError = doc.errors[0]
    if (firstError) {
      const d = yamlDiagnostic(file, firstError, 'error')
      // The usual cause: a menu key written `*` without quotes, which YAML reads as an alias.
      if ([...doc.errors, ...doc.warnings].some((e) => e.message.startsWith('Alias')))
        d.message += ' (an unquoted * starts a YAML alias: quote keys such as "*")'
      out.diagnostics.push(d)
      return
    }
    let value: unknown
    try {
      value = doc.toJS({ maxAliasCount: 100 })
    } catch (err) {
      // Aliases that cannot be resolved or expand too much: the document is unusable as written.
      const message = err instanceof Error ? err.message : String(err)
      out.diagnostics.push({ severity: 'error', file, path: '', message, line: lineOf(doc.range[0]), column: 1 })
      return
    }
    if (value === null || value === undefined) return // an empty document, as after a trailing `---`
    if (format === 'json' && Array.isArray(value) && isSeq(doc.contents)) {
      const items = doc.contents.items
      value.forEach((item, i) => {
        const node = items[i] as { range?: [number, number, number] } | undefined
        addDocument(out, item, { file, index: i, line: lineOf(node?.range?.[0]) })
        seen++
      })
      return
    }
    addDocument(out, value, { file, index: docIndex, line: lineOf(doc.contents?.range?.[0]) })
    seen++
  })
  if (seen === 0 && out.diagnostics.length === 0)
    out.diagnostics.push({ severity: 'warning', file, path: '', message: 'no documents in this file' })
  return out
}

function readError(err: unknown): string {
  const code = (err as { code?: unknown }).code
  if (code === 'ENOENT') return 'cannot read: no such file'
  if (code === 'EISDIR') return 'cannot read: is a directory'
  if (code === 'EACCES' || code === 'EPERM') return 'cannot read: permission denied'
  return `cannot read: ${err instanceof Error ? err.message : String(err)}`
}

/** Loads one file; an unreadable or oversized file is an error diagnostic. */
export async function loadFile(file: string): Promise<LoadResult> {
  const fail = (message: string) => {
    const out = emptyResult()
    out.diagnostics.push({ severity: 'error', file, path: '', message })
    return out
  }
  let text: string
  try {
    const info = await stat(file)
    if (info.isDirectory()) return fail('cannot read: is a directory')
    // A device or a pipe could be endless.
    if (!info.isFile()) return fail('cannot read: not a regular file')
    if (info.size > MAX_FILE_BYTES) return fail(`file too large (${info.size} bytes, at most ${MAX_FILE_BYTES})`)
    text = await readFile(file, 'utf8')
  } catch (err) {
    return fail(readError(err))
  }
  return loadString(text.replace(/^\uFEFF/, ''), file)
}

/** Loads every file, in the order given. */
export async function loadFiles(files: readonly string[]): Promise<LoadResult> {
  const results: LoadResult[] = []
  for (const f of files) results.push(await loadFile(f))
  return mergeResults(results)
}
