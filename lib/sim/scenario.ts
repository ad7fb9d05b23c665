/**
 * The scripted caller and agents of one simulated call (DESIGN.md, "The simulator command"):
 * one `keys` entry per prompt that reads keys, one `connect` result per ringing attempt.
 */
import { CUSTOMER_ANSWERS, type CustomerAnswer } from './callback-dialer.js'

export type ConnectResult = 'answer' | 'no-answer' | 'busy' | 'none'
export const CONNECT_RESULTS: readonly ConnectResult[] = ['answer', 'no-answer', 'busy', 'none']

export type Scenario = {
  /** Inputs in order; '' is no input. Past the end: no input. */
  keys: string[]
  /** Ringing results in order. Past the end: 'none'. */
  connect: ConnectResult[]
  /** Seconds the caller listens to hold music before hanging up. */
  queueWaitSeconds: number
  /** The caller hangs up on entering this step. */
  hangupAtStep?: string
  /** How long a connected call talks, and how long a voicemail message is. */
  talkSeconds: number
  voicemailSeconds: number
  /** A callback the caller takes is served after the call: what the customer does at each attempt. */
  callback?: CustomerAnswer[]
}

/** Parses `--keys` ("1,123456#,_"): digits, `*`, `#`; `_` or an empty entry is no input. */
export function parseKeys(list: string): string[] {
  return list.split(',').map((entry, i) => {
    const k = entry.trim()
    if (k === '_' || k === '') return ''
    if (!/^[0-9*#]{1,64}$/.test(k))
      throw new Error(`--keys entry ${i + 1} "${k}": use digits, * and #, or _ for no input`)
    return k
  })
}

export function parseConnect(list: string): ConnectResult[] {
  return list.split(',').map((entry, i) => {
    const r = entry.trim() as ConnectResult
    if (!CONNECT_RESULTS.includes(r))
      throw new Error(`--connect entry ${i + 1} "${entry.trim()}": use ${CONNECT_RESULTS.join(', ')}`)
    return r
  })
}

/** Parses `--callback` ("no-answer,answer"): the customer at each attempt of a callback served after the call. */
export function parseCallback(list: string): CustomerAnswer[] {
  return list.split(',').map((entry, i) => {
    const r = entry.trim() as CustomerAnswer
    if (!CUSTOMER_ANSWERS.includes(r))
      throw new Error(`--callback entry ${i + 1} "${entry.trim()}": use ${CUSTOMER_ANSWERS.join(', ')}`)
    return r
  })
}
