/**
 * The named endpoints workflows may call (`http: {url: "crm:/reservations/…"}`), defined in the router's
 * configuration only: a workflow names one, never a host, so a workflow file cannot make the router call an
 * arbitrary address, and the secrets and headers stay out of workflow files (docs/operations.md, "Endpoints").
 */
import { z } from 'zod'
import { ENDPOINT_URL, Name } from '../workflow/schema.js'

/** A response larger than this is refused as `too-large` unless the endpoint says otherwise. */
export const DEFAULT_MAX_BYTES = 65_536

const BaseUrl = z
  .string()
  .max(1000)
  .refine((s) => /^https?:\/\/\S+$/.test(s) && URL.canParse(s), 'must be an http:// or https:// URL')
  .refine((s) => {
    if (!URL.canParse(s)) return true
    const u = new URL(s)
    return u.search === '' && u.hash === '' && u.username === '' && u.password === ''
  }, 'must have no query, fragment or user:password (put credentials in headers or the secret)')
  // The workflow's path is appended to it.
  .transform((s) => s.replace(/\/+$/, ''))

const HeaderName = z.string().regex(/^[A-Za-z0-9!#$%&'*+.^_`|~-]{1,64}$/, 'must be an HTTP header name')
const HeaderValue = z
  .string()
  .max(4000)
  // eslint-disable-next-line no-control-regex
  .refine((s) => !/[\u0000-\u001f\u007f]/.test(s), 'must not contain control characters')

export const Endpoint = z.strictObject({
  url: BaseUrl,
  headers: z.record(HeaderName, HeaderValue).default({}),
  /** The HMAC-SHA256 key of the request signature (signature.ts); requests go unsigned without one. */
  secret: z.string().min(16, 'must be at least 16 characters').max(1000).optional(),
  maxBytes: z.number().int().min(1024).max(1_048_576).default(DEFAULT_MAX_BYTES),
})
export type Endpoint = z.output<typeof Endpoint>

export const Endpoints = z.record(Name, Endpoint)
export type Endpoints = z.output<typeof Endpoints>

/** `crm:/reservations/{{fields.no}}` → the endpoint's name and the path. */
export function splitEndpointUrl(url: string): { endpoint: string; path: string } | undefined {
  const m = ENDPOINT_URL.exec(url)
  return m ? { endpoint: m[1]!, path: m[2]! } : undefined
}

/** Endpoints as `config print` and logs may show them: the secret and header values masked. */
export function shownEndpoints(endpoints: Endpoints): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(endpoints).map(([name, e]) => [
      name,
      {
        url: e.url,
        ...(Object.keys(e.headers).length
          ? { headers: Object.fromEntries(Object.keys(e.headers).map((h) => [h, '****'])) }
          : {}),
        ...(e.secret !== undefined ? { secret: '****' } : {}),
        maxBytes: e.maxBytes,
      },
    ]),
  )
}
