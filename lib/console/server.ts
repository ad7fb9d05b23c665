/**
 * The console: a JSON API under /api (Fastify) and the page built by Vite (dist/console), on the router's store.
 * Access log lines name the route's pattern, never the URL (no caller number can reach a log through a path or a
 * query); every change is in the audit table instead.
 */
import cookie from '@fastify/cookie'
import rateLimit from '@fastify/rate-limit'
import fastifyStatic from '@fastify/static'
import Fastify, { LogController, type FastifyBaseLogger, type FastifyInstance } from 'fastify'
import { existsSync } from 'node:fs'
import { join } from 'node:path'
import type { Logger } from 'pino'
import { packageRoot } from '../paths.js'
import type { Store } from '../store/db.js'
import { guardRoutes, type ApiRoute } from './access.js'
import { BoardFeed } from './board.js'
import { BadRequest } from './requests.js'
import { boardRoutes } from './routes/board-routes.js'
import { inboxRoutes } from './routes/inbox-routes.js'
import { numberRoutes } from './routes/number-routes.js'
import { recordingRoutes, type StorageMap } from './routes/recording-routes.js'
import { reportRoutes } from './routes/report-routes.js'
import { simulateRoutes } from './routes/simulate-routes.js'
import { userRoutes } from './routes/user-routes.js'
import { sessionRoutes, type SessionSettings } from './routes/session-routes.js'
import { workflowRoutes } from './routes/workflow-routes.js'

export const CONSOLE_UI_DIR = join(packageRoot, 'dist', 'console')

export type ConsoleOptions = {
  store: Store
  log: Logger
  region: string
  /** The built page; default dist/console of the package. */
  uiDir?: string
  session?: Partial<SessionSettings>
  /** Trust X-Forwarded-* from this proxy (address, CIDR list or true) for the client address and TLS. */
  trustProxy?: boolean | string | string[]
  /** Where the router writes voicemail recordings (serve's `--recordings`). */
  recordingsDir: string
  /** FreeSWITCH's storage as this machine reads it, to play mod_voicemail's messages. */
  freeswitchStorage?: StorageMap
  /** How often the live board is read while someone watches. */
  boardPeriodMs?: number
}

const SECURITY_HEADERS = {
  'content-security-policy':
    "default-src 'self'; img-src 'self' data:; media-src 'self'; style-src 'self'; frame-ancestors 'none'",
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
}

export type Console = { app: FastifyInstance; feed: BoardFeed; routes: ApiRoute[] }

export async function buildConsole(options: ConsoleOptions): Promise<Console> {
  const { store, log } = options
  const app = Fastify({
    loggerInstance: log.child({ component: 'console' }) as FastifyBaseLogger,
    // Fastify's own lines would carry the URL: ours (onResponse) carry the route's pattern.
    logController: new LogController({ disableRequestLogging: true }),
    trustProxy: options.trustProxy ?? false,
    forceCloseConnections: true,
    bodyLimit: 2_000_000,
  })
  const feed = new BoardFeed(store, options.boardPeriodMs ?? 500, (err) =>
    log.warn({ err: err.message }, 'console: could not read the live board'),
  )
  app.addHook('onClose', async () => feed.stop())
  await app.register(cookie)
  await app.register(rateLimit, { global: false })
  const routes = guardRoutes(app, store.db)

  app.addHook('onSend', async (_request, reply) => {
    reply.headers(SECURITY_HEADERS)
    if (!reply.hasHeader('cache-control')) reply.header('cache-control', 'no-store')
  })
  app.addHook('onResponse', async (request, reply) => {
    const line = {
      method: request.method,
      route: request.routeOptions.url ?? '(no route)',
      status: reply.statusCode,
      ms: Math.round(reply.elapsedTime),
      user: request.account?.name,
    }
    if (request.method === 'GET' || request.method === 'HEAD') request.log.debug(line, 'console request')
    else request.log.info(line, 'console request')
  })
  app.setErrorHandler(async (err, request, reply) => {
    if (err instanceof BadRequest) return reply.code(400).send({ error: err.message, problems: err.problems })
    const status = (err as { statusCode?: number }).statusCode
    if (status !== undefined && status >= 400 && status < 500)
      return reply.code(status).send({ error: (err as Error).message })
    request.log.error({ err: (err as Error).message, route: request.routeOptions.url }, 'console: internal error')
    return reply.code(500).send({ error: 'internal error (see the router log)' })
  })

  const settings: SessionSettings = {
    hours: options.session?.hours ?? 12,
    loginLimit: options.session?.loginLimit ?? { max: 10, windowMs: 60_000 },
  }
  sessionRoutes(app, store.db, settings)
  workflowRoutes(app, store, options.region)
  inboxRoutes(app, store)
  boardRoutes(app, store, feed)
  numberRoutes(app, store, options.region)
  recordingRoutes(app, store, options.recordingsDir, options.freeswitchStorage)
  userRoutes(app, store)
  simulateRoutes(app, store, options.region)
  reportRoutes(app, store)
  app.all('/api/*', { config: { role: 'public' } }, async (_request, reply) =>
    reply.code(404).send({ error: 'no such API route' }),
  )

  const uiDir = options.uiDir ?? CONSOLE_UI_DIR
  const built = existsSync(join(uiDir, 'index.html'))
  // Also what streams recordings (reply.sendFile), with or without the page.
  await app.register(fastifyStatic, {
    root: built ? uiDir : packageRoot,
    serve: built,
    prefix: '/',
    cacheControl: false,
  })
  if (!built) {
    app.get('/', { config: { role: 'public' } }, async (_request, reply) =>
      reply
        .type('text/plain; charset=utf-8')
        .send(`The console's page is not built: run \`npm run build\` (${uiDir}).\n`),
    )
  }
  return { app, feed, routes }
}

export type RunningConsole = Console & { url: string; close(): Promise<void> }

const LOOPBACK = /^(127\.\d+\.\d+\.\d+|::1|localhost)$/

export async function startConsole(options: ConsoleOptions & { host: string; port: number }): Promise<RunningConsole> {
  const built = await buildConsole(options)
  await built.app.listen({ host: options.host, port: options.port })
  const address = built.app.server.address()
  const port = typeof address === 'object' && address ? address.port : options.port
  const host = options.host.includes(':') ? `[${options.host}]` : options.host
  const url = `http://${host}:${port}/`
  if (LOOPBACK.test(options.host)) options.log.info({ console: url }, `console on ${url} (this machine only)`)
  else
    options.log.warn(
      { console: url },
      `console on ${url}: reachable from other machines — serve it over TLS behind a reverse proxy (docs/operations.md)`,
    )
  return { ...built, url, close: () => built.app.close() }
}
