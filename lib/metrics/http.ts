/**
 * The metrics port: `GET /metrics` (Prometheus text format), `/healthz` (200 while the process
 * runs) and `/readyz` (200 when ready, else 503; both with a JSON body naming each check).
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import type { Health } from './health.js'
import type { Metrics } from './registry.js'

export type MetricsServer = { address: AddressInfo; close(): Promise<void> }

export async function startMetricsServer(options: {
  host: string
  port: number
  metrics: Metrics
  health: Health
}): Promise<MetricsServer> {
  const { metrics, health } = options
  const server = createServer((req, res) => {
    handle(req, res).catch((err: unknown) => {
      if (!res.headersSent) res.writeHead(500, { 'content-type': 'text/plain' })
      res.end(`${err instanceof Error ? err.message : String(err)}\n`)
    })
  })

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = (req.url ?? '/').split('?')[0]
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { allow: 'GET, HEAD' }).end()
      return
    }
    if (path === '/metrics') {
      const body = await metrics.registry.metrics()
      res.writeHead(200, { 'content-type': metrics.registry.contentType }).end(req.method === 'HEAD' ? '' : body)
    } else if (path === '/healthz') {
      json(res, 200, { status: 'alive' })
    } else if (path === '/readyz') {
      const readiness = await health.readiness()
      json(res, readiness.ready ? 200 : 503, readiness)
    } else {
      json(res, 404, { error: 'not found: /metrics, /healthz, /readyz' })
    }
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(options.port, options.host, () => {
      server.off('error', reject)
      resolve()
    })
  })
  return {
    address: server.address() as AddressInfo,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve())
        // A scraper's keep-alive connection must not hold the process open.
        server.closeIdleConnections()
      }),
  }
}

function json(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' }).end(`${JSON.stringify(body)}\n`)
}
