/**
 * Problems found in workflow files, and how zod's issues become one plain line each.
 *
 * Zod 4 reports a failed union as every branch's issues at once: for an action that is twelve
 * lists, eleven of them saying "this is not a menu", "this is not a goto". We pick the branch the
 * author meant (an action, condition or prompt is named by its one key) and report only that.
 */
import type { z } from 'zod'
import { ACTION_KINDS, Condition, Prompt } from './schema.js'

export type Severity = 'error' | 'warning'

export type Diagnostic = {
  severity: Severity
  file: string
  /** `workflow reservations`, `schedule business-hours`, `document 2`; absent for problems of the file itself. */
  document?: string
  /** Where in the document, as formatPath writes it; empty for the document (or file) as a whole. */
  path: string
  message: string
  /** Only for syntax errors, where the path is unknown: 1-based. */
  line?: number
  column?: number
}

/**
 * `file: document: path: message`; warnings say so before the message. Control characters that
 * a hostile file could slip into a message (terminal escapes, line breaks) are printed escaped.
 */
export function formatDiagnostic(d: Diagnostic): string {
  const where = d.line === undefined ? d.file : `${d.file}:${d.line}:${d.column ?? 1}`
  const parts = [where, d.document, d.path, d.severity === 'warning' ? `warning: ${d.message}` : d.message]
  return parts
    .filter((p) => p !== undefined && p !== '')
    .join(': ')
    .replace(/\p{Cc}/gu, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`)
}

const BARE_KEY = /^[A-Za-z0-9_*#-]+$/

/** `steps.B[0].menu.options.1`: keys joined with `.`, indices as `[i]`, odd keys quoted. */
export function formatPath(path: readonly PropertyKey[]): string {
  let out = ''
  for (const seg of path) {
    if (typeof seg === 'number') out += `[${seg}]`
    else {
      const key = String(seg)
      out += BARE_KEY.test(key) ? (out === '' ? key : `.${key}`) : `[${JSON.stringify(key)}]`
    }
  }
  return out
}

export type Problem = { path: string; message: string }

type Issue = z.core.$ZodIssue

/** The unions named by their one key, with their keys in union order (branch i is keyed by keys[i]). */
type Family = { noun: string; keys: readonly string[] }
const firstKeys = (options: readonly { shape: object }[]) => options.map((o) => Object.keys(o.shape)[0] ?? '')
const ACTION: Family = { noun: 'action', keys: ACTION_KINDS }
const CONDITION: Family = { noun: 'condition', keys: firstKeys(Condition.options) }
const PROMPT: Family = { noun: 'prompt', keys: firstKeys(Prompt.options) }
const ASSIGNMENT: Family = { noun: 'assignment', keys: ['team', 'agent'] }

/** Which family a union at this path belongs to: the schema puts each one at known places. */
function familyAt(path: readonly PropertyKey[], branches?: number): Family | undefined {
  const last = path.at(-1)
  const parent = path.at(-2)
  let family: Family | undefined
  if (path.length === 3 && path[0] === 'steps' && typeof last === 'number') family = ACTION
  else if (last === 'if' || last === 'filter' || last === 'not') family = CONDITION
  else if (typeof last === 'number' && (parent === 'all' || parent === 'any')) family = CONDITION
  else if (last === 'prompt' || last === 'invalid' || last === 'greeting' || last === 'message') family = PROMPT
  else if (last === 'assign') family = ASSIGNMENT
  return family && (branches === undefined || family.keys.length === branches) ? family : undefined
}

function valueAt(root: unknown, path: readonly PropertyKey[]): unknown {
  let v = root
  for (const seg of path) {
    if (v === null || typeof v !== 'object') return undefined
    v = Object.hasOwn(v, seg) ? (v as Record<PropertyKey, unknown>)[seg] : undefined
  }
  return v
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v)
}

function describeValue(v: unknown): string {
  if (v === undefined) return 'nothing'
  if (v === null) return 'null'
  if (Array.isArray(v)) return 'a list'
  if (typeof v === 'string') return v.length <= 40 ? `text ${JSON.stringify(v)}` : 'text'
  if (typeof v === 'number' || typeof v === 'boolean') return String(v)
  return typeof v === 'object' ? 'an object' : typeof v
}

const EXPECTED: Record<string, string> = {
  string: 'text',
  number: 'a number',
  int: 'a whole number',
  boolean: 'true or false',
  object: 'an object',
  record: 'an object',
  array: 'a list',
  null: 'null',
}

const quoted = (keys: readonly string[]) => keys.map((k) => JSON.stringify(k)).join(', ')
const unit = (n: number | bigint, one: string) => `${n} ${one}${n === 1 || n === 1n ? '' : 's'}`

/** Zod's own messages start like this; anything else was written in the schema and is kept. */
const ZOD_DEFAULT = /^(Invalid|Too (small|big)|Unrecognized key)/

function sizeMessage(issue: z.core.$ZodIssueTooSmall | z.core.$ZodIssueTooBig): string {
  const small = issue.code === 'too_small'
  const limit = small ? issue.minimum : issue.maximum
  const bound = issue.inclusive === false ? (small ? 'more than' : 'less than') : small ? 'at least' : 'at most'
  switch (issue.origin) {
    case 'string':
      return small && limit === 1 ? 'must not be empty' : `must be ${bound} ${unit(limit, 'character')}`
    case 'array':
      return small && limit === 1
        ? 'must not be empty'
        : `must have ${bound} ${unit(limit, 'entry').replace('entrys', 'entries')}`
    default:
      return `must be ${bound} ${limit}`
  }
}

function plainMessage(issue: Exclude<Issue, { code: 'invalid_union' }>, value: unknown, several?: string): string {
  if (!ZOD_DEFAULT.test(issue.message) && issue.code !== 'invalid_key') return issue.message
  switch (issue.code) {
    case 'invalid_type':
      if (value === undefined) return 'required'
      return `expected ${EXPECTED[issue.expected] ?? issue.expected}, found ${describeValue(value)}`
    case 'unrecognized_keys':
      if (several) return several
      return `unknown key${issue.keys.length > 1 ? 's' : ''} ${quoted(issue.keys)}`
    case 'invalid_value': {
      const options = issue.values.map((v) => JSON.stringify(v))
      const expected = options.length === 1 ? `must be ${options[0]}` : `expected one of ${options.join(', ')}`
      return `${expected}, found ${describeValue(value)}`
    }
    case 'too_small':
    case 'too_big':
      return sizeMessage(issue)
    case 'invalid_format':
      if (issue.format === 'date') return 'must be a date such as "2026-12-25"'
      return issue.pattern ? `must match ${issue.pattern}` : `must be a valid ${issue.format}`
    default:
      return issue.message
  }
}

/** Turns the issues of one parse of `input` into plain lines with exact paths. */
export function describeIssues(issues: readonly Issue[], input: unknown): Problem[] {
  const out: Problem[] = []
  const visit = (list: readonly Issue[], base: readonly PropertyKey[]) => {
    for (const issue of list) {
      const path = [...base, ...issue.path]
      const value = valueAt(input, path)
      if (issue.code === 'invalid_union') visitUnion(issue, path, value)
      else if (issue.code === 'invalid_key') {
        for (const inner of issue.issues)
          out.push({ path: formatPath(path), message: `invalid key: ${plainMessage(inner as never, path.at(-1))}` })
      } else out.push({ path: formatPath(path), message: plainMessage(issue, value, severalKeys(path, value)) })
    }
  }

  const visitUnion = (issue: z.core.$ZodIssueInvalidUnion, path: PropertyKey[], value: unknown) => {
    const branches = issue.errors
    const at = formatPath(path)
    if (branches.length === 0) {
      out.push({ path: at, message: 'matches more than one form' })
      return
    }
    const family = familyAt(path, branches.length)
    if (family) {
      if (!isRecord(value)) {
        const found = describeValue(value)
        const hint = typeof value === 'string' && family.keys.includes(value) ? ` (write "${value}:" with a colon)` : ''
        out.push({ path: at, message: `expected ${article(family.noun)}, found ${found}${hint}` })
        return
      }
      const keys = Object.keys(value)
      const named = keys.filter((k) => family.keys.includes(k))
      if (named.length === 1) {
        visit(branches[family.keys.indexOf(named[0]!)]!, path)
        return
      }
      const several = severalKeys(path, value)
      if (several) {
        out.push({ path: at, message: several })
        return
      }
      const what = keys.length === 0 ? `empty ${family.noun}` : `unknown ${family.noun} ${quoted(keys)}`
      out.push({ path: at, message: `${what} (expected one of ${family.keys.join(', ')})` })
      return
    }
    const chosen = chooseBranch(branches, value)
    if (chosen) {
      visit(chosen, path)
      return
    }
    // No branch fits the shape at all: say what shapes would.
    const expected = new Set<string>()
    for (const b of branches)
      for (const i of b)
        if (i.code === 'invalid_type' && i.path.length === 0) expected.add(EXPECTED[i.expected] ?? i.expected)
    out.push({ path: at, message: `expected ${[...expected].join(' or ')}, found ${describeValue(value)}` })
  }

  visit(issues, [])
  return out
}

/**
 * "An action has one of …, not several" when the value names several keys of its family. Zod
 * sometimes reports that case itself as an unknown key of the branch it settled on.
 */
function severalKeys(path: readonly PropertyKey[], value: unknown): string | undefined {
  const family = familyAt(path)
  if (!family || !isRecord(value)) return undefined
  const named = Object.keys(value).filter((k) => family.keys.includes(k))
  if (named.length < 2) return undefined
  const hint = family === ACTION ? ' (write each action as its own list entry)' : ''
  return `${article(family.noun)} has one of ${quoted(named)}, not several${hint}`
}

function article(noun: string): string {
  return /^[aeiou]/.test(noun) ? `an ${noun}` : `a ${noun}`
}

/**
 * For unions not named by a key: the branch that accepts the most of the value's keys and does
 * not reject its type; ties go to the branch with the fewest issues. Undefined when every branch
 * rejects the value's type.
 */
function chooseBranch(branches: readonly Issue[][], value: unknown): Issue[] | undefined {
  let best: Issue[] | undefined
  let bestScore = -1
  const keys = isRecord(value) ? Object.keys(value).length : 0
  for (const b of branches) {
    const root = b.filter((i) => i.path.length === 0)
    if (root.some((i) => i.code === 'invalid_type')) continue
    const unknown = root.reduce((n, i) => n + (i.code === 'unrecognized_keys' ? i.keys.length : 0), 0)
    const score = (keys - unknown) * 1000 - b.length
    if (score > bestScore) {
      best = b
      bestScore = score
    }
  }
  return best
}
