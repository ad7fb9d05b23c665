/**
 * Logging in and out. A session is a random token in an HttpOnly, SameSite=Strict cookie (Secure when the request
 * came over TLS, also through a trusted proxy), stored hashed; the page gets the CSRF token in the body.
 * Log-in is rate-limited per client address; unknown names cost a hash check like known ones.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import type { Db } from '../../store/db.js'
import { writeAudit } from '../../store/audit.js'
import { createSession, endSession } from '../../store/sessions.js'
import { findUser, setPassword } from '../../store/users.js'
import { accountOf, newToken, SESSION_COOKIE, tokenHash } from '../access.js'
import { decoyHash, hashPassword, passwordMatches, passwordProblem } from '../password.js'
import { Login, OwnPassword, parse } from '../requests.js'

export type SessionSettings = { hours: number; loginLimit: { max: number; windowMs: number } }

export function sessionRoutes(app: FastifyInstance, db: Db, settings: SessionSettings): void {
  app.post(
    '/api/session',
    {
      config: {
        role: 'public',
        rateLimit: { max: settings.loginLimit.max, timeWindow: settings.loginLimit.windowMs },
      },
    },
    async (request, reply) => {
      const { name, password } = parse(Login, request.body)
      const user = await findUser(db, name)
      const ok = await passwordMatches(user?.passwordHash ?? (await decoyHash()), password)
      if (!user || !ok) {
        request.log.warn({ origin: request.ip }, 'console log-in refused')
        return reply.code(401).send({ error: 'wrong name or password' })
      }
      await writeAudit(db, { actor: user.name, action: 'session.login', origin: request.ip })
      return { user: { name: user.name, role: user.role }, csrf: await openSession(request, reply, user.id) }
    },
  )

  /** A new session for the user, its cookie set on the reply; returns its CSRF token. */
  async function openSession(request: FastifyRequest, reply: FastifyReply, userId: number): Promise<string> {
    const token = newToken()
    const csrf = newToken()
    const expiresAt = new Date(Date.now() + settings.hours * 3_600_000)
    await createSession(db, { tokenHash: tokenHash(token), userId, csrfToken: csrf, expiresAt, address: request.ip })
    reply.setCookie(SESSION_COOKIE, token, {
      path: '/',
      httpOnly: true,
      sameSite: 'strict',
      secure: request.protocol === 'https',
      expires: expiresAt,
    })
    return csrf
  }

  // Changing one's own password ends every session of the account (a stolen one too) and opens a new one here.
  app.post(
    '/api/session/password',
    {
      config: {
        role: 'viewer',
        rateLimit: { max: settings.loginLimit.max, timeWindow: settings.loginLimit.windowMs },
      },
    },
    async (request, reply) => {
      const { current, password } = parse(OwnPassword, request.body)
      const me = accountOf(request)
      const user = await findUser(db, me.name)
      if (!user || !(await passwordMatches(user.passwordHash, current)))
        return reply.code(403).send({ error: 'the current password is wrong' })
      const problem = passwordProblem(password)
      if (problem) return reply.code(400).send({ error: problem })
      const set = await setPassword(db, user.name, await hashPassword(password))
      if (!set.ok) return reply.code(404).send({ error: set.reasons.join('; ') })
      await writeAudit(db, { actor: user.name, action: 'user.passwd', target: user.name, origin: request.ip })
      return { user: { name: user.name, role: user.role }, csrf: await openSession(request, reply, user.id) }
    },
  )

  app.get('/api/session', { config: { role: 'viewer' } }, async (request) => {
    const user = accountOf(request)
    return { user: { name: user.name, role: user.role }, csrf: request.csrfToken }
  })

  app.delete('/api/session', { config: { role: 'viewer' } }, async (request, reply) => {
    await endSession(db, request.sessionHash!)
    await writeAudit(db, { actor: accountOf(request).name, action: 'session.logout', origin: request.ip })
    reply.clearCookie(SESSION_COOKIE, { path: '/' })
    return { ok: true }
  })
}
