/**
 * A change the store refuses (unknown workflow, a binding that cannot work, a removal that would
 * break a workflow) is a value with its reasons. Inside a transaction it is thrown, to roll the
 * transaction back, and turned back into a value at the edge.
 */
export type Refusal = { ok: false; reasons: string[] }

export function refusal(...reasons: string[]): Refusal {
  return { ok: false, reasons }
}

export class Refused extends Error {
  constructor(readonly reasons: string[]) {
    super(reasons.join('; '))
  }
}

/** Runs `fn`; a Refused thrown inside becomes a Refusal. */
export async function refusable<T>(fn: () => Promise<T>): Promise<T | Refusal> {
  try {
    return await fn()
  } catch (err) {
    if (err instanceof Refused) return refusal(...err.reasons)
    throw err
  }
}
