/** Checks each passed call's record (from the JSONL file or the database) says what the standard flow must. */
import { existsSync, readFileSync } from 'node:fs'
import { setTimeout as sleep } from 'node:timers/promises'

export type Rec = {
  id: string
  outcome: string
  team?: string | null
  agent?: string | null
  fields?: Record<string, string>
}

/** The JSONL records, waiting (≤ 10 s) until every call in `passed` has one. */
export async function readJsonl(path: string, passed: ReadonlyMap<string, number>): Promise<Map<string, Rec>> {
  let byId = new Map<string, Rec>()
  for (let i = 0; i < 100; i++) {
    const text = existsSync(path) ? readFileSync(path, 'utf8') : ''
    byId = new Map(
      text
        .split('\n')
        .filter(Boolean)
        .map((line) => JSON.parse(line) as Rec)
        .map((r) => [r.id, r]),
    )
    if ([...passed.keys()].every((id) => byId.has(id))) break
    await sleep(100)
  }
  return byId
}

/**
 * The wrong or missing records among `passed` (uuid → slot): each connected, with its form's digits, to an agent of
 * the team it was assigned — sales (the hunt's second ring: the first agent did not answer) or support (the fallback,
 * when sales had nobody else free: agents that did not answer rest for the retry delay).
 */
export function checkRecords(byId: ReadonlyMap<string, Rec>, passed: ReadonlyMap<string, number>): string[] {
  const wrong: string[] = []
  for (const id of passed.keys()) {
    const r = byId.get(id)
    const good =
      r?.outcome === 'connected' &&
      (r.team === 'sales' || r.team === 'support') &&
      new RegExp(`^${r.team}-\\d+$`).test(r.agent ?? '') &&
      r.fields?.reservationNo === '123456'
    if (!good) wrong.push(r ? `${id}: ${r.outcome} ${r.team} ${r.agent}` : `${id}: no record`)
  }
  return wrong
}
