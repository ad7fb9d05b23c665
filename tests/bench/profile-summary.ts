/** Where a V8 CPU profile (`--cpu-prof`) spends its self time: the top functions and the share per area. */
import { readFileSync } from 'node:fs'

type Node = { id: number; callFrame: { functionName: string; url: string; lineNumber: number }; hitCount?: number }
type Profile = { nodes: Node[]; startTime: number; endTime: number; samples: number[] }

export type ProfileSummary = {
  totalMs: number
  top: { fn: string; where: string; selfMs: number; share: number }[]
  areas: { area: string; share: number }[]
}

const AREAS: [string, RegExp][] = [
  ['idle', /^\(idle\)$/],
  ['garbage collection', /^\(garbage collector\)$/],
  ['esl-lite parser', /esl-lite/],
  ['pino logging', /pino|sonic-boom|fast-json-stringify|thread-stream/],
  ['router lib/esl', /\/lib\/esl\//],
  ['router lib/engine', /\/lib\/engine\//],
  ['router lib/server', /\/lib\/server\//],
  ['router other lib/', /\/lib\//],
  ['zod / yaml / luxon', /zod|yaml|luxon/],
  ['node internals (net, streams, timers, fs)', /^node:|^internal\//],
  ['native / program', /^$/],
]

function areaOf(fn: string, url: string): string {
  for (const [area, re] of AREAS) if (re.test(area === 'idle' || area === 'garbage collection' ? fn : url)) return area
  return 'other'
}

export function summarizeProfile(path: string, topN = 15): ProfileSummary {
  const profile = JSON.parse(readFileSync(path, 'utf8')) as Profile
  const totalMs = (profile.endTime - profile.startTime) / 1000
  const hits = new Map<number, number>()
  for (const id of profile.samples) hits.set(id, (hits.get(id) ?? 0) + 1)
  const msPerSample = totalMs / Math.max(1, profile.samples.length)
  const byFn = new Map<string, { fn: string; where: string; selfMs: number }>()
  const byArea = new Map<string, number>()
  let busyMs = 0
  for (const node of profile.nodes) {
    const ms = (hits.get(node.id) ?? 0) * msPerSample
    if (ms === 0) continue
    const { functionName, url, lineNumber } = node.callFrame
    const fn = functionName || '(anonymous)'
    const area = areaOf(fn, url)
    byArea.set(area, (byArea.get(area) ?? 0) + ms)
    if (area === 'idle') continue
    busyMs += ms
    const where = url ? `${url.replace(/^file:\/\/.*?\/(lib|node_modules|dist)\//, '$1/')}:${lineNumber + 1}` : ''
    const key = `${fn} ${where}`
    const entry = byFn.get(key) ?? { fn, where, selfMs: 0 }
    entry.selfMs += ms
    byFn.set(key, entry)
  }
  const top = [...byFn.values()]
    .sort((a, b) => b.selfMs - a.selfMs)
    .slice(0, topN)
    .map((e) => ({ ...e, selfMs: Math.round(e.selfMs), share: e.selfMs / busyMs }))
  const areas = [...byArea.entries()]
    .filter(([area]) => area !== 'idle')
    .map(([area, ms]) => ({ area, share: ms / busyMs }))
    .sort((a, b) => b.share - a.share)
  return { totalMs: Math.round(totalMs), top, areas }
}
