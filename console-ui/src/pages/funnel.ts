/**
 * The step funnel: the workflow drawn (the API's diagram: entry, steps, end states, labelled jumps) with, on each
 * step, how many calls of the period (days in the browser's zone) reached it and how they ended there, and on each
 * jump between steps how many times calls took it. Layers follow the jumps from the entry; the jumps are an SVG drawn over the boxes once they
 * are laid out (and again when the page's width changes).
 */
import { api } from '../api.js'
import { h, replace } from '../dom.js'
import { dayBefore, t } from '../i18n.js'

type DiagramNode = { id: string; kind: 'entry' | 'step' | 'end'; title: string; lines: string[] }
type DiagramEdge = { from: string; to: string; label?: string; fallback?: boolean }
type Funnel = {
  calls: number
  steps: { step: string; calls: number; visits: number }[]
  moves: { from: string; to: string; times: number }[]
  ends: { step: string; outcome: string; calls: number }[]
}
type FunnelReply = { diagram: { nodes: DiagramNode[]; edges: DiagramEdge[] }; funnel: Funnel }

const SVG = 'http://www.w3.org/2000/svg'
/** Days back from today, today included. */
const PERIODS = [
  ['today', 1],
  ['last7d', 7],
  ['last30d', 30],
] as const

/** Each node's layer: the fewest jumps from the entry (nodes nothing reaches go last). */
function layers(nodes: DiagramNode[], edges: DiagramEdge[]): DiagramNode[][] {
  const depth = new Map<string, number>([['entry', 0]])
  const queue = ['entry']
  for (let id = queue.shift(); id !== undefined; id = queue.shift()) {
    for (const e of edges)
      if (e.from === id && !depth.has(e.to)) {
        depth.set(e.to, depth.get(id)! + 1)
        queue.push(e.to)
      }
  }
  const last = Math.max(0, ...depth.values()) + 1
  const rows: DiagramNode[][] = []
  for (const n of nodes) (rows[depth.get(n.id) ?? last] ??= []).push(n)
  return rows.filter((r) => r !== undefined)
}

const percent = (part: number, whole: number) => (whole > 0 ? `${Math.round((part / whole) * 100)}%` : '')

export function funnelSection(workflow: string): HTMLElement {
  const select = h(
    'select',
    { name: 'funnel-period', 'aria-label': t('period') },
    PERIODS.map(([key, days]) => h('option', { value: days, selected: days === 7 }, t(key))),
  )
  const drawing = h('div', { id: 'funnel' })
  async function load(): Promise<void> {
    const tz = Intl.DateTimeFormat().resolvedOptions().timeZone
    const query = new URLSearchParams({ from: dayBefore(Number(select.value) - 1), to: dayBefore(0), tz })
    try {
      const r = await api<FunnelReply>('GET', `workflows/${encodeURIComponent(workflow)}/funnel?${query}`)
      draw(drawing, r)
    } catch (err) {
      replace(drawing, h('p', { class: 'error' }, (err as Error).message))
    }
  }
  select.addEventListener('change', () => void load())
  void load()
  return h('section', { class: 'funnel' }, h('h2', {}, t('stepFunnel'), ' ', select), drawing)
}

function draw(container: HTMLElement, { diagram, funnel }: FunnelReply): void {
  const reached = new Map(funnel.steps.map((s) => [s.step, s]))
  const stepOf = new Map(diagram.nodes.filter((n) => n.kind === 'step').map((n) => [n.id, n.title]))
  const box = (n: DiagramNode) => {
    const counts = reached.get(n.title)
    const ends = funnel.ends.filter((e) => e.step === n.title)
    return h(
      'div',
      { class: `node ${n.kind}`, 'data-node': n.id, 'data-step': n.kind === 'step' ? n.title : undefined },
      h('strong', {}, n.title),
      n.kind === 'step'
        ? h(
            'div',
            { class: 'reached' },
            counts
              ? `${counts.calls} ${t('calls')} · ${percent(counts.calls, funnel.calls)}${counts.visits > counts.calls ? ` · ${counts.visits} ${t('visits')}` : ''}`
              : `0 ${t('calls')}`,
          )
        : n.kind === 'entry'
          ? h('div', { class: 'reached' }, `${funnel.calls} ${t('calls')}`)
          : null,
      n.lines.slice(0, 3).map((l) => h('div', { class: 'line' }, l)),
      ends.length
        ? h('div', { class: 'ends' }, `${t('endedHere')}: `, ends.map((e) => `${e.outcome} ${e.calls}`).join(' · '))
        : null,
    )
  }
  const svg = document.createElementNS(SVG, 'svg')
  const grid = h(
    'div',
    { class: 'layers' },
    layers(diagram.nodes, diagram.edges).map((row) => h('div', { class: 'layer' }, row.map(box))),
  )
  replace(container, h('p', { class: 'muted' }, `${funnel.calls} ${t('calls')}`), h('div', { class: 'diagram' }, grid))
  grid.parentElement!.prepend(svg)
  const edges = () => drawEdges(grid, svg, diagram.edges, funnel, stepOf)
  requestAnimationFrame(edges)
  new ResizeObserver(edges).observe(grid)
}

