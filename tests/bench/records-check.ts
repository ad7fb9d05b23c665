/** Reads the router's call records (JSONL) back and checks each passed call's outcome there too. */
import { existsSync, readFileSync } from 'node:fs'
import { setTimeout as sleep } from 'node:timers/promises'

type Rec = { id: string; outcome: string; team?: string | null; agent?: string | null; fields?: Record<string, string> }

/** Waits (≤ 10 s) for every call in `passed` (uuid → slot) to have its record; returns the wrong or missing ones. */
export async function checkRecords(path: string, passed: ReadonlyMap<string, number>): Promise<string[]> {
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
  const wrong: string[] = []
  for (const [id, slot] of passed) {
    const r = byId.get(id)
    const good =
      r?.outcome === 'connected' &&
      r.team === `support-${slot}` &&
      r.agent === `support-${slot}-agent` &&
      r.fields?.reservationNo === '123456'
    if (!good) wrong.push(r ? `${id}: ${r.outcome} ${r.team} ${r.agent}` : `${id}: no record`)
  }
  return wrong
}
