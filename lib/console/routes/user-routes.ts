/**
 * Accounts managed by admins in the page, as `ivr-router user add|list|remove|password` does (and audited the same
 * way), and roles changed. An admin cannot remove their own account or change their own role here (the last way in
 * must not lock itself out; the CLI still can), and changes their own password under Account (session-routes.ts).
 */
import type { FastifyInstance } from 'fastify'
import type { Store } from '../../store/db.js'
import { writeAudit } from '../../store/audit.js'
import { addUser, listUsers, removeUser, setPassword, setRole, userNameProblem } from '../../store/users.js'
import { accountOf } from '../access.js'
import { hashPassword, passwordProblem } from '../password.js'
import { NewUser, parse, UserName, UserPassword, UserRole } from '../requests.js'

export function userRoutes(app: FastifyInstance, store: Store): void {
  app.get('/api/users', { config: { role: 'admin' } }, async () =>
    (await listUsers(store.db)).map((u) => ({ name: u.name, role: u.role, createdAt: u.createdAt })),
  )

  app.post('/api/users', { config: { role: 'admin' } }, async (request, reply) => {
    const body = parse(NewUser, request.body)
    const problem = userNameProblem(body.name) ?? passwordProblem(body.password)
    if (problem) return reply.code(400).send({ error: problem })
    const added = await addUser(store.db, { ...body, passwordHash: await hashPassword(body.password) })
    if (!added.ok) return reply.code(409).send({ error: added.reasons.join('; ') })
    await writeAudit(store.db, {
      actor: accountOf(request).name,
      action: 'user.add',
      target: added.name,
      detail: { role: added.role },
      origin: request.ip,
    })
    return added
  })

  app.post('/api/users/remove', { config: { role: 'admin' } }, async (request, reply) => {
    const { name } = parse(UserName, request.body)
    const me = accountOf(request)
    // The last way in must not lock itself out from the page; the CLI can still do it.
    if (name === me.name) return reply.code(409).send({ error: 'you cannot remove your own account here' })
    const removed = await removeUser(store.db, name)
    if (!removed.ok) return reply.code(404).send({ error: removed.reasons.join('; ') })
    await writeAudit(store.db, { actor: me.name, action: 'user.remove', target: name, origin: request.ip })
    return removed
  })

  app.post('/api/users/role', { config: { role: 'admin' } }, async (request, reply) => {
    const { name, role } = parse(UserRole, request.body)
    const me = accountOf(request)
    if (name === me.name) return reply.code(409).send({ error: 'you cannot change your own role here' })
    const changed = await setRole(store.db, name, role)
    if (!changed.ok) return reply.code(404).send({ error: changed.reasons.join('; ') })
    await writeAudit(store.db, {
      actor: me.name,
      action: 'user.role',
      target: name,
      detail: { role },
      origin: request.ip,
    })
    return changed
  })

  app.post('/api/users/password', { config: { role: 'admin' } }, async (request, reply) => {
    const { name, password } = parse(UserPassword, request.body)
    const me = accountOf(request)
    if (name === me.name) return reply.code(409).send({ error: 'change your own password under Account' })
    const problem = passwordProblem(password)
    if (problem) return reply.code(400).send({ error: problem })
    // Ends the user's sessions: whoever knew the old password is out.
    const set = await setPassword(store.db, name, await hashPassword(password))
    if (!set.ok) return reply.code(404).send({ error: set.reasons.join('; ') })
    await writeAudit(store.db, { actor: me.name, action: 'user.passwd', target: name, origin: request.ip })
    return set
  })
}
