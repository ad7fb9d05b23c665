/**
 * The live board: a snapshot, the same pushed as server-sent events — the whole board (`board`) on connecting,
 * then what changed (`board-delta`); the page never polls — and supervisors
 * setting an agent's status (the store notifies the routers, which offer a newly available agent at once).
 */
import type { FastifyInstance } from 'fastify'
import type { Store } from '../../store/db.js'
import { setAgentStatus } from '../../store/agents.js'
import { writeAudit } from '../../store/audit.js'
import { accountOf } from '../access.js'
import { boardSnapshot, type BoardFeed } from '../board.js'
import { AgentStatusBody, NameParam, parse } from '../requests.js'

export function boardRoutes(app: FastifyInstance, store: Store, feed: BoardFeed): void {
  app.get('/api/board', { config: { role: 'viewer' } }, () => boardSnapshot(store.db))

  app.get('/api/board/events', { config: { role: 'viewer' } }, async (request, reply) => {
    reply.hijack()
    reply.raw.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-store',
      connection: 'keep-alive',
      // Proxies such as nginx would otherwise hold the events back.
      'x-accel-buffering': 'no',
    })
    reply.raw.write('retry: 2000\n\n')
    const unsubscribe = await feed.subscribe((event, json) => reply.raw.write(`event: ${event}\ndata: ${json}\n\n`))
    reply.raw.once('close', unsubscribe)
  })

  app.post('/api/agents/:name/status', { config: { role: 'supervisor' } }, async (request, reply) => {
    const { name } = parse(NameParam, request.params)
    const { status } = parse(AgentStatusBody, request.body)
    const user = accountOf(request)
    const result = await setAgentStatus(store, name, status)
    if (!result.ok) return reply.code(404).send({ error: result.reasons.join('; ') })
    await writeAudit(store.db, {
      actor: user.name,
      action: 'agent.status',
      target: name,
      detail: { status, previous: result.previous },
      origin: request.ip,
    })
    feed.poke()
    return result
  })
}
