/**
 * A mod_voicemail box that FreeSWITCH cannot find (trace voicemail_nobox: it logs "Can't find user" on its own
 * console only). The router keeps the caller's message with its own recording; the operator hears of each box once
 * in the log, and every time on the metrics.
 */
import type { Logger } from 'pino'

export function missingBoxReporter(log: Logger, count?: (box: string) => void): (box: string) => void {
  const logged = new Set<string>()
  return (box) => {
    count?.(box)
    if (logged.has(box)) return
    logged.add(box)
    log.warn(
      { box },
      'mod_voicemail has no such box (no user of that id in the FreeSWITCH directory): the router recorded the message itself; add the user (`ivr-router doctor` lists the boxes)',
    )
  }
}
