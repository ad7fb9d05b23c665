/**
 * The bodies and queries the console's API accepts, as zod schemas (agents' statuses from the workflow format's own
 * Agent schema; workflow documents are checked by lib/workflow's loader and validator). A refusal names the path.
 */
import { z } from 'zod'
import { INBOX_REASONS, USER_ROLES } from '../store/schema.js'
import { CONNECT_RESULTS } from '../sim/scenario.js'
import { Agent } from '../workflow/schema.js'
import { formatPath } from '../workflow/issues.js'

export const Login = z.strictObject({ name: z.string().min(1).max(64), password: z.string().min(1).max(1024) })

export const ApplyBody = z.strictObject({
  /** One or more YAML (or JSON) documents, as `ivr-router apply` reads from a file. */
  yaml: z.string().min(1).max(1_000_000),
  note: z.string().max(500).optional(),
})

export const Note = z.strictObject({ note: z.string().max(2000).optional() })

export const AgentStatusBody = z.strictObject({ status: Agent.shape.status.unwrap() })

const day = z.string().regex(/^\d{4}-\d{2}-\d{2}(T[\d:.]+(Z|[+-]\d{2}:?\d{2})?)?$/, 'a date such as 2026-11-23')

export const InboxQuery = z.strictObject({
  status: z.enum(['open', 'resolved', 'all']).default('open'),
  team: z.string().min(1).max(100).optional(),
  reason: z.enum(INBOX_REASONS).optional(),
  since: day.optional(),
  until: day.optional(),
})

/** Days in the operator's time zone, both included: the funnel's and the reports' period. */
const days = {
  from: z.iso.date(),
  to: z.iso.date(),
  tz: z.string().min(1).max(64).refine(validTimeZone, 'not a time zone (an IANA name such as Asia/Seoul)'),
}
const fromBeforeTo = (q: { from: string; to: string }) => q.to >= q.from
const inOrder = { message: 'to must not be before from', path: ['to'] }

/** The step funnel's days, at most a year. */
export const FunnelQuery = z
  .strictObject(days)
  .refine(fromBeforeTo, inOrder)
  .refine((q) => Date.parse(q.to) - Date.parse(q.from) <= 366 * 86_400_000, { message: 'at most a year', path: ['to'] })

/** A report's filters (`ivr-router report`'s): the days; team, workflow, threshold. */
export const ReportQuery = z
  .strictObject({
    ...days,
    team: z.string().min(1).max(100).optional(),
    workflow: z.string().min(1).max(100).optional(),
    threshold: z.coerce.number().int().min(1).max(3600).optional(),
  })
  .refine(fromBeforeTo, inOrder)

function validTimeZone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: tz })
    return true
  } catch {
    return false
  }
}

export const BindBody = z.strictObject({ number: z.string().min(1).max(40), workflow: z.string().min(1).max(100) })
export const UnbindBody = z.strictObject({ number: z.string().min(1).max(40) })

export const RollbackBody = z.strictObject({ version: z.number().int().min(1).max(1_000_000) })
export const EnabledBody = z.strictObject({ enabled: z.boolean() })
export const RecipeBody = z.strictObject({ recipe: z.string().min(1).max(100) })

const Keys = z.string().regex(/^[0-9*#]{0,64}$/, 'digits, * and #; empty for no input')

export const SimulateBody = z.strictObject({
  workflow: z.string().min(1).max(100),
  caller: z.string().min(1).max(40).default('010-1234-5678'),
  dialed: z.string().min(1).max(40).default('070-1234-5678'),
  /** ISO 8601 with an offset: the page sends the operator's time. */
  at: z.iso.datetime({ offset: true }),
  keys: z.array(Keys).max(50).default([]),
  connect: z.array(z.enum(CONNECT_RESULTS)).max(50).default([]),
  queueWaitSeconds: z.number().min(0).max(86_400).default(0),
})

export const IdParam = z.strictObject({ id: z.coerce.number().int().min(1).max(2_147_483_647) })
export const NameParam = z.strictObject({ name: z.string().min(1).max(100) })

export const NewUser = z.strictObject({
  name: z.string().min(1).max(64),
  role: z.enum(USER_ROLES),
  password: z.string().min(1).max(1024),
})

export const UserName = z.strictObject({ name: z.string().min(1).max(64) })

export const UserRole = z.strictObject({ name: z.string().min(1).max(64), role: z.enum(USER_ROLES) })

export const UserPassword = z.strictObject({ name: z.string().min(1).max(64), password: z.string().min(1).max(1024) })

export const OwnPassword = z.strictObject({
  current: z.string().min(1).max(1024),
  password: z.string().min(1).max(1024),
})

/** Thrown by `parse` and answered 400 with each problem's path. */
export class BadRequest extends Error {
  constructor(readonly problems: { path: string; message: string }[]) {
    super(problems.map((p) => (p.path ? `${p.path}: ${p.message}` : p.message)).join('; '))
  }
}

export function parse<T>(schema: z.ZodType<T>, value: unknown): T {
  const result = schema.safeParse(value ?? {})
  if (result.success) return result.data
  throw new BadRequest(result.error.issues.map((i) => ({ path: formatPath(i.path), message: i.message })))
}
