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

/** The wrong or missing records among `passed` (uuid → slot): each connected to an agent of support. */
export function checkRecords(byId: ReadonlyMap<string, Rec>, passed: ReadonlyMap<string, number>): string[] {
  const wrong: string[] = []
  for (const id of passed.keys()) {
    const r = byId.get(id)
    const good =
      r?.outcome === 'connected' &&
      r.team === 'support' &&
      /^support-\d+$/.test(r.agent ?? '') &&
      r.fields?.reservationNo === '123456'
    if (!good) wrong.push(r ? `${id}: ${r.outcome} ${r.team} ${r.agent}` : `${id}: no record`)
  }
  return wrong
}
