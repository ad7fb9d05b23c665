/**
 * Writes frames to the socket in order, optionally cut at random byte boundaries (seeded) or byte by byte, each
 * piece in its own write a turn of the event loop apart, so that a reader in the same process sees separate
 * chunks: the way to catch framers that miss a `\n\n` split across reads (esl-protocol.md §13, caveat 1).
 */
import type { Socket } from 'node:net'
import type { Random } from './prng.js'

export type SplitMode = 'none' | 'random' | 'bytes'

export class FrameWriter {
  #pieces: Buffer[] = []
  #pumping = false
  #ending = false
  #corked = false

  constructor(
    readonly socket: Socket,
    readonly mode: SplitMode,
    readonly random: Random,
  ) {}

  write(frame: Buffer): void {
    if (this.#ending || this.socket.destroyed) return
    if (this.mode === 'none') {
      // What one turn of the loop writes (a reply and the events behind it) leaves in one system call: hundreds
      // of calls at once otherwise spend the simulator's time in writes and make it lag behind the router.
      if (!this.#corked) {
        this.#corked = true
        this.socket.cork()
        process.nextTick(() => {
          this.#corked = false
          this.socket.uncork()
        })
      }
      this.socket.write(frame)
      return
    }
    this.#pieces.push(...this.#cut(frame))
    void this.#pump()
  }

  /** Closes the connection once everything written has gone out. */
  end(): void {
    if (this.#ending) return
    this.#ending = true
    if (!this.#pumping) this.socket.end()
  }

  #cut(frame: Buffer): Buffer[] {
    if (this.mode === 'bytes') return [...frame].map((b) => Buffer.from([b]))
    const cuts = new Set<number>()
    const count = Math.floor(this.random() * 4)
    for (let i = 0; i < count; i++) cuts.add(1 + Math.floor(this.random() * (frame.length - 1)))
    const points = [0, ...[...cuts].filter((c) => c > 0 && c < frame.length).sort((a, b) => a - b), frame.length]
    return points.slice(1).map((end, i) => frame.subarray(points[i], end))
  }

  async #pump(): Promise<void> {
    if (this.#pumping) return
    this.#pumping = true
    while (this.#pieces.length && !this.socket.destroyed) {
      this.socket.write(this.#pieces.shift()!)
      await new Promise<void>((resolve) => setImmediate(resolve))
    }
    this.#pumping = false
    if (this.#ending && !this.socket.destroyed) this.socket.end()
  }
}
