/**
 * Frames from FreeSWITCH's side of an Event Socket connection, cut by esl-lite's FreeSwitchParser (patched: see
 * docs/upstream/esl-lite.md). Headers stay raw: the connect reply and plain event bodies are URL-decoded by their
 * readers, event bodies are parsed only by whoever needs them.
 *
 * The peer is hostile until proven otherwise: a header block or a body past the limits, a Content-Length that is not
 * a plain number, or a stream that stops inside a frame ends the iteration with a FrameError, and the session closes
 * that call. Socket errors come through unchanged.
 */
import { FreeSwitchParser, FreeSwitchParserLimitError, FreeSwitchParserNonEmptyBufferAtEndError } from 'esl-lite'
import type { Logger } from 'pino'

export type Frame = {
  /** Header lines as sent, in order: the name up to the first `: `, the rest of the line as the value. */
  readonly headers: ReadonlyMap<string, string>
  /** Present exactly when the frame has a Content-Length, which may be 0 (the linger notice). */
  readonly body: Buffer | undefined
}

export type FrameLimits = {
  /** A header block longer than this, complete or not, is an error. */
  readonly maxHeaderBytes: number
  /** A Content-Length above this is an error before any of the body is buffered. */
  readonly maxBodyBytes: number
}

/** FreeSWITCH's largest frames are a few kB (the connect reply, events with many variables, CDR bodies). */
export const DEFAULT_FRAME_LIMITS: FrameLimits = { maxHeaderBytes: 64 * 1024, maxBodyBytes: 8 * 1024 * 1024 }

export type FrameErrorReason = 'header-too-long' | 'body-too-long' | 'bad-content-length' | 'truncated'

export class FrameError extends Error {
  override readonly name = 'FrameError' as const
  constructor(
    readonly reason: FrameErrorReason,
    detail: string,
  ) {
    super(`${reason}: ${detail}`)
  }
}

export async function* readFrames(
  socket: AsyncIterable<Buffer>,
  logger: Logger,
  limits: FrameLimits = DEFAULT_FRAME_LIMITS,
): AsyncGenerator<Frame, void, undefined> {
  const parsed = FreeSwitchParser(socket, logger, {
    maxHeaderLength: limits.maxHeaderBytes,
    maxContentLength: limits.maxBodyBytes,
  })
  try {
    for await (const item of parsed) {
      if (item instanceof FreeSwitchParserNonEmptyBufferAtEndError) {
        throw new FrameError('truncated', `the stream ended ${item.buffer.length} bytes into a frame`)
      }
      const length = item.headers.get('Content-Length')
      // esl-lite reads a body only for a Content-Length of digits and ignores any other value: refuse those.
      if (length !== undefined && (!/^\d+$/.test(length) || parseInt(length, 10) !== item.headers.contentLength)) {
        throw new FrameError('bad-content-length', JSON.stringify(length))
      }
      yield { headers: new Map(item.headers.entries()), body: length === undefined ? undefined : item.body }
    }
  } catch (err) {
    if (err instanceof FreeSwitchParserLimitError) {
      throw new FrameError(err.limit === 'header' ? 'header-too-long' : 'body-too-long', `${err.size} bytes`)
    }
    throw err
  }
}
