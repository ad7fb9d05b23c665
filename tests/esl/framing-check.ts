/**
 * Test helper: feeds a recorded trace to esl-lite's FreeSwitchParser in one of several chunkings and reports the first
 * frame that differs from the reference framer. The checks take millions of parses, and tap's async hooks make every
 * promise several times slower, so `checkInChild` runs them in a child process without tap.
 */
import { fork } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { FreeSwitchParser, type FreeSwitchParserNonEmptyBufferAtEndError, type ProcessorInput } from 'esl-lite'
import { pino } from 'pino'
import { asStream, cut, received, referenceFrames, type RefFrame } from './traces.js'

export type Chunking = 'whole' | 'decision-points' | 'every-offset' | 'bytes'
export type Check = { trace: string; chunking: Chunking }
export type CheckResult = Check & { parses: number; difference: string | undefined }

type Parsed = ProcessorInput | FreeSwitchParserNonEmptyBufferAtEndError

const logger = pino({ level: 'silent' })
const EMPTY = Buffer.alloc(0)

async function parse(chunks: readonly Buffer[]): Promise<Parsed[]> {
  const out: Parsed[] = []
  for await (const item of FreeSwitchParser(asStream(chunks), logger)) out.push(item)
  return out
}

/** The first way `actual` differs from `expected`, or undefined. */
function difference(actual: readonly Parsed[], expected: readonly RefFrame[]): string | undefined {
  for (let i = 0; i < Math.max(actual.length, expected.length); i++) {
    const got = actual[i]
    const want = expected[i]
    if (want === undefined) return `unexpected frame ${i}`
    if (got === undefined || got instanceof Error) {
      return `frame ${i} (${want.headers.get('Content-Type')} at ${want.start}) ${got ? got.name : 'missing'}`
    }
    for (const [name, value] of want.headers) {
      const gotValue = got.headers.get(name)
      if (gotValue !== value) return `frame ${i} at ${want.start}: ${name} is ${gotValue} instead of ${value}`
    }
    if (!got.body.equals(want.body ?? EMPTY)) return `frame ${i} at ${want.start}: body differs`
  }
  return undefined
}

const range = (from: number, to: number) => Array.from({ length: Math.max(0, to - from) }, (_, i) => from + i)

/**
 * Where a framer decides something: the first bytes of the frame, the bytes around each line break of the header
 * block (so both bytes of its blank line), the first and the last bytes of the body.
 */
function decisionPoints(frame: RefFrame, trace: Buffer): number[] {
  const length = frame.end - frame.start
  const points = new Set([0, 1, 2, length - 2, length - 1])
  for (let lf = trace.indexOf(10, frame.start); lf >= 0 && lf <= frame.start + frame.headerLength + 1;) {
    for (let near = -2; near <= 3; near++) points.add(lf - frame.start + near)
    lf = trace.indexOf(10, lf + 1)
  }
  return [...points].filter((offset) => offset >= 0 && offset < length).sort((a, b) => a - b)
}

/**
 * Cuts each frame in two at its n-th offset, for every n: one parse checks the n-th offset of all frames at once.
 * A frame's tail shares its chunk with the next frame's head, as on a socket. Each parse reads the trace only up to
 * the frame after the last one cut, so that the connect reply's many offsets cost little.
 */
async function splits(trace: Buffer, frames: readonly RefFrame[], offsets: readonly number[][]) {
  const rounds = Math.max(...offsets.map((list) => list.length))
  for (let n = 0; n < rounds; n++) {
    const used = frames.slice(0, offsets.findLastIndex((list) => list.length > n) + 2)
    const cuts = used.flatMap((frame, i) => {
      const offset = offsets[i]?.[n]
      return offset === undefined ? [] : [frame.start + offset]
    })
    const found = difference(await parse(cut(trace.subarray(0, used.at(-1)?.end), cuts)), used)
    if (found) return { parses: n + 1, difference: `cut ${n}: ${found}` }
  }
  return { parses: rounds, difference: undefined }
}

export async function check({ trace: name, chunking }: Check): Promise<CheckResult> {
  const trace = received(name)
  const frames = referenceFrames(trace)
  const whole = async (chunks: Buffer[]) => ({ parses: 1, difference: difference(await parse(chunks), frames) })
  const result =
    chunking === 'whole'
      ? await whole([trace])
      : chunking === 'bytes'
        ? await whole(range(0, trace.length).map((i) => trace.subarray(i, i + 1)))
        : await splits(
            trace,
            frames,
            frames.map((frame) =>
              chunking === 'every-offset' ? range(0, frame.end - frame.start) : decisionPoints(frame, trace),
            ),
          )
  return { trace: name, chunking, ...result }
}

export function checkInChild(checks: readonly Check[]): Promise<CheckResult[]> {
  const child = fork(fileURLToPath(import.meta.url), ['--child'], { execArgv: ['--import', 'tsx'] })
  return new Promise((resolve, reject) => {
    child.once('message', (results) => resolve(results as CheckResult[]))
    child.once('error', reject)
    child.once('exit', (code) => reject(new Error(`check process exited with ${code}`)))
    child.send(checks)
  })
}

if (process.argv[2] === '--child') {
  process.once('message', async (checks: Check[]) => {
    const results: CheckResult[] = []
    for (const one of checks) results.push(await check(one))
    process.send?.(results, () => process.disconnect())
  })
}
