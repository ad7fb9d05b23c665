/** A TCP proxy on 127.0.0.1 that a test can cut (every connection dropped, new ones refused) and restore. */
import { createConnection, createServer, type AddressInfo, type Socket } from 'node:net'

export type TcpProxy = { port: number; cut(): void; restore(): void; close(): Promise<void> }

export async function tcpProxy(target: { host: string; port: number }): Promise<TcpProxy> {
  const sockets = new Set<Socket>()
  let down = false
  const track = (s: Socket) => {
    sockets.add(s)
    s.on('close', () => sockets.delete(s))
    s.on('error', () => s.destroy())
  }
  const server = createServer((client) => {
    track(client)
    if (down) {
      client.resetAndDestroy()
      return
    }
    const upstream = createConnection(target)
    track(upstream)
    client.pipe(upstream).pipe(client)
    client.on('close', () => upstream.destroy())
    upstream.on('close', () => client.destroy())
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  return {
    port: (server.address() as AddressInfo).port,
    cut() {
      down = true
      for (const s of sockets) s.resetAndDestroy()
    },
    restore() {
      down = false
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy()
        server.close(() => resolve())
      }),
  }
}
