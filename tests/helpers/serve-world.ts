/** Test helper: the real server over inline YAML with its MemoryWorld at hand, and a way to know a caller is queued. */
import { once } from 'node:events'
import type { ServerOptions } from '../../lib/server/esl-server.js'
import { fileCandidates } from '../../lib/server/file-candidates.js'
import { MemoryWorld } from '../../lib/server/memory-world.js'
import { resolveWorkflow } from '../../lib/server/resolve.js'
import { systemClock } from '../../lib/server/system-clock.js'
import { serveWith, type Served } from './serve.js'
import { directoryOf } from './sim.js'

export async function serveWorld(
  yamlText: string,
  bindings: Record<string, string>,
  extra: Partial<ServerOptions> = {},
): Promise<{ s: Served; world: MemoryWorld; queued(): Promise<void> }> {
  const directory = directoryOf(yamlText)
  const world = new MemoryWorld(directory, {
    clock: systemClock,
    region: 'KR',
    record: async () => {},
    sendSms: async () => {},
  })
  const candidates = fileCandidates(directory.workflows, new Map(Object.entries(bindings)))
  const s = await serveWith({
    world,
    resolve: async (facts) => {
      const workflow = await resolveWorkflow(candidates, facts, world)
      return workflow ? { workflow } : undefined
    },
    ...extra,
  })
  return { s, world, queued: async () => void (await once(world.distributor, 'waiting')) }
}
