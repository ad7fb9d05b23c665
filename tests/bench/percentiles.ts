/** Nearest-rank percentiles of a sample, in the sample's unit; undefined for an empty sample. */
export function percentiles(sample: readonly number[], ps: readonly number[]): (number | undefined)[] {
  if (sample.length === 0) return ps.map(() => undefined)
  const sorted = Float64Array.from(sample).sort()
  return ps.map((p) => sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))])
}
