/**
 * The board's server-sent events as the console sends them, read by this process (a second subscriber: the console
 * reads the board once for all): each event's type, bytes of data and arrival. Unlike the page, it never falls
 * behind, so it counts what the console pushed even while the page is too busy to take it.
 */
import { request, type ClientRequest } from 'node:http'

export type SentEvent = { type: string; at: number; bytes: number }

export class BoardEvents {
  readonly events: SentEvent[] = []
  readonly #req: ClientRequest

  constructor(url: string, cookie: string) {
    let buffer = ''
    this.#req = request(new URL('api/board/events', url), { headers: { cookie } }, (res) => {
      res.setEncoding('utf8').on('data', (chunk: string) => {
        buffer += chunk
        let end
        while ((end = buffer.indexOf('\n\n')) >= 0) {
          const block = buffer.slice(0, end)
          buffer = buffer.slice(end + 2)
          const data = /^data: (.*)$/m.exec(block)?.[1]
          if (data === undefined) continue
          const type = /^event: (.*)$/m.exec(block)?.[1] ?? 'message'
          this.events.push({ type, at: Date.now(), bytes: Buffer.byteLength(data) })
        }
      })
    })
    this.#req.end()
  }

  close(): void {
    this.#req.destroy()
  }
}
