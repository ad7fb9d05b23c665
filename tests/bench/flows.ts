/**
 * The flows file the router serves: the standard flow once, its teams staffed with one agent per caller slot
 * (sales-N, support-N), every slot's dialled number bound to it, plus the shared schedule and the held-call
 * workflow. Callers share the teams as a contact centre's do; the distributor offers each caller its own agent.
 */
import { readFileSync, writeFileSync } from 'node:fs'

export const HOLD_NUMBER = '07099990000'
export const STANDARD_WORKFLOW = 'bench'

/** The dialled number of a caller slot (national form; the router binds its E.164 form). */
export function slotNumber(slot: number): string {
  return `0702${String(slot).padStart(7, '0')}`
}

const here = (name: string) => new URL(name, import.meta.url)

function agents(team: string, count: number, dialPrefix: string): string {
  return Array.from(
    { length: count },
    (_, i) => `kind: agent\nname: ${team}-${i}\ndial: "user/${dialPrefix}${i}@pbx.example.com"\nteams: [${team}]\n`,
  ).join('---\n')
}

/** Writes the flows file for `slots` callers; returns the number → workflow bindings that go with it. */
export function writeFlows(path: string, slots: number): [string, string][] {
  const flow = readFileSync(here('standard-flow.yaml'), 'utf8').replace(/^#.*\n/gm, '')
  const docs = [
    readFileSync(here('shared.yaml'), 'utf8'),
    flow,
    agents('sales', slots, '2'),
    agents('support', slots, '3'),
  ]
  writeFileSync(path, docs.join('\n---\n'))
  return [
    [HOLD_NUMBER, 'bench-hold'],
    ...Array.from({ length: slots }, (_, slot): [string, string] => [slotNumber(slot), STANDARD_WORKFLOW]),
  ]
}
