/**
 * The inbox: missed calls and voicemails with filters (open / resolved, team, reason, dates), resolved and reopened
 * by supervisors with a note and their name. Filters travel in the query string; numbers never do.
 */
import type { FastifyInstance } from 'fastify'
import type { Store } from '../../store/db.js'
import { writeAudit } from '../../store/audit.js'
import { listInbox, reopenInbox, resolveInbox } from '../../store/inbox.js'
import { accountOf } from '../access.js'
import { IdParam, InboxQuery, Note, parse } from '../requests.js'

export function inboxRoutes(app: FastifyInstance, store: Store): void {
  app.get('/api/inbox', { config: { role: 'viewer' } }, async (request) => {
    const q = parse(InboxQuery, request.query)
    return listInbox(store.db, {
      ...(q.status === 'open' ? { open: true } : q.status === 'resolved' ? { resolved: true } : {}),
      ...(q.team ? { team: q.team } : {}),
      ...(q.reason ? { reason: q.reason } : {}),
      ...(q.since ? { since: new Date(q.since) } : {}),
      ...(q.until ? { until: new Date(q.until) } : {}),
      limit: 500,
    })
  })

  app.post('/api/inbox/:id/resolve', { config: { role: 'supervisor' } }, async (request, reply) => {
    const { id } = parse(IdParam, request.params)
    const { note } = parse(Note, request.body)
    const user = accountOf(request)
    const item = await resolveInbox(store.db, id, note, user.name)
    if (!item) return reply.code(404).send({ error: `no inbox row ${id}` })
    await writeAudit(store.db, {
      actor: user.name,
      action: 'inbox.resolve',
      target: String(id),
      detail: { note: note ?? null },
      origin: request.ip,
    })
    return item
  })

  app.post('/api/inbox/:id/reopen', { config: { role: 'supervisor' } }, async (request, reply) => {
    const { id } = parse(IdParam, request.params)
    const user = accountOf(request)
    const item = await reopenInbox(store.db, id)
    if (!item) return reply.code(404).send({ error: `no inbox row ${id}` })
    await writeAudit(store.db, { actor: user.name, action: 'inbox.reopen', target: String(id), origin: request.ip })
    return item
  })
}
