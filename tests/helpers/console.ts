/** A console on a test store over loopback, its accounts, and a small HTTP client that keeps the session cookie. */
import pino from 'pino'
import type { Test } from 'tap'
import { hashPassword } from '../../lib/console/password.js'
import { startConsole, type ConsoleOptions, type RunningConsole } from '../../lib/console/server.js'
import type { Store } from '../../lib/store/db.js'
import { addUser, type Role } from '../../lib/store/users.js'

export const PASSWORD = 'correct horse battery'

export async function consoleOn(t: Test, store: Store, options: Partial<ConsoleOptions> = {}): Promise<RunningConsole> {
  const running = await startConsole({
    host: '127.0.0.1',
    port: 0,
    store,
    log: pino({ level: 'silent' }),
    region: 'KR',
    uiDir: '/nonexistent',
    recordingsDir: '/nonexistent-recordings',
    ...options,
  })
  t.teardown(() => running.close())
  return running
}

export async function addUsers(store: Store, names: Partial<Record<Role, string>>): Promise<void> {
  const passwordHash = await hashPassword(PASSWORD)
  for (const [role, name] of Object.entries(names)) {
    const added = await addUser(store.db, { name: name!, role, passwordHash })
    if (!added.ok) throw new Error(added.reasons.join('; '))
  }
}

export type Answer = { status: number; body: unknown; headers: Headers }

export class Client {
  cookie: string | undefined
  csrf: string | undefined
  constructor(readonly base: string) {}

  async request(method: string, path: string, body?: unknown, options: { csrf?: boolean } = {}): Promise<Answer> {
    const headers: Record<string, string> = {}
    if (this.cookie) headers.cookie = this.cookie
    if (options.csrf !== false && this.csrf) headers['x-csrf-token'] = this.csrf
    if (body !== undefined) headers['content-type'] = 'application/json'
    const res = await fetch(new URL(path, this.base), {
      method,
      headers,
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    })
    const text = await res.text()
    let parsed: unknown = text
    try {
      parsed = JSON.parse(text)
    } catch {
      // not JSON: kept as text
    }
    return { status: res.status, body: parsed, headers: res.headers }
  }

  async login(name: string, password = PASSWORD): Promise<Answer> {
    const answer = await this.request('POST', '/api/session', { name, password })
    const set = answer.headers.get('set-cookie')
    if (answer.status === 200 && set) {
      this.cookie = set.split(';')[0]
      this.csrf = (answer.body as { csrf: string }).csrf
    }
    return answer
  }
}

/** A PCM WAV file of `seconds` of a 440 Hz tone, 8 kHz mono 16-bit (what FreeSWITCH's record writes). */
export function wavBytes(seconds: number): Buffer {
  const rate = 8000
  const samples = Math.round(seconds * rate)
  const out = Buffer.alloc(44 + samples * 2)
  out.write('RIFF', 0)
  out.writeUInt32LE(36 + samples * 2, 4)
  out.write('WAVEfmt ', 8)
  out.writeUInt32LE(16, 16)
  out.writeUInt16LE(1, 20)
  out.writeUInt16LE(1, 22)
  out.writeUInt32LE(rate, 24)
  out.writeUInt32LE(rate * 2, 28)
  out.writeUInt16LE(2, 32)
  out.writeUInt16LE(16, 34)
  out.write('data', 36)
  out.writeUInt32LE(samples * 2, 40)
  for (let i = 0; i < samples; i++)
    out.writeInt16LE(Math.round(8000 * Math.sin((2 * Math.PI * 440 * i) / rate)), 44 + i * 2)
  return out
}
