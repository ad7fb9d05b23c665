/** The format of a RIFF/WAVE file, read from its header (tests only). */
import { readFileSync } from 'node:fs'

export type WavFormat = { format: number; channels: number; sampleRate: number; bits: number; dataBytes: number }

export function readWav(path: string): WavFormat {
  const b = readFileSync(path)
  if (b.toString('latin1', 0, 4) !== 'RIFF' || b.toString('latin1', 8, 12) !== 'WAVE')
    throw new Error(`${path} is not RIFF/WAVE`)
  let fmt: Omit<WavFormat, 'dataBytes'> | undefined
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
    // The data chunk's own size, bounded by what the file really holds.
    if (id === 'data' && fmt !== undefined) return { ...fmt, dataBytes: Math.min(size, b.length - body) }
    at = body + size + (size % 2)
  }
  throw new Error(`${path} has no fmt and data chunks`)
}
