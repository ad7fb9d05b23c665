/**
 * Preloaded into a benchmarked server (`node --import probe.mjs`), so that the router's own code stays unchanged:
 * answers the bench's IPC questions with the process's heap and its event-loop lag (perf_hooks histogram).
 * Plain JavaScript because it loads into the compiled router.
 */
import { monitorEventLoopDelay } from 'node:perf_hooks'
import process from 'node:process'

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
      lag: { p50: ms(lag.percentile(50)), p99: ms(lag.percentile(99)), max: ms(lag.max) },
    })
  }
})
// The IPC channel must not keep a server alive that has been asked to stop.
process.channel?.unref()
