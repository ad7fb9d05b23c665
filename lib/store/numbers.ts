/**
 * Number bindings: a dialled number (stored E.164, accepted in any usual form) runs one workflow.
 * Binding is refused, with the reason, to a workflow that is unknown, disabled or queued.
 */
import { and, asc, eq, sql } from 'drizzle-orm'
import { toE164 } from '../phone/e164.js'
import type { Db, Store } from './db.js'
import { notifyChange } from './notify.js'
import { Refused, refusable, refusal, type Refusal } from './refusal.js'
import { numberBindings, workflows, workflowVersions } from './schema.js'

export type Binding = { number: string; workflow: string; enabled: boolean; createdAt: Date }

/** The number in E.164, or a refusal saying which forms work. */
export function numberArgument(raw: string, region: string): { ok: true; number: string } | Refusal {
  const number = toE164(raw, region)
  if (number !== undefined) return { ok: true, number }
  return refusal(
    `${JSON.stringify(raw.slice(0, 40))} is not a phone number (region ${region}): write it as 070-1234-5678, 07012345678 or +82 70 1234 5678`,
  )
}

export type Bound = { ok: true; number: string; workflow: string; previous: string | null }

export async function bindNumber(
  store: Store,
  raw: string,
  workflow: string,
  region: string,
): Promise<Bound | Refusal> {
  const parsed = numberArgument(raw, region)
  if (!parsed.ok) return parsed
  const { number } = parsed
  return refusable(() =>
    store.db.transaction(async (tx) => {
      const [w] = await tx
        .select({
          id: workflows.id,
          enabled: workflows.enabled,
          trigger: sql<string>`${workflowVersions.document}->>'trigger'`,
        })
        .from(workflows)
        .innerJoin(
          workflowVersions,
          and(eq(workflowVersions.workflowId, workflows.id), eq(workflowVersions.version, workflows.currentVersion)),
        )
        .where(eq(workflows.name, workflow))
        .for('update', { of: workflows })
      if (!w) throw new Refused([`cannot bind ${number}: no workflow named "${workflow}"`])
      if (w.trigger === 'queued')
        throw new Refused([
          `cannot bind ${number} to "${workflow}": it is a queued workflow (it runs for callers waiting in a team's queue, not for a dialled number)`,
        ])
      if (!w.enabled)
        throw new Refused([
          `cannot bind ${number} to "${workflow}": it is disabled (ivr-router workflow enable ${workflow})`,
        ])
      const [old] = await tx
        .select({ name: workflows.name })
        .from(numberBindings)
        .innerJoin(workflows, eq(workflows.id, numberBindings.workflowId))
        .where(eq(numberBindings.number, number))
      await tx
        .insert(numberBindings)
        .values({ number, workflowId: w.id })
        .onConflictDoUpdate({ target: numberBindings.number, set: { workflowId: w.id, updatedAt: sql`now()` } })
      await notifyChange(tx, 'bindings')
      return { ok: true as const, number, workflow, previous: old?.name ?? null }
    }),
  )
}

export type Unbound = { ok: true; number: string; workflow: string }

export async function unbindNumber(store: Store, raw: string, region: string): Promise<Unbound | Refusal> {
  const parsed = numberArgument(raw, region)
  if (!parsed.ok) return parsed
  const { number } = parsed
  return refusable(() =>
    store.db.transaction(async (tx) => {
      const [old] = await tx
        .delete(numberBindings)
        .where(eq(numberBindings.number, number))
        .returning({ workflowId: numberBindings.workflowId })
      if (!old) throw new Refused([`${number} is not bound`])
      const [w] = await tx.select({ name: workflows.name }).from(workflows).where(eq(workflows.id, old.workflowId))
      await notifyChange(tx, 'bindings')
      return { ok: true as const, number, workflow: w?.name ?? '' }
    }),
  )
}

export async function listBindings(db: Db): Promise<Binding[]> {
  return db
    .select({
      number: numberBindings.number,
      workflow: workflows.name,
      enabled: workflows.enabled,
      createdAt: numberBindings.createdAt,
    })
    .from(numberBindings)
    .innerJoin(workflows, eq(workflows.id, numberBindings.workflowId))
    .orderBy(asc(numberBindings.number))
}
