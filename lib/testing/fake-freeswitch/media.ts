/**
 * How long media lasts in virtual time. Generated streams carry their own length (`silence_stream://500`,
 * `tone_stream://%(500,500,440);loops=2`, as in the traces); `local_stream://` (hold music) and negative lengths
 * never end; anything else takes the configured length for that path, or `defaultMs`.
 */
export type MediaLengths = {
  /** Milliseconds per file path (or per `speak` argument). */
  files?: Record<string, number>
  /** For files not listed; default 2000. */
  defaultMs?: number
}

function toneMs(spec: string): number | undefined {
  const segments = [...spec.matchAll(/%\(([^)]*)\)/g)]
  if (!segments.length) return undefined
  const once = segments.reduce((sum, [, args]) => {
    const [on, off] = (args ?? '').split(',').map((n) => parseInt(n, 10) || 0)
    return sum + (on ?? 0) + (off ?? 0)
  }, 0)
  const loops = /loops=(-?\d+)/.exec(spec)
  const count = loops ? parseInt(loops[1]!, 10) : 1
  return count < 0 ? Infinity : once * count
}

export function playbackMs(file: string, lengths: MediaLengths): number {
  const listed = lengths.files?.[file]
  if (listed !== undefined) return listed
  if (file.startsWith('local_stream://')) return Infinity
  if (file.startsWith('silence_stream://')) {
    const ms = parseInt(file.slice('silence_stream://'.length), 10)
    return ms > 0 ? ms : Infinity
  }
  if (file.startsWith('tone_stream://')) return toneMs(file) ?? lengths.defaultMs ?? 2000
  if (file.startsWith('file_string://')) {
    return file
      .slice('file_string://'.length)
      .split('!')
      .reduce((sum, part) => sum + playbackMs(part, lengths), 0)
  }
  return lengths.defaultMs ?? 2000
}

/** `speak engine|voice|text`: the listed length, else about 70 ms per character, at least a second. */
export function speakMs(arg: string, lengths: MediaLengths): number {
  const listed = lengths.files?.[arg]
  if (listed !== undefined) return listed
  const text = arg.split('|').slice(2).join('|')
  return Math.max(1000, 70 * [...text].length)
}
