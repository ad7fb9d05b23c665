/** Test helpers for the store: import inline YAML, open a world with its own spool, build call records. */
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Test } from 'tap'
import type { CallRecord } from '../../lib/engine/record.js'
import { applyDocuments } from '../../lib/store/apply.js'
import type { Store } from '../../lib/store/db.js'
import { StoreWorld, type StoreWorldOptions } from '../../lib/store/world.js'
import { formatDiagnostic } from '../../lib/workflow/validate.js'
import { loadString } from '../../lib/workflow/load.js'

export async function applyYaml(store: Store, text: string): Promise<void> {
  const result = await applyDocuments(store, loadString(text, 'test.yaml'), { region: 'KR', importedBy: 'test' })
  if (!result.ok) throw new Error([...result.diagnostics.map(formatDiagnostic), ...result.reasons].join('\n'))
}

export async function tempDir(t: Test, prefix: string): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), prefix))
  t.teardown(() => rm(dir, { recursive: true, force: true }))
  return dir
}

/** A world on the store with a spool of its own, closed at teardown. */
export async function openWorld(t: Test, store: Store, options: Partial<StoreWorldOptions> = {}): Promise<StoreWorld> {
  const spoolDir = options.spoolDir ?? join(await tempDir(t, 'ivr-world-'), 'spool')
  const world = await StoreWorld.open(store, { region: 'KR', ...options, spoolDir })
  t.teardown(() => world.close())
  return world
}

export function callRecord(id: string, overrides: Partial<CallRecord> = {}): CallRecord {
  const startedAt = Date.parse('2026-11-23T10:00:00+09:00')
  return {
    id,
    caller: '+821012345678',
    callerName: 'Kim',
    dialed: '+827012345678',
    workflow: 'main',
    version: 1,
    startedAt,
    answeredAt: startedAt + 100,
    endedAt: startedAt + 30_000,
    outcome: 'hangup',
    inbox: null,
    steps: ['A'],
    events: [
      { at: 0, type: 'step', step: 'A', workflow: 'main' },
      { at: 120, type: 'message', step: 'A', prompt: 'say:hello' },
      { at: 30_000, type: 'hangup', step: 'A', by: 'workflow' },
    ],
    team: null,
    agent: null,
    tags: [],
    fields: {},
    sms: [],
    queueSeconds: 0,
    talkSeconds: 0,
    ...overrides,
  }
}
