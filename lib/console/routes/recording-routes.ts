/**
 * A voicemail's recording, streamed with range requests (the page's audio element seeks) from the router's
 * recordings directory, or from FreeSWITCH's storage (mod_voicemail's messages) when the console is told where this
 * machine reads it. Any other path, or a file no longer there, gets a plain message instead.
 */
import type { FastifyInstance } from 'fastify'
import { stat } from 'node:fs/promises'
import { isAbsolute, relative, resolve, sep } from 'node:path'
import type { Store } from '../../store/db.js'
import { getInbox } from '../../store/inbox.js'
import { IdParam, parse } from '../requests.js'

/** FreeSWITCH's storage directory and where this machine reads it (the same path, or a mount). */
export type StorageMap = { freeswitch: string; local: string }

/** The path of `file` inside `root`, or undefined when it is outside (`..`, another tree). */
function within(root: string, file: string): string | undefined {
  const inside = relative(root, resolve(root, file))
  return inside === '' || inside === '..' || inside.startsWith(`..${sep}`) || isAbsolute(inside) ? undefined : inside
}

export function recordingRoutes(
  app: FastifyInstance,
  store: Store,
  recordingsDir: string,
  freeswitchStorage?: StorageMap,
): void {
  const roots = [{ from: resolve(recordingsDir), to: resolve(recordingsDir) }]
  if (freeswitchStorage)
    roots.push({ from: resolve(freeswitchStorage.freeswitch), to: resolve(freeswitchStorage.local) })
  const elsewhere = freeswitchStorage
    ? `neither in this router's recordings directory (${roots[0]!.from}) nor in FreeSWITCH's storage (${roots[1]!.from})`
    : `not in this router's recordings directory (${roots[0]!.from}): it is kept by FreeSWITCH (the console plays it with --freeswitch-storage)`

  app.get('/api/inbox/:id/recording', { config: { role: 'viewer' } }, async (request, reply) => {
    const { id } = parse(IdParam, request.params)
    const item = await getInbox(store.db, id)
    if (!item) return reply.code(404).send({ error: `no inbox row ${id}` })
    if (!item.recording) return reply.code(404).send({ error: `inbox row ${id} has no recording` })
    const path = item.recording.path
    const found = roots.map((r) => ({ root: r.to, inside: within(r.from, path) })).find((r) => r.inside !== undefined)
    if (!found) return reply.code(404).send({ error: `the recording ${path} is ${elsewhere}` })
    const file = await stat(resolve(found.root, found.inside!)).catch(() => undefined)
    if (!file?.isFile()) return reply.code(404).send({ error: `the recording ${path} is not there any more` })
    reply.header('cache-control', 'private, max-age=3600')
    return reply.sendFile(found.inside!, found.root)
  })
}
