/**
 * Preloaded into a benchmarked server (`node --import probe.mjs`), so that the router's own code stays unchanged:
 * answers the bench's IPC questions with the process's heap and its event-loop lag (perf_hooks histogram), and,
 * with IVR_BENCH_COUNT_PGLITE=1, how many statements the router gave the embedded database (its public `query`
 * and `exec` calls; a transaction counts once): PGlite has no wire whose round trips could be counted.
 * Plain JavaScript because it loads into the compiled router.
 */
import { monitorEventLoopDelay } from 'node:perf_hooks'
import process from 'node:process'

let statements = 0
if (process.env.IVR_BENCH_COUNT_PGLITE === '1') {
  const { PGlite } = await import('@electric-sql/pglite')
  for (const method of ['query', 'exec', 'transaction']) {
    const original = PGlite.prototype[method]
    PGlite.prototype[method] = function (...args) {
      statements++
      return original.apply(this, args)
    }
  }
}

const lag = monitorEventLoopDelay({ resolution: 10 })
lag.enable()
const ms = (ns) => Math.round(ns / 1e4) / 100

process.on('message', (message) => {
  if (message?.probe === 'reset-lag') {
    lag.reset()
    process.send({ probe: 'reset-lag' })
  } else if (message?.probe === 'stats') {
    // Only with --expose-gc: a collection first makes heapUsed the live heap rather than live + garbage.
    if (message.gc && typeof globalThis.gc === 'function') globalThis.gc()
    const memory = process.memoryUsage()
    process.send({
      probe: 'stats',
      memory,
      statements,
      lag: { p50: ms(lag.percentile(50)), p99: ms(lag.percentile(99)), max: ms(lag.max) },
    })
  }
})
// The IPC channel must not keep a server alive that has been asked to stop.
process.channel?.unref()
