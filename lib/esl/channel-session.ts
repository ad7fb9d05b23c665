/**
 * What the call layer needs from one outbound Event Socket connection. EslSession implements it
 * over a socket; tests may fake it.
 */

/** A CHANNEL_* event as FreeSWITCH sent it (EslEvent in event.ts); values in FreeSWITCH's string form. */
export type ChannelEvent = {
  readonly name: string
  text(header: string): string | undefined
  /** `variable_<name>`. */
  variableText(name: string): string | undefined
}

/** The connection closed before the awaited answer came. */
export class SessionClosed extends Error {
  override readonly name = 'SessionClosed' as const
  constructor(message?: string) {
    // Met at the end of most calls (what was pending when the socket closed): no stack trace to pay for.
    const limit = Error.stackTraceLimit
    Error.stackTraceLimit = 0
    super(message)
    Error.stackTraceLimit = limit
  }
}

/** FreeSWITCH answered a command with `-ERR …`. */
export class CommandFailed extends Error {
  override readonly name = 'CommandFailed' as const
}

export type ChannelSession = {
  /** The channel's Unique-ID. */
  readonly uuid: string
  /** Resolves once the channel is hung up (CHANNEL_HANGUP, a disconnect notice or the socket closing). */
  readonly ended: Promise<{ cause: string }>
  readonly isEnded: boolean
  /**
   * Runs one application and resolves with its CHANNEL_EXECUTE_COMPLETE, which FreeSWITCH sends
   * even after a hang-up while lingering. Rejects with SessionClosed if the socket closes first.
   */
  execute(app: string, arg: string): Promise<ChannelEvent>
  /** `api NAME ARGS…` on this connection; resolves with the response body. */
  api(name: string, ...args: string[]): Promise<string>
  /** Hangs the channel up (no-op once ended). */
  hangup(cause: string): Promise<void>
  /** Ends our control now (`exit`) without hanging up: with `socket_resume` the dialplan carries on. */
  handBack(): Promise<void>
  /** Calls `listener` for each event of that name until the returned function is called. */
  on(eventName: string, listener: (event: ChannelEvent) => void): () => void
}
