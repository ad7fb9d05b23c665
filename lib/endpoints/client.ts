/**
 * The engine's Requester over HTTP for `serve`: the endpoint's base URL, headers and signature, a response read
 * up to the endpoint's `maxBytes` and parsed as JSON. Redirects are not followed (a redirect could lead anywhere);
 * nothing is retried (the caller is waiting). Every request is reported to `observe` for the metrics.
 */
import {
  TIMEOUT_REASON,
  type DataFailure,
  type DataRequest,
  type DataResult,
  type Requester,
} from '../engine/requests.js'
import type { Endpoints } from './endpoint.js'
import { SIGNATURE_HEADER, TIMESTAMP_HEADER, signRequest } from './signature.js'

/** How a request ended for the metrics: ok, a failure, or `cancelled` (the caller hung up first). */
export type RequestOutcome = 'ok' | DataFailure | 'cancelled'

export type EndpointClientOptions = {
  now?: () => number
  observe?: (endpoint: string, outcome: RequestOutcome, seconds: number) => void
}

class Failure extends Error {
  constructor(
    readonly reason: DataFailure,
    message: string,
    readonly status?: number,
  ) {
    super(message)
  }
}

/** The body, refused as soon as it grows past `max` bytes. */
async function readLimited(res: Response, max: number): Promise<string> {
  const declared = Number(res.headers.get('content-length'))
  if (Number.isFinite(declared) && declared > max) {
    await res.body?.cancel().catch(() => {})
    throw new Failure('too-large', `over ${max} bytes`, res.status)
  }
  const reader = res.body?.getReader()
  if (!reader) return ''
  const chunks: Uint8Array[] = []
  let size = 0
  for (;;) {
    const { done, value } = await reader.read()
    if (done) break
    size += value.byteLength
    if (size > max) {
      await reader.cancel().catch(() => {})
      throw new Failure('too-large', `over ${max} bytes`, res.status)
    }
    chunks.push(value)
  }
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(Buffer.concat(chunks))
  } catch {
    throw new Failure('not-json', 'the response is not UTF-8 text', res.status)
  }
}

function networkFailure(err: unknown, signal: AbortSignal, timeoutMs: number): Failure | 'cancelled' {
  if (signal.aborted && signal.reason !== TIMEOUT_REASON) return 'cancelled'
  const name = err instanceof Error ? err.name : ''
  if (signal.aborted || name === 'TimeoutError' || name === 'AbortError')
    return new Failure('timeout', `no answer within ${timeoutMs} ms`)
  const cause = err instanceof Error && err.cause instanceof Error ? err.cause : undefined
  const code = (cause as NodeJS.ErrnoException | undefined)?.code
  if (code === 'ECONNREFUSED') return new Failure('refused', 'connection refused')
  return new Failure('network', `network error${code ? ` (${code})` : cause ? `: ${cause.message}` : ''}`)
}

export class EndpointClient implements Requester {
  readonly #now: () => number

  constructor(
    private readonly endpoints: Endpoints,
    private readonly opts: EndpointClientOptions = {},
  ) {
    this.#now = opts.now ?? Date.now
  }

  async request(req: DataRequest): Promise<DataResult> {
    const started = performance.now()
    const result = await this.#request(req)
    const outcome: RequestOutcome = result === 'cancelled' ? 'cancelled' : result.ok ? 'ok' : result.reason
    this.opts.observe?.(req.endpoint, outcome, (performance.now() - started) / 1000)
    return result === 'cancelled' ? { ok: false, reason: 'timeout', message: 'cancelled' } : result
  }

  async #request(req: DataRequest): Promise<DataResult | 'cancelled'> {
    const endpoint = Object.hasOwn(this.endpoints, req.endpoint) ? this.endpoints[req.endpoint] : undefined
    if (!endpoint) return { ok: false, reason: 'unknown-endpoint', message: `no endpoint "${req.endpoint}" configured` }
    const base = new URL(endpoint.url)
    const url = new URL(`${endpoint.url}${req.target}`)
    // The target is encoded by the engine; this only guards against a path that would leave the endpoint.
    if (url.origin !== base.origin || !`${url.pathname}/`.startsWith(`${base.pathname.replace(/\/$/, '')}/`))
      return { ok: false, reason: 'unknown-endpoint', message: 'the path leaves the endpoint' }
    const body = req.body ?? ''
    const target = `${url.pathname}${url.search}`
    const timestamp = String(Math.floor(this.#now() / 1000))
    const headers: Record<string, string> = {
      ...endpoint.headers,
      accept: 'application/json',
      'user-agent': 'ivr-router',
      ...(req.body !== undefined ? { 'content-type': 'application/json; charset=utf-8' } : {}),
      ...(endpoint.secret !== undefined
        ? {
            [TIMESTAMP_HEADER]: timestamp,
            [SIGNATURE_HEADER]: signRequest(endpoint.secret, { timestamp, method: req.method, target, body }),
          }
        : {}),
    }
    try {
      const res = await fetch(url, {
        method: req.method,
        headers,
        ...(req.body !== undefined ? { body } : {}),
        redirect: 'manual',
        signal: AbortSignal.any([req.signal, AbortSignal.timeout(req.timeoutMs)]),
      })
      if (res.status < 200 || res.status > 299) {
        await res.body?.cancel().catch(() => {})
        throw new Failure('status', `HTTP ${res.status}`, res.status)
      }
      const text = await readLimited(res, endpoint.maxBytes)
      try {
        return { ok: true, status: res.status, value: JSON.parse(text) as unknown }
      } catch {
        throw new Failure('not-json', 'the response is not JSON', res.status)
      }
    } catch (err) {
      const failure = err instanceof Failure ? err : networkFailure(err, req.signal, req.timeoutMs)
      if (failure === 'cancelled') return failure
      return {
        ok: false,
        reason: failure.reason,
        message: failure.message,
        ...(failure.status !== undefined ? { status: failure.status } : {}),
      }
    }
  }
}