/** Where an edge runs and where its label goes, in the grid's coordinates. */
function route(a: DOMRect, b: DOMRect, self: boolean): { d: string; x: number; y: number } {
  const ax = a.left + a.width / 2
  const bx = b.left + b.width / 2
  if (self) {
    const y = a.top + a.height / 2
    return {
      d: `M${a.right},${y - 8} C${a.right + 36},${y - 28} ${a.right + 36},${y + 28} ${a.right},${y + 8}`,
      x: a.right + 30,
      y,
    }
  }
  if (b.top >= a.bottom) {
    const mid = (a.bottom + b.top) / 2
    return { d: `M${ax},${a.bottom} C${ax},${mid} ${bx},${mid} ${bx},${b.top}`, x: (ax + bx) / 2, y: mid }
  }
  if (Math.abs(b.top - a.top) < 4) {
    // Same layer: a dip under both boxes.
    const low = Math.max(a.bottom, b.bottom) + 28
    return { d: `M${ax},${a.bottom} C${ax},${low} ${bx},${low} ${bx},${b.bottom}`, x: (ax + bx) / 2, y: low - 4 }
  }
  // Back up (a step reached again): around the right of both boxes.
  const right = Math.max(a.right, b.right) + 50
  const y1 = a.top + a.height / 2
  const y2 = b.top + b.height / 2
  return { d: `M${a.right},${y1} C${right},${y1} ${right},${y2} ${b.right},${y2}`, x: right - 10, y: (y1 + y2) / 2 }
}

function drawEdges(
  grid: HTMLElement,
  svg: SVGSVGElement,
  edges: DiagramEdge[],
  funnel: Funnel,
  stepOf: Map<string, string>,
): void {
  const origin = grid.getBoundingClientRect()
  svg.setAttribute('width', String(origin.width))
  svg.setAttribute('height', String(origin.height))
  svg.replaceChildren()
  const rect = (id: string) => grid.querySelector(`[data-node="${id}"]`)?.getBoundingClientRect()
  /** Several jumps between the same two steps (menu keys): their count goes on the first. */
  const counted = new Set<string>()
  /** Labels placed so far (approximate boxes): a label that would overlap one moves down. */
  const placed: { x: number; y: number; w: number }[] = []
  for (const e of edges) {
    const a = rect(e.from)
    const b = rect(e.to)
    if (!a || !b) continue
    const shift = (r: DOMRect) => new DOMRect(r.x - origin.left, r.y - origin.top, r.width, r.height)
    const way = route(shift(a), shift(b), e.from === e.to)
    const path = document.createElementNS(SVG, 'path')
    path.setAttribute('d', way.d)
    path.setAttribute('class', e.fallback ? 'edge fallback' : 'edge')
    svg.appendChild(path)
    const from = stepOf.get(e.from)
    const to = stepOf.get(e.to)
    const pair = `${e.from}>${e.to}`
    const times =
      from && to && !counted.has(pair) ? funnel.moves.find((m) => m.from === from && m.to === to)?.times : undefined
    counted.add(pair)
    const text = [e.label, times ? `${times}×` : undefined].filter(Boolean).join(' · ')
    if (!text) continue
    const w = text.length * 6.2
    let y = way.y
    while (placed.some((p) => Math.abs(p.y - y) < 12 && Math.abs(p.x - way.x) < (p.w + w) / 2 + 4)) y += 13
    placed.push({ x: way.x, y, w })
    const label = document.createElementNS(SVG, 'text')
    label.setAttribute('x', String(way.x))
    label.setAttribute('y', String(y))
    label.setAttribute('text-anchor', 'middle')
    label.setAttribute('class', times ? 'edge-label taken' : 'edge-label')
    label.textContent = text
    svg.appendChild(label)
  }
}
