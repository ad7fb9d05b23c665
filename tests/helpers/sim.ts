/** Test helper: run a simulated call over YAML documents given inline. */
import { parseAllDocuments } from 'yaml'
import { DOCUMENT_KINDS } from '../../lib/workflow/schema.js'
import type { Directory } from '../../lib/workflow/directory.js'
import { simulate, type SimulateResult } from '../../lib/sim/simulate.js'
import type { Scenario } from '../../lib/sim/scenario.js'
import { parseHttpScript } from '../../lib/sim/requests.js'

export function directoryOf(yamlText: string): Directory {
  const dir: Directory = { workflows: [], schedules: [], teams: [], agents: [], contacts: [] }
  for (const doc of parseAllDocuments(yamlText)) {
    const raw = doc.toJS() as { kind?: keyof typeof DOCUMENT_KINDS }
    const kind = raw.kind ?? 'workflow'
    const parsed = DOCUMENT_KINDS[kind].parse(raw)
    ;(dir[`${kind}s` as keyof Directory] as unknown[]).push(parsed)
  }
  return dir
}

export type Run = Partial<Scenario> & {
  at?: string
  caller?: string
  dialed?: string
  region?: string
  /** `--http` entries (`crm={…}`, `crm=timeout`). */
  http?: string[]
}

export function run(yamlText: string, r: Run = {}): Promise<SimulateResult> {
  return simulate({
    directory: directoryOf(yamlText),
    caller: r.caller ?? '010-1234-5678',
    dialed: r.dialed ?? '070-1234-5678',
    at: Date.parse(r.at ?? '2026-11-23T10:00:00+09:00'),
    region: r.region ?? 'KR',
    http: new Map((r.http ?? []).map((entry) => parseHttpScript(entry))),
    scenario: {
      keys: r.keys ?? [],
      connect: r.connect ?? [],
      queueWaitSeconds: r.queueWaitSeconds ?? 0,
      talkSeconds: r.talkSeconds ?? 60,
      voicemailSeconds: r.voicemailSeconds ?? 10,
      ...(r.hangupAtStep ? { hangupAtStep: r.hangupAtStep } : {}),
      ...(r.callback ? { callback: r.callback } : {}),
    },
  })
}
