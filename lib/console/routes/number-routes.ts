/**
 * Numbers: the bindings, and binding or unbinding one (admins) with the CLI's refusals and messages (store/numbers.ts).
 * The number travels in the body, not the URL.
 */
import type { FastifyInstance } from 'fastify'
import type { Store } from '../../store/db.js'
import { writeAudit } from '../../store/audit.js'
import { bindNumber, listBindings, unbindNumber } from '../../store/numbers.js'
import { accountOf } from '../access.js'
import { BindBody, parse, UnbindBody } from '../requests.js'

export function numberRoutes(app: FastifyInstance, store: Store, region: string): void {
  app.get('/api/numbers', { config: { role: 'viewer' } }, () => listBindings(store.db))

  app.post('/api/numbers/bind', { config: { role: 'admin' } }, async (request, reply) => {
    const { number, workflow } = parse(BindBody, request.body)
    const result = await bindNumber(store, number, workflow, region)
    if (!result.ok) return reply.code(409).send({ error: result.reasons.join('; '), reasons: result.reasons })
    await writeAudit(store.db, {
      actor: accountOf(request).name,
      action: 'number.bind',
      target: result.number,
      detail: { workflow, previous: result.previous },
      origin: request.ip,
    })
    return result
  })

  app.post('/api/numbers/unbind', { config: { role: 'admin' } }, async (request, reply) => {
    const { number } = parse(UnbindBody, request.body)
    const result = await unbindNumber(store, number, region)
    if (!result.ok) return reply.code(409).send({ error: result.reasons.join('; '), reasons: result.reasons })
    await writeAudit(store.db, {
      actor: accountOf(request).name,
      action: 'number.unbind',
      target: result.number,
      detail: { workflow: result.workflow },
      origin: request.ip,
    })
    return result
  })
}
