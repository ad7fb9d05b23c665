/**
 * What the `http` action asks of the outside: one request to a named endpoint of the router's configuration.
 * `serve` implements it over HTTP (lib/endpoints/client.ts), the simulator from `--http` scripts; the engine
 * never sees a socket. The engine enforces the time limit on its own clock and aborts `signal` when it is over.
 */
export type DataRequest = {
  /** The endpoint's name (`crm`), never a host. */
  endpoint: string
  /** The action's name, for scripted responses and logs. */
  name: string
  method: 'GET' | 'POST'
  /** Path and query, placeholders filled and URL-encoded: `/reservations/123?lang=ko`. */
  target: string
  /** The JSON body (POST). */
  body?: string
  timeoutMs: number
  signal: AbortSignal
}

/** Why a request gave no data: each is a label of the call event and of the failure metric. */
export const DATA_FAILURES = [
  'timeout',
  'refused',
  'network',
  'status',
  'not-json',
  'too-large',
  'unknown-endpoint',
] as const
export type DataFailure = (typeof DATA_FAILURES)[number]

export type DataResult =
  | { ok: true; status: number; value: unknown }
  /** `message` says what happened without repeating the response (`HTTP 503`, `over 65536 bytes`). */
  | { ok: false; reason: DataFailure; status?: number; message: string }

/** The reason `signal` aborts with when the time limit is over (any other reason: the request is not needed). */
export const TIMEOUT_REASON = 'timeout'

export type Requester = {
  /** Never rejects: every failure is a result. Settles soon after `signal` aborts. */
  request(req: DataRequest): Promise<DataResult>
}
