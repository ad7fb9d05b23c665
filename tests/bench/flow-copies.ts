/**
 * The flows file the router serves: one copy of the standard flow per caller slot, each with its own teams and
 * agents and bound to its own dialled number, plus the shared schedule and the held-call workflow.
 */
import { readFileSync, writeFileSync } from 'node:fs'

export const HOLD_NUMBER = '07099990000'

/** The dialled number of a caller slot (national form; the router binds its E.164 form). */
export function slotNumber(slot: number): string {
  return `0702${String(slot).padStart(7, '0')}`
}

export function slotWorkflow(slot: number): string {
  return `bench-${slot}`
}

const here = (name: string) => new URL(name, import.meta.url)

/** Writes the flows file for `slots` callers; returns the number → workflow bindings that go with it. */
export function writeFlows(path: string, slots: number): [string, string][] {
  const flow = readFileSync(here('standard-flow.yaml'), 'utf8').replace(/^#.*\n/gm, '')
  const copies = Array.from({ length: slots }, (_, slot) =>
    flow.replace(/^name: bench$/m, `name: ${slotWorkflow(slot)}`).replace(/\b(sales|support)\b/g, `$1-${slot}`),
  )
  writeFileSync(path, [readFileSync(here('shared.yaml'), 'utf8'), ...copies].join('\n---\n'))
  return [
    [HOLD_NUMBER, 'bench-hold'],
    ...Array.from({ length: slots }, (_, slot): [string, string] => [slotNumber(slot), slotWorkflow(slot)]),
  ]
}
