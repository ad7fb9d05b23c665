/**
 * The round-trip counter (pg-wire-count.ts) in a process of its own: in the bench's process it would wait on the
 * simulator's work, and every database round trip of the router with it (hand-offs measured slower than they are).
 * The bench forks this file; the child listens on a free loopback port, says which, and answers reads by IPC.
 */
import { fork, type ChildProcess } from 'node:child_process'
import { once } from 'node:events'
import { fileURLToPath } from 'node:url'
import { PgWireCounter } from './pg-wire-count.js'

export type WireCounts = { total: number; byKind: ReadonlyMap<string, number> }

type FromChild = { port: number } | { total: number; byKind: [string, number][] }

export class PgWireProxy {
  private constructor(
    private readonly child: ChildProcess,
    readonly port: number,
  ) {}

  /** Forks the proxy to `target` and waits until it listens. */
  static async start(target: { host: string; port: number }): Promise<PgWireProxy> {
    const child = fork(fileURLToPath(import.meta.url), ['--child', target.host, String(target.port)], {
      execArgv: ['--import', 'tsx'],
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    })
    const [message] = (await once(child, 'message')) as [FromChild]
    if (!('port' in message)) throw new Error('pg wire proxy: no port')
    return new PgWireProxy(child, message.port)
  }

  /** The round trips counted so far. */
  async read(): Promise<WireCounts> {
    const reply = once(this.child, 'message') as Promise<[FromChild]>
    this.child.send('read')
    const [message] = await reply
    if (!('total' in message)) throw new Error('pg wire proxy: unexpected reply')
    return { total: message.total, byKind: new Map(message.byKind) }
  }

  async close(): Promise<void> {
    if (this.child.exitCode !== null) return
    const exited = once(this.child, 'exit')
    this.child.kill()
    await exited
  }
}

if (process.argv[2] === '--child' && process.send) {
  const { counter, port } = await PgWireCounter.start({ host: process.argv[3]!, port: Number(process.argv[4]) })
  process.on('message', () =>
    process.send!({ total: counter.roundTrips, byKind: [...counter.byKind] } satisfies FromChild),
  )
  process.on('disconnect', () => process.exit(0))
  process.send({ port } satisfies FromChild)
}
