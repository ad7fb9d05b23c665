/**
 * Who may call what: every route under /api declares the least role it needs (`public` only for logging in), and
 * one hook refuses the rest before any handler runs — 401 without a live session, 403 with too small a role, 403
 * for a change (anything but GET/HEAD) without the session's CSRF token in `x-csrf-token`. A route without a
 * declared role cannot be registered.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto'
import type {} from '@fastify/cookie'
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import type { Db } from '../store/db.js'
import { activeSession, type SessionUser } from '../store/sessions.js'
import { roleAtLeast, type Role } from '../store/users.js'

export const SESSION_COOKIE = 'ivr_session'
export const CSRF_HEADER = 'x-csrf-token'

declare module 'fastify' {
  interface FastifyContextConfig {
    /** The least role that may call the route; `public`: anyone (logging in). */
    role?: Role | 'public'
  }
  interface FastifyRequest {
    account?: SessionUser
    csrfToken?: string
    sessionHash?: string
  }
}

export const newToken = () => randomBytes(32).toString('base64url')
export const tokenHash = (token: string) => createHash('sha256').update(token).digest('hex')

function sameToken(a: string, b: string): boolean {
  const x = Buffer.from(a)
  const y = Buffer.from(b)
  return x.length === y.length && timingSafeEqual(x, y)
}

const READS = new Set(['GET', 'HEAD'])

export type ApiRoute = { method: string; url: string; role: Role | 'public' }

/** Installs the guard; returns the API's routes as they get registered (the tests walk them all). */
export function guardRoutes(app: FastifyInstance, db: Db): ApiRoute[] {
  const routes: ApiRoute[] = []
  app.addHook('onRoute', (route) => {
    const url = route.url ?? route.path
    if (!url.startsWith('/api')) return
    const role = route.config?.role
    if (role === undefined) throw new Error(`console route ${String(route.method)} ${url} declares no role`)
    for (const method of [route.method].flat()) if (method !== 'HEAD') routes.push({ method, url, role })
  })
  app.addHook('onRequest', async (request: FastifyRequest, reply: FastifyReply) => {
    const role = request.routeOptions.config.role
    if (role === undefined || role === 'public') return
    const token = request.cookies[SESSION_COOKIE]
    const hash = token ? tokenHash(token) : undefined
    const session = hash ? await activeSession(db, hash) : undefined
    if (!session || !hash) return reply.code(401).send({ error: 'log in first' })
    if (!roleAtLeast(session.user.role, role))
      return reply.code(403).send({ error: `this needs the ${role} role (you are ${session.user.role})` })
    if (!READS.has(request.method)) {
      const sent = request.headers[CSRF_HEADER]
      if (typeof sent !== 'string' || !sameToken(sent, session.csrfToken))
        return reply.code(403).send({ error: 'missing or wrong CSRF token: reload the page' })
    }
    request.account = session.user
    request.csrfToken = session.csrfToken
    request.sessionHash = hash
  })
  return routes
}

/** The account of a guarded route's request (the hook has set it). */
export function accountOf(request: FastifyRequest): SessionUser {
  if (!request.account) throw new Error('no account on a guarded route')
  return request.account
}
