/**
 * LISTEN on PostgreSQL needs a connection of its own that stays open (a pooled one is handed to
 * other queries). This one reconnects after a failure, with a growing pause, and tells its
 * listeners when it is back: notifications sent while it was away are lost, so they reload.
 */
import pg from 'pg'

export type NotifyHandler = { onNotify(payload: string): void; onReconnect?(): void }

const MAX_PAUSE_MS = 10_000

export class PgListener {
  readonly #channels = new Map<string, Set<NotifyHandler>>()
  #client: pg.Client | undefined
  #connecting: Promise<void> | undefined
  #retry: NodeJS.Timeout | undefined
  #pause = 250
  #closed = false

  constructor(
    private readonly url: string,
    private readonly onError: (err: Error) => void,
  ) {}

  async listen(channel: string, handler: NotifyHandler): Promise<() => Promise<void>> {
    let handlers = this.#channels.get(channel)
    const first = handlers === undefined
    if (!handlers) this.#channels.set(channel, (handlers = new Set()))
    handlers.add(handler)
    if (!this.#client) await this.#connect()
    // Repeated when the connection was opened just now: LISTEN twice is harmless, missing it is not.
    if (first) await this.#client?.query(`LISTEN ${quote(channel)}`)
    return async () => {
      handlers.delete(handler)
      if (handlers.size > 0) return
      this.#channels.delete(channel)
      await this.#client?.query(`UNLISTEN ${quote(channel)}`).catch(() => {})
    }
  }

  #connect(): Promise<void> {
    this.#connecting ??= this.#open().finally(() => (this.#connecting = undefined))
    return this.#connecting
  }

  async #open(): Promise<void> {
    const client = new pg.Client({ connectionString: this.url, connectionTimeoutMillis: 5000, keepAlive: true })
    client.on('notification', (n) => {
      for (const h of this.#channels.get(n.channel) ?? []) h.onNotify(n.payload ?? '')
    })
    client.on('error', (err) => this.#lost(client, err))
    client.on('end', () => this.#lost(client, new Error('connection ended')))
    await client.connect()
    for (const channel of this.#channels.keys()) await client.query(`LISTEN ${quote(channel)}`)
    this.#client = client
    this.#pause = 250
  }

  #lost(client: pg.Client, err: Error): void {
    if (this.#client !== client || this.#closed) return
    this.#client = undefined
    client.removeAllListeners('end')
    client.end().catch(() => {})
    this.onError(err)
    this.#schedule()
  }

  #schedule(): void {
    if (this.#closed || this.#retry) return
    this.#retry = setTimeout(() => {
      this.#retry = undefined
      this.#connect().then(
        () => {
          for (const handlers of this.#channels.values()) for (const h of handlers) h.onReconnect?.()
        },
        (err: unknown) => {
          this.onError(err instanceof Error ? err : new Error(String(err)))
          this.#pause = Math.min(this.#pause * 2, MAX_PAUSE_MS)
          this.#schedule()
        },
      )
    }, this.#pause)
    this.#retry.unref()
  }

  async close(): Promise<void> {
    this.#closed = true
    clearTimeout(this.#retry)
    const client = this.#client
    this.#client = undefined
    if (client) {
      client.removeAllListeners('end')
      await client.end().catch(() => {})
    }
  }
}

/** Channel names are ours, but quote them as identifiers all the same. */
function quote(channel: string): string {
  return `"${channel.replace(/"/g, '""')}"`
}
