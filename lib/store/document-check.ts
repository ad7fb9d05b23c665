/** Checks a team or agent given by flags against the document schema, with readable reasons. */
import type { z } from 'zod'
import { describeIssues } from '../workflow/issues.js'
import { refusal, type Refusal } from './refusal.js'

export function parseDocument<S extends z.ZodType>(
  schema: S,
  label: string,
  input: Record<string, unknown>,
): { ok: true; value: z.output<S> } | Refusal {
  const parsed = schema.safeParse(input)
  if (parsed.success) return { ok: true, value: parsed.data }
  return refusal(
    ...describeIssues(parsed.error.issues, input).map(
      (p) => `${label}: ${p.path === '' ? '' : `${p.path}: `}${p.message}`,
    ),
  )
}
