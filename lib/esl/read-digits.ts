/**
 * play_and_get_digits for the engine's readKeys: the argument string and how to read the result.
 *
 * - One try per call: the engine counts plays itself (the workflow's repeat), so invalid input and
 *   timeouts are decided the same way in the simulator and on FreeSWITCH.
 * - Menus read one key with terminators `none`: with max=1 a key that is also a terminator is
 *   discarded (fixture menu_hash), so `#` could never be an option.
 * - The regexp accepts any keys; validity is the engine's call. The digits are read from
 *   `variable_<var>` only: `read_result` says `success` with no digits when `#` ends an empty
 *   input, and `read_terminator_used` is never cleared between reads (stale).
 * - min is 1 so that partial input ("123" then `#` for a 6-digit form) reaches the engine as
 *   invalid input instead of vanishing as no input.
 */
import type { ReadKeysRequest, ReadKeysResult } from '../engine/call.js'
import type { Vars } from './bridge-result.js'

export const DIGITS_VAR = 'ivr_digits'
/** Played by FreeSWITCH after a failed try; the engine plays its own `invalid` prompt instead. */
const NO_INVALID_FILE = 'silence_stream://250'
const ANY_KEYS = '^[0-9*#]+$'

/** FreeSWITCH raises any timeout of 1000 ms or less to 1000 ms. */
const clampMs = (ms: number) => Math.max(1000, Math.round(ms))

/** `file` is already a single safe token (a validated sound path, a rendered TTS file). */
export function pagdArgs(req: ReadKeysRequest, file: string): string {
  return [
    1,
    req.maxDigits,
    1,
    clampMs(req.firstKeyTimeoutMs),
    req.endKey,
    file,
    NO_INVALID_FILE,
    DIGITS_VAR,
    ANY_KEYS,
    clampMs(req.interDigitTimeoutMs),
  ].join(' ')
}

export function readDigitsResult(vars: Vars, req: ReadKeysRequest): ReadKeysResult {
  const raw = vars(DIGITS_VAR) ?? ''
  // Whatever FreeSWITCH returns, only DTMF keys within the requested length reach the engine.
  return { digits: /^[0-9*#]*$/.test(raw) ? raw.slice(0, req.maxDigits) : '' }
}
