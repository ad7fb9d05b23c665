/** The format and loudest sample of a RIFF/WAVE file: enough to tell a spoken prompt from an empty or silent one. */
import { readFile } from 'node:fs/promises'

export type WavSummary = {
  format: number
  channels: number
  sampleRate: number
  bits: number
  seconds: number
  /** The loudest 16-bit sample relative to full scale (0..1); 0 for other sample formats. */
  peak: number
}

export async function readWavSummary(path: string): Promise<WavSummary> {
  const b = await readFile(path)
  if (b.toString('latin1', 0, 4) !== 'RIFF' || b.toString('latin1', 8, 12) !== 'WAVE')
    throw new Error(`${path} is not a RIFF/WAVE file`)
  let fmt: Omit<WavSummary, 'seconds' | 'peak'> | undefined
  for (let at = 12; at + 8 <= b.length;) {
    const id = b.toString('latin1', at, at + 4)
    const size = b.readUInt32LE(at + 4)
    const body = at + 8
    if (id === 'fmt ')
      fmt = {
        format: b.readUInt16LE(body),
        channels: b.readUInt16LE(body + 2),
        sampleRate: b.readUInt32LE(body + 4),
        bits: b.readUInt16LE(body + 14),
      }
    if (id === 'data' && fmt !== undefined) {
      // Streaming writers leave the size at its maximum: the file's end bounds it.
      const end = Math.min(body + size, b.length)
      const frameBytes = (fmt.channels * fmt.bits) / 8
      let peak = 0
      if (fmt.format === 1 && fmt.bits === 16)
        for (let i = body; i + 1 < end; i += 2) peak = Math.max(peak, Math.abs(b.readInt16LE(i)))
      return { ...fmt, seconds: frameBytes > 0 ? (end - body) / frameBytes / fmt.sampleRate : 0, peak: peak / 32768 }
    }
    at = body + size + (size % 2)
  }
  throw new Error(`${path} has no fmt and data chunks`)
}
