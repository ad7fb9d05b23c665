/**
 * The stored form of a document and its checksum. A workflow is stored with an explicit `start`
 * (JSONB keeps no key order, and the first step would otherwise be whichever JSONB lists first)
 * and without `kind`; the checksum is sha256 of its canonical JSON (keys sorted at every level),
 * so two files that say the same thing in another order or layout are the same version.
 */
import { createHash } from 'node:crypto'
import { Workflow } from '../workflow/schema.js'

export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`
  if (typeof value === 'object' && value !== null) {
    const entries = Object.entries(value)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`
  }
  return JSON.stringify(value) ?? 'null'
}

export function checksum(value: unknown): string {
  return createHash('sha256').update(canonicalJson(value)).digest('hex')
}

export type StoredWorkflow = { document: Workflow; stepOrder: string[]; checksum: string }

export function storedWorkflow(w: Workflow): StoredWorkflow {
  const { kind: _kind, ...rest } = w
  const stepOrder = Object.keys(w.steps)
  const document: Workflow = { ...rest, start: w.start ?? stepOrder[0]! }
  return { document, stepOrder, checksum: checksum(document) }
}

/**
 * A stored document back as the engine takes it: checked against today's schema (a document
 * stored by an older release may no longer pass: undefined), steps in the order written, and, when
 * given, the enabled flag of the workflow's row in place of the document's.
 */
export function restoreWorkflow(
  document: unknown,
  stepOrder: readonly string[],
  enabled?: boolean,
): Workflow | undefined {
  const parsed = Workflow.safeParse(document)
  if (!parsed.success) return undefined
  const w = parsed.data
  const order = [
    ...stepOrder.filter((s) => s in w.steps),
    ...Object.keys(w.steps).filter((s) => !stepOrder.includes(s)),
  ]
  return { ...w, enabled: enabled ?? w.enabled, steps: Object.fromEntries(order.map((s) => [s, w.steps[s]!])) }
}
