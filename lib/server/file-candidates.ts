/** Workflow candidates for `serve` on files: incoming workflows by priority, numbers bound by `--bind`. */
import type { Workflow } from '../workflow/schema.js'
import { byPriority, type Candidates } from './resolve.js'

export function fileCandidates(workflows: readonly Workflow[], bindings: ReadonlyMap<string, string>): Candidates {
  const byName = new Map(workflows.map((w) => [w.name, w]))
  return {
    bound: (e164) => {
      const name = bindings.get(e164)
      const w = name === undefined ? undefined : byName.get(name)
      return w?.enabled ? w : undefined
    },
    incoming: workflows.filter((w) => w.trigger === 'incoming' && w.enabled).sort(byPriority),
  }
}
