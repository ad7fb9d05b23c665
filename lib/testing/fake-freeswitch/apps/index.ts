/**
 * The applications the simulator knows. Any other name is what FreeSWITCH calls an invalid application: it hangs
 * the channel up with DESTINATION_OUT_OF_ORDER and fires no EXECUTE events (switch_core_session.c,
 * `switch_core_session_execute_application_get_flags`).
 */
import { bridge } from './bridge.js'
import type { App } from './context.js'
import { playAndGetDigits } from './play-and-get-digits.js'
import { playback } from './playback.js'
import { record } from './record.js'
import { answer, breakApp, exportVar, hangup, preAnswer, set, sleep, unset } from './simple.js'
import { speak } from './speak.js'
import { voicemail } from './voicemail.js'

export const APPS: Record<string, App> = {
  answer,
  pre_answer: preAnswer,
  set,
  export: exportVar,
  unset,
  hangup,
  break: breakApp,
  sleep,
  playback,
  speak,
  play_and_get_digits: playAndGetDigits,
  bridge,
  voicemail,
  record,
}

export type { App, AppContext, WaitEnd } from './context.js'
