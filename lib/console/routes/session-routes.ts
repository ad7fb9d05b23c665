/**
 * Logging in and out. A session is a random token in an HttpOnly, SameSite=Strict cookie (Secure when the request
 * came over TLS, also through a trusted proxy), stored hashed; the page gets the CSRF token in the body.
 * Log-in is rate-limited per client address; unknown names cost a hash check like known ones.
 */
import type { FastifyInstance } from 'fastify'
import type { Db } from '../../store/db.js'
import { writeAudit } from '../../store/audit.js'
import { createSession, endSession } from '../../store/sessions.js'
import { findUser } from '../../store/users.js'
import { accountOf, newToken, SESSION_COOKIE, tokenHash } from '../access.js'
import { decoyHash, passwordMatches } from '../password.js'
import { Login, parse } from '../requests.js'

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
      const token = newToken()
      const csrf = newToken()
      const expiresAt = new Date(Date.now() + settings.hours * 3_600_000)
      await createSession(db, {
        tokenHash: tokenHash(token),
        userId: user.id,
        csrfToken: csrf,
        expiresAt,
        address: request.ip,
      })
      await writeAudit(db, { actor: user.name, action: 'session.login', origin: request.ip })
      reply.setCookie(SESSION_COOKIE, token, {
        path: '/',
        httpOnly: true,
        sameSite: 'strict',
        secure: request.protocol === 'https',
        expires: expiresAt,
      })
      return { user: { name: user.name, role: user.role }, csrf }
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
