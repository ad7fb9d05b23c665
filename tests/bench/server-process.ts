/**
 * A benchmarked server in its own process: the router (`serve` on the flows file), the floor or the peer.
 * Its stderr goes to a log file, not through the bench, so that reading its logs costs the bench nothing.
 * Stopped with SIGTERM, then SIGKILL, within bounded time, whatever happened.
 */
import { spawn, type ChildProcess } from 'node:child_process'
import { openSync, closeSync, readFileSync } from 'node:fs'
import { setTimeout as sleep } from 'node:timers/promises'
import { fileURLToPath } from 'node:url'
import { cpuMs, rssBytes } from './proc-stats.js'

export type ProbeStats = {
  memory: NodeJS.MemoryUsage
  /** Statements given to the embedded database so far (with IVR_BENCH_COUNT_PGLITE=1). */
  statements: number
  lag: { p50: number; p99: number; max: number }
}

const PROBE = new URL('probe.mjs', import.meta.url).href
const live = new Set<ChildProcess>()

export class ServerProcess {
  readonly #child: ChildProcess
  readonly #log: string

  private constructor(child: ChildProcess, log: string) {
    this.#child = child
    this.#log = log
  }

  /** Starts `node [flags] --import probe.mjs ARGS` and waits (≤ 20 s) for `readyText` in its log. */
  static async start(
    name: string,
    args: string[],
    log: string,
    readyText: string,
    env: NodeJS.ProcessEnv = {},
  ): Promise<ServerProcess> {
    const fd = openSync(log, 'w')
    const child = spawn(process.execPath, ['--expose-gc', '--import', PROBE, ...args], {
      stdio: ['ignore', fd, fd, 'ipc'],
      env: { ...process.env, IVR_LOG_LEVEL: process.env.IVR_LOG_LEVEL ?? 'info', ...env },
    })
    closeSync(fd)
    live.add(child)
    child.once('exit', () => live.delete(child))
    const server = new ServerProcess(child, log)
    for (let i = 0; i < 400; i++) {
      if (child.exitCode !== null) break
      if (readFileSync(log, 'utf8').includes(readyText)) return server
      await sleep(50)
    }
    await server.stop()
    throw new Error(`${name} did not start; its log (${log}):\n${readFileSync(log, 'utf8').slice(-2000)}`)
  }

  get pid(): number {
    return this.#child.pid!
  }

  cpuMs(): number {
    return cpuMs(this.pid)
  }

  rssBytes(): number {
    return rssBytes(this.pid)
  }

  /** Asks the preloaded probe (≤ 10 s) for heap and event-loop lag. */
  probe(kind: 'stats', gc: boolean): Promise<ProbeStats>
  probe(kind: 'reset-lag'): Promise<unknown>
  probe(kind: 'stats' | 'reset-lag', gc = false): Promise<unknown> {
    const child = this.#child
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        child.off('message', onMessage)
        reject(new Error(`no ${kind} answer from the probe`))
      }, 10_000)
      const onMessage = (m: { probe?: string }) => {
        if (m.probe !== kind) return
        clearTimeout(timer)
        child.off('message', onMessage)
        resolve(m)
      }
      child.on('message', onMessage)
      child.send({ probe: kind, gc })
    })
  }

  logText(): string {
    return readFileSync(this.#log, 'utf8')
  }

  /** SIGTERM, then SIGKILL after `graceMs`; resolves once the process has exited. */
  async stop(graceMs = 3000): Promise<void> {
    const child = this.#child
    if (child.exitCode !== null || child.signalCode !== null) return
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()))
    child.kill('SIGTERM')
    const timer = setTimeout(() => child.kill('SIGKILL'), graceMs)
    await exited
    clearTimeout(timer)
  }
}

/** Last resort on failure: kills whatever server this bench started and is still running. */
export function killAll(): void {
  for (const child of live) child.kill('SIGKILL')
}

export const REPO = fileURLToPath(new URL('../../', import.meta.url))
