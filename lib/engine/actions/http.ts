/**
 * Ask the company's own systems: one request to an endpoint of the router's configuration, its JSON response kept
 * as `data.NAME` for the rest of the call. A failure (timeout, refused, non-2xx, not JSON, too large, unknown
 * endpoint) goes to `otherwise` when given, else the call goes on with `data.NAME` absent; the reason is in the
 * call's events. Never retried on the caller's time. While it takes longer than a moment the caller hears hold
 * music (the media side falls back to a tone), never silence. The event keeps only the values the workflow uses.
 */
import { dataValue, fillPlaceholders, harmless } from '../../workflow/placeholders.js'
import { usedPaths } from '../../workflow/data-refs.js'
import { ENDPOINT_URL, MAX_HTTP_SECONDS, type HttpAction } from '../../workflow/schema.js'
import { CallEnded } from '../call.js'
import type { ActionContext, Next } from '../context.js'
import { valuesOf } from '../fill.js'
import { TIMEOUT_REASON, type DataResult } from '../requests.js'

/** A request answered sooner than this plays nothing; a slower one starts the comfort sound. */
export const COMFORT_AFTER_MS = 500

/** A path segment's value: encoded, and `.` / `..` too, so that it cannot climb out of the endpoint's path. */
function pathValue(value: string): string {
  return encodeURIComponent(value).replace(/\./g, '%2E')
}

/** Fills the text values of a JSON body (never its keys); JSON.stringify escapes them where they go. */
function fillJson(v: unknown, fill: (text: string) => string): unknown {
  if (typeof v === 'string') return fill(v)
  if (Array.isArray(v)) return v.map((x) => fillJson(x, fill))
  if (typeof v === 'object' && v !== null)
    return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, fillJson(x, fill)]))
  return v
}

export async function http(h: HttpAction, ctx: ActionContext): Promise<Next> {
  const { call, world, state } = ctx
  const clock = world.clock
  const values = valuesOf(state)
  // Response values are made harmless as they are filled in; the rest is the call's own (digits, numbers).
  const fill = (text: string) => fillPlaceholders(text, values)
  const [, endpoint = '', path = '/'] = ENDPOINT_URL.exec(h.url) ?? []
  const query = new URLSearchParams(
    Object.entries(h.query ?? {}).map(([k, v]): [string, string] => [k, fill(v)]),
  ).toString()
  const target = `${fillPlaceholders(path, values, { encode: pathValue })}${query ? `?${query}` : ''}`
  const timeoutMs = Math.min(h.timeoutSeconds, MAX_HTTP_SECONDS) * 1000

  const started = clock.now()
  const stop = new AbortController()
  let settled = false
  let holding: Promise<void> | undefined
  const timedOut = clock.sleep(timeoutMs, stop.signal).then(
    (): DataResult => ({ ok: false, reason: 'timeout', message: `no answer within ${timeoutMs} ms` }),
    () => undefined,
  )
  const gone = call.ended.then(() => 'gone' as const)
  void clock.sleep(COMFORT_AFTER_MS, stop.signal).then(
    () => {
      if (!settled && !call.isEnded) holding = call.startHold({ comfort: true }).catch(() => {})
    },
    () => {},
  )
  const requested = world.requests
    ? world.requests.request({
        endpoint,
        name: h.name,
        method: h.method,
        target,
        ...(h.method === 'POST' ? { body: JSON.stringify(fillJson(h.body ?? {}, fill)) } : {}),
        timeoutMs,
        signal: stop.signal,
      })
    : Promise.resolve<DataResult>({
        ok: false,
        reason: 'unknown-endpoint',
        message: `no endpoint "${endpoint}" configured`,
      })
  let result: DataResult | 'gone' | undefined
  try {
    result = await Promise.race([requested, timedOut, gone])
  } finally {
    settled = true
    stop.abort(
      result !== undefined && result !== 'gone' && !result.ok && result.reason === 'timeout' ? TIMEOUT_REASON : 'done',
    )
    // The requester settles soon after the abort: the request is over (and counted) before the call goes on.
    await requested.catch(() => undefined)
    if (holding) {
      await holding
      if (!call.isEnded) await call.stopHold().catch(() => {})
    }
  }
  if (result === 'gone' || call.isEnded) throw new CallEnded()
  // The timer only resolves undefined once aborted, which happens after the race.
  const outcome = result ?? { ok: false, reason: 'timeout', message: `no answer within ${timeoutMs} ms` }
  const ms = clock.now() - started
  const base = { type: 'http', step: ctx.step, name: h.name, endpoint, ms, ...(holding ? { held: true } : {}) } as const
  if (outcome.ok) {
    state.data[h.name] = outcome.value
    const used: Record<string, string> = {}
    for (const p of usedPaths(ctx.workflow, h.name)) {
      const v = dataValue(state.data, [h.name, ...p])
      if (v !== undefined) used[p.join('.')] = harmless(v)
    }
    ctx.emit({ ...base, result: 'ok', status: outcome.status, values: used })
    return undefined
  }
  delete state.data[h.name]
  ctx.emit({
    ...base,
    result: outcome.reason,
    ...(outcome.status !== undefined ? { status: outcome.status } : {}),
    message: outcome.message,
    ...(h.otherwise !== undefined ? { goto: h.otherwise } : {}),
  })
  return h.otherwise !== undefined ? { goto: h.otherwise } : undefined
}
