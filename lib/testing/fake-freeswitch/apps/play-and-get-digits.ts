/**
 * `play_and_get_digits min max tries timeout terminators file invalid_file var regexp [digit_timeout]` exactly as
 * mod_dptools.c, `switch_play_and_get_digits`, `switch_ivr_read` and `switch_ivr_collect_digits_count` do it
 * (esl-protocol.md §7; traces dtmf-*, menu_hash, pagd_invalid_then_ok, pagd_timeout_all, pagd_hangup). Each read
 * attempt takes the next `keys` entry of the script.
 */
import type { App, AppContext } from './context.js'
import { playFile } from './play-file.js'
import type { KeyInput } from '../script.js'
import { atoi, separateString } from '../separate.js'

type Status = 'success' | 'timeout' | 'too-small' | 'restart' | 'failed'
type Read = {
  min: number
  max: number
  file: string
  varName: string
  timeout: number
  terminators: string
  digitTimeout: number
}
type Keys = Exclude<KeyInput, string | null>

/** The caller's keys still to come, and when the next one arrives. */
class Presses {
  #digits: string[]
  #first = true

  constructor(readonly input: Keys | undefined) {
    this.#digits = [...(input?.digits ?? '')]
  }

  get next(): string | undefined {
    return this.#digits[0]
  }

  /** Milliseconds until the next key once collecting has started. */
  get delay(): number {
    if (this.next === undefined) return Infinity
    return this.#first ? (this.input?.afterMs ?? 300) : (this.input?.gapMs ?? 200)
  }

  take(): string {
    this.#first = false
    return this.#digits.shift()!
  }
}

/** `switch_ivr_collect_digits_count`. */
async function collect(ctx: AppContext, buffer: string, keys: Presses, r: Read, firstTimeout: number) {
  for (let i = 0; i < buffer.length; i++) {
    if (r.terminators.includes(buffer[i]!))
      return { status: 'success' as Status, buffer: buffer.slice(0, i), term: buffer[i]! }
  }
  let timeout = firstTimeout
  for (;;) {
    const delay = keys.delay
    const end = await ctx.pause(Math.min(delay, timeout))
    if (end === 'hangup') return { status: 'failed' as Status, buffer, term: '' }
    if (delay >= timeout) return { status: 'timeout' as Status, buffer, term: '' }
    const digit = keys.take()
    ctx.dtmf(digit)
    timeout = r.digitTimeout
    if (r.terminators.includes(digit)) return { status: 'success' as Status, buffer, term: digit }
    buffer += digit
    if (buffer.length >= r.max || buffer.length >= 128) return { status: 'success' as Status, buffer, term: '' }
  }
}

/** `switch_ivr_read`. */
async function read(ctx: AppContext, r: Read): Promise<{ status: Status; buffer: string }> {
  const vars = ctx.channel.vars
  vars.delete('read_result')
  if (r.varName) vars.delete(r.varName)
  ctx.preAnswer()
  const keys = new Presses(ctx.script.nextKeys())
  let buffer = ''
  let status: Status = 'success'
  let length = 0
  if (r.file && r.file.toLowerCase() !== 'silence') {
    const bargeIn = keys.input?.bargeIn && keys.next !== undefined ? (keys.input.afterMs ?? 0) : undefined
    const end = await playFile(ctx, r.file, bargeIn)
    if (end === 'key') {
      buffer = keys.take()
      ctx.dtmf(buffer)
    } else if (end === 'hangup' || end === 'missing') status = 'failed'
  }
  if (status !== 'failed') {
    length = buffer.length
    if ((r.min && length < r.min) || length < r.max) {
      const got = await collect(ctx, buffer, keys, r, length ? r.digitTimeout : r.timeout)
      status = got.status
      buffer = got.buffer
      if (got.term) {
        vars.set('read_terminator_used', got.term)
        const at = r.terminators.indexOf(got.term)
        const mark = at >= 1 ? r.terminators[at - 1] : undefined
        if (mark === '+' || mark === 'x') {
          buffer += got.term
          if (mark === 'x') status = 'restart'
        }
      } else if (r.terminators.startsWith('=')) status = 'too-small'
    }
    length = buffer.length
    if (r.min && length < r.min) status = 'too-small'
    vars.set('read_result', status === 'success' ? 'success' : status === 'timeout' ? 'timeout' : 'failure')
  }
  // With max=1 a key that is also a terminator is dropped: `#` can never be chosen with the default terminators.
  if (status !== 'restart' && r.max === 1 && length === 1 && r.terminators.includes(buffer[0]!)) buffer = ''
  if (r.varName && buffer) vars.set(r.varName, buffer)
  return { status, buffer }
}

function matches(pattern: string, text: string): boolean {
  try {
    return new RegExp(pattern).test(text)
  } catch {
    return false
  }
}

export const playAndGetDigits: App = {
  media: true,
  async run(ctx, data) {
    if (!data) return ctx.problem('play_and_get_digits without arguments')
    const argv = separateString(data, ' ', 11)
    const min = Math.max(0, atoi(argv[0]))
    const r: Read = {
      min,
      max: Math.max(min, atoi(argv[1])),
      timeout: argv.length > 3 ? Math.max(1000, atoi(argv[3])) : 1000,
      terminators: argv[4] || '#',
      file: argv[5] ?? '',
      varName: argv[7] ?? '',
      digitTimeout: 0,
    }
    r.digitTimeout = Math.max(0, atoi(argv[9])) || r.timeout
    let tries = atoi(argv[2])
    const invalidFile = argv[6] ?? ''
    const regexp = argv[8] ?? ''
    if (argv[10]) ctx.problem('play_and_get_digits transfer_on_failure is not simulated')
    const vars = ctx.channel.vars
    if (regexp && r.varName) vars.delete(`${r.varName}_invalid`)
    while (ctx.channel.up && tries > 0) {
      const got = await read(ctx, r)
      let status = got.status
      if (status === 'restart') return
      if (status === 'timeout' && got.buffer.length >= r.min) status = 'success'
      if (r.min === 0 && !got.buffer && vars.get('read_terminator_used') !== undefined) return
      if (status === 'success' && got.buffer) {
        if (!regexp || matches(regexp, got.buffer)) return
        if (r.varName) {
          vars.delete(r.varName)
          vars.set(`${r.varName}_invalid`, got.buffer)
        }
      }
      if (!ctx.channel.up) break
      await playFile(ctx, invalidFile)
      tries--
    }
  },
}
