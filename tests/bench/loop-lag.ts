/**
 * This process's own event-loop delay over time: the simulator timestamps every leg, so while its loop lags
 * (in the arrival burst it places hundreds of calls) a hand-off it measures is late by as much. A 5 ms ticker
 * records how late each tick ran; `window` gives p99 and max over part of the run.
 */
import { percentiles } from './percentiles.js'

export class LoopLag {
  readonly #ticks: [at: number, lateMs: number][] = []
  readonly #timer: NodeJS.Timeout
  readonly #start = performance.now()

  constructor(periodMs = 5) {
    let due = this.#start + periodMs
    this.#timer = setInterval(() => {
      const now = performance.now()
      this.#ticks.push([now - this.#start, Math.max(0, now - due)])
      due = now + periodMs
    }, periodMs)
  }

  stop(): void {
    clearInterval(this.#timer)
  }

  /** How late the ticks between `fromMs` and `toMs` (since the start) ran. */
  window(fromMs: number, toMs: number): { p99: number | undefined; max: number | undefined } {
    const late = this.#ticks.filter(([at]) => at >= fromMs && at < toMs).map(([, ms]) => ms)
    const [p99] = percentiles(late, [99])
    return { p99, max: late.length ? Math.max(...late) : undefined }
  }
}
