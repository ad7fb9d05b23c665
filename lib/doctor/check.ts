/** One line of `ivr-router doctor`: what was checked, whether it passed, what was seen, and what to do if not. */
export type CheckResult = {
  name: string
  ok: boolean
  /** What was found: the value, the error, the count. */
  detail: string
  /** On failure (or a warning), the way to fix it. */
  hint?: string
  /** Passed, but something will not work for some callers (an agent that cannot be reached now). */
  warn?: true
}

export const pass = (name: string, detail: string): CheckResult => ({ name, ok: true, detail })
export const fail = (name: string, detail: string, hint: string): CheckResult => ({ name, ok: false, detail, hint })
/** Does not fail the doctor: the router works, but not for everyone. */
export const warn = (name: string, detail: string, hint: string): CheckResult => ({
  name,
  ok: true,
  detail,
  hint,
  warn: true,
})

/** The message of whatever was thrown. */
export function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err)
}
