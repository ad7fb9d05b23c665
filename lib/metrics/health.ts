/**
 * Liveness and readiness. Ready means: calls can be recorded (the database answers, or the spool
 * can take the records), the routing caches are loaded, and the router is not draining. A load
 * balancer (or an operator) stops sending calls to a router that is not ready.
 */

/** undefined: fine; a string: why not. */
export type Check = () => Promise<string | undefined>

export type Readiness = { ready: boolean; checks: Record<string, string> }

export class Health {
  #draining = false
  #loaded = false
  #storage: Check | undefined

  /** The workflows and directory are in memory: calls can be routed. */
  loaded(storage: Check): void {
    this.#loaded = true
    this.#storage = storage
  }

  /** From now on readiness says 503 (SIGTERM). */
  drain(): void {
    this.#draining = true
  }

  get draining(): boolean {
    return this.#draining
  }

  async readiness(): Promise<Readiness> {
    const checks: Record<string, string> = {
      storage: this.#storage
        ? ((await this.#storage().catch((err: unknown) => String(err))) ?? 'ok')
        : 'not checked yet',
      caches: this.#loaded ? 'ok' : 'not loaded yet',
      draining: this.#draining ? 'draining: no new calls' : 'ok',
    }
    return { ready: Object.values(checks).every((v) => v === 'ok'), checks }
  }
}
