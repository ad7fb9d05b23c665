/** JSON to and from /api; the session's CSRF token goes with every change. */
export type Role = 'viewer' | 'supervisor' | 'admin'
export type Me = { user: { name: string; role: Role }; csrf: string }

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly body: { error?: string; problems?: { path: string; message: string }[]; [k: string]: unknown },
  ) {
    super(body.error ?? `HTTP ${status}`)
  }
}

let csrf = ''
export const setCsrf = (token: string) => (csrf = token)

export async function api<T>(method: string, path: string, body?: unknown): Promise<T> {
  const headers: Record<string, string> = {}
  if (body !== undefined) headers['content-type'] = 'application/json'
  if (method !== 'GET' && csrf) headers['x-csrf-token'] = csrf
  const res = await fetch(`api/${path}`, {
    method,
    headers,
    credentials: 'same-origin',
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  })
  const data = (await res.json().catch(() => ({}))) as T & { error?: string }
  if (!res.ok) throw new ApiError(res.status, data as ApiError['body'])
  return data
}
