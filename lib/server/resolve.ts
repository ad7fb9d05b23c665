/**
 * Which workflow a call runs (DESIGN.md, "The call's path"): the one bound to the dialled number,
 * else the highest-priority enabled `incoming` workflow whose filter holds and whose schedule is
 * open (ties broken by name).
 */
import { evaluate, type ConditionFacts } from '../engine/conditions.js'
import type { World } from '../engine/world.js'
import { toE164 } from '../phone/e164.js'
import type { Contact } from '../workflow/schema.js'
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

/** What is known of a call before its workflow runs: numbers as they arrived, no fields, no team. */
function callFacts(call: { caller: string; dialed: string }, world: World): ConditionFacts {
  const callerE164 = toE164(call.caller, world.region)
  let contact: Promise<Contact | undefined> | undefined
  return {
    caller: call.caller,
    callerE164,
    dialed: call.dialed,
    dialedE164: toE164(call.dialed, world.region),
    fields: {},
    data: {},
    team: null,
    // Looked up only when a filter reads the contact.
    contact: () => (contact ??= callerE164 ? world.contact(callerE164) : Promise.resolve(undefined)),
    sawClosed: () => {},
  }
}

export async function resolveWorkflow(
  candidates: Candidates,
  call: { caller: string; dialed: string },
  world: World,
): Promise<Workflow | undefined> {
  const facts = callFacts(call, world)
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
