/**
 * A voicemail's recording, streamed with range requests (the page's audio element seeks) from the router's
 * recordings directory. A file outside that directory (mod_voicemail's storage on the FreeSWITCH machine) or no
 * longer there gets a plain message instead.
 */
import type { FastifyInstance } from 'fastify'
import { stat } from 'node:fs/promises'
import { isAbsolute, relative, resolve, sep } from 'node:path'
import type { Store } from '../../store/db.js'
import { getInbox } from '../../store/inbox.js'
import { IdParam, parse } from '../requests.js'

export function recordingRoutes(app: FastifyInstance, store: Store, recordingsDir: string): void {
  const root = resolve(recordingsDir)
  app.get('/api/inbox/:id/recording', { config: { role: 'viewer' } }, async (request, reply) => {
    const { id } = parse(IdParam, request.params)
    const item = await getInbox(store.db, id)
    if (!item) return reply.code(404).send({ error: `no inbox row ${id}` })
    if (!item.recording) return reply.code(404).send({ error: `inbox row ${id} has no recording` })
    const file = resolve(root, item.recording.path)
    const inside = relative(root, file)
    if (inside === '' || inside.startsWith(`..${sep}`) || inside === '..' || isAbsolute(inside))
      return reply.code(404).send({
        error: `the recording ${item.recording.path} is not in this router's recordings directory (${root}): it is kept by FreeSWITCH`,
      })
    const found = await stat(file).catch(() => undefined)
    if (!found?.isFile())
      return reply.code(404).send({ error: `the recording ${item.recording.path} is not there any more` })
    reply.header('cache-control', 'private, max-age=3600')
    return reply.sendFile(inside, root)
  })
}
