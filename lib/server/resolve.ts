/**
 * Which workflow a call runs (DESIGN.md, "The call's path"): the one bound to the dialled number,
 * else the highest-priority enabled `incoming` workflow whose filter holds and whose schedule is
 * open (ties broken by name).
 */
import { evaluate, type ConditionFacts } from '../engine/conditions.js'
import type { World } from '../engine/world.js'
import { isOpen } from '../schedule/open.js'
import type { Workflow } from '../workflow/schema.js'

export type Candidates = {
  /** Enabled workflows bound to a number, by E.164 number. */
  bound(dialedE164: string): Workflow | undefined
  /** Enabled incoming workflows, sorted by priority (high first), then name. */
  incoming: readonly Workflow[]
}

export function byPriority(a: Workflow, b: Workflow): number {
  return b.priority - a.priority || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0)
}

export async function resolveWorkflow(
  candidates: Candidates,
  facts: ConditionFacts,
  world: World,
): Promise<Workflow | undefined> {
  const bound = facts.dialedE164 ? candidates.bound(facts.dialedE164) : undefined
  if (bound) return bound
  for (const w of candidates.incoming) {
    if (w.schedule) {
      const schedule = world.schedule(w.schedule)
      if (!schedule || !isOpen(schedule, world.clock.now())) continue
    }
    if (w.filter && !(await evaluate(w.filter, facts, world))) continue
    return w
  }
  return undefined
}
