/** One line of `ivr-router doctor`: what was checked, whether it passed, what was seen, and what to do if not. */
export type CheckResult = {
  name: string
  ok: boolean
  /** What was found: the value, the error, the count. */
  detail: string
  /** On failure, the way to fix it. */
  hint?: string
}

export const pass = (name: string, detail: string): CheckResult => ({ name, ok: true, detail })
export const fail = (name: string, detail: string, hint: string): CheckResult => ({ name, ok: false, detail, hint })

/** The message of whatever was thrown. */
export function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err)
}
