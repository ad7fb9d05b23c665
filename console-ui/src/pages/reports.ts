/**
 * Reports: the reports of `ivr-router report` over days in the operator's zone, each drawn as a chart (Chart.js,
 * bundled) above its rows, with the statement it ran and its SQL function one click away.
 */
import {
  BarController,
  BarElement,
  CategoryScale,
  Chart,
  Legend,
  LinearScale,
  Tooltip,
  type ChartConfiguration,
} from 'chart.js'
import { api, type Me } from '../api.js'
import { h, replace } from '../dom.js'
import { dayBefore, t } from '../i18n.js'

Chart.register(BarController, BarElement, CategoryScale, LinearScale, Legend, Tooltip)

type ReportInfo = { name: string; description: string; columns: string[]; threshold: boolean }
type Row = Record<string, string | number | boolean | null>
type ReportReply = { name: string; columns: string[]; rows: Row[]; statement: string; source: string | null }

/** What each report draws: the label of a row on the x axis, the columns as bars, stacked or side by side. */
type ChartSpec = { x: (r: Row) => string; series: string[]; stacked: boolean }

const OUTCOMES = ['connected', 'abandoned', 'missed', 'voicemail', 'hangup', 'failed']
const CHARTS: Record<string, ChartSpec> = {
  'calls-per-day': { x: (r) => String(r['day']), series: OUTCOMES, stacked: true },
  'calls-per-hour': { x: (r) => `${String(r['day'])} ${String(r['hour'])}h`, series: OUTCOMES, stacked: true },
  'menu-choices': {
    x: (r) => `${String(r['workflow'])} ${String(r['step'])} ${String(r['choice'])}`,
    series: ['presses'],
    stacked: false,
  },
  'step-funnel': {
    x: (r) => `${String(r['workflow'])} ${String(r['step'])}`,
    series: ['reached', 'ended_here'],
    stacked: false,
  },
  abandonment: {
    x: (r) => `${String(r['day'])} ${String(r['workflow'])}`,
    series: ['ivr_abandoned_pct', 'queue_abandoned_pct'],
    stacked: false,
  },
  'missed-by-team': {
    x: (r) => String(r['team'] ?? '-'),
    series: ['queue_abandoned', 'workflow_hangup', 'voicemail', 'router_lost'],
    stacked: true,
  },
  'queue-wait': {
    x: (r) => String(r['team'] ?? '-'),
    series: ['p50_seconds', 'p90_seconds', 'p99_seconds'],
    stacked: false,
  },
  'service-level': {
    x: (r) => String(r['team'] ?? '-'),
    series: ['answer_rate_pct', 'service_level_pct'],
    stacked: false,
  },
  callbacks: {
    x: (r) => String(r['team'] ?? '-'),
    series: ['served', 'failed', 'cancelled', 'open'],
    stacked: true,
  },
}

const COLOURS = ['#1a5fb4', '#c64600', '#b3261e', '#6b3fa0', '#5e6b78', '#1e7b34']

export function reportsPage(root: HTMLElement, _me: Me): () => void {
  const select = h('select', { name: 'report', 'aria-label': t('report') })
  const from = h('input', { name: 'from', type: 'date', value: dayBefore(6) })
  const to = h('input', { name: 'to', type: 'date', value: dayBefore(0) })
  const threshold = h('input', { name: 'threshold', type: 'number', min: 1, max: 3600, value: 20 })
  const out = h('div', { id: 'report' })
  let chart: Chart | undefined
  const form = h(
    'form',
    { class: 'filters', id: 'report-form' },
    h('label', {}, t('report'), select),
    h('label', {}, t('from'), from),
    h('label', {}, t('to'), to),
    h('label', { class: 'threshold' }, t('threshold'), threshold),
    h('button', { type: 'submit' }, t('run')),
  )
  let list: ReportInfo[] = []

  async function run(): Promise<void> {
    const info = list.find((r) => r.name === select.value)
    if (!info) return
    const query = new URLSearchParams({
      from: from.value,
      to: to.value,
      tz: Intl.DateTimeFormat().resolvedOptions().timeZone,
      ...(info.threshold ? { threshold: threshold.value } : {}),
    })
    try {
      const r = await api<ReportReply>('GET', `reports/${encodeURIComponent(info.name)}?${query}`)
      chart?.destroy()
      const canvas = h('canvas', { id: 'report-chart', 'aria-label': info.description })
      replace(
        out,
        h('p', { class: 'muted' }, info.description),
        r.rows.length
          ? h('div', { class: 'chart' }, canvas)
          : h('p', { class: 'muted', id: 'report-empty' }, t('noRows')),
        table(r),
        h(
          'details',
          { id: 'report-sql' },
          h('summary', {}, t('sql')),
          h('pre', { class: 'statement' }, r.statement),
          r.source ? h('pre', { class: 'source' }, r.source) : null,
        ),
      )
      if (r.rows.length) chart = draw(canvas, info.name, r.rows)
    } catch (err) {
      replace(out, h('p', { class: 'error' }, (err as Error).message))
    }
  }

  form.addEventListener('submit', (e) => {
    e.preventDefault()
    void run()
  })
  select.addEventListener('change', () => {
    // Only service-level takes a threshold (the filters' labels are laid out by CSS, which `hidden` would not beat).
    form.querySelector<HTMLElement>('label.threshold')!.style.display = list.find((r) => r.name === select.value)
      ?.threshold
      ? ''
      : 'none'
    void run()
  })
  replace(root, h('h1', {}, t('reports')), form, out)
  api<ReportInfo[]>('GET', 'reports')
    .then((reports) => {
      list = reports
      replace(
        select,
        reports.map((r) => h('option', { value: r.name }, r.name)),
      )
      select.dispatchEvent(new Event('change'))
    })
    .catch((err: Error) => replace(out, h('p', { class: 'error' }, err.message)))
  return () => chart?.destroy()
}

function table(r: ReportReply): HTMLElement {
  return h(
    'table',
    { id: 'report-rows' },
    h(
      'thead',
      {},
      h(
        'tr',
        {},
        r.columns.map((c) => h('th', {}, c)),
      ),
    ),
    h(
      'tbody',
      {},
      r.rows.map((row) =>
        h(
          'tr',
          {},
          r.columns.map((c) => h('td', {}, row[c] === null ? '' : String(row[c]))),
        ),
      ),
    ),
  )
}

function draw(canvas: HTMLCanvasElement, name: string, rows: Row[]): Chart {
  const spec = CHARTS[name] ?? { x: (r: Row) => String(Object.values(r)[0]), series: [], stacked: false }
  const series = spec.series.filter((s) => rows.some((r) => typeof r[s] === 'number' && r[s] !== 0))
  const config: ChartConfiguration<'bar'> = {
    type: 'bar',
    data: {
      labels: rows.map(spec.x),
      datasets: series.map((s, i) => ({
        label: s,
        data: rows.map((r) => Number(r[s] ?? 0)),
        backgroundColor: COLOURS[i % COLOURS.length],
        maxBarThickness: 80,
      })),
    },
    options: {
      animation: false,
      maintainAspectRatio: false,
      scales: { x: { stacked: spec.stacked }, y: { stacked: spec.stacked, beginAtZero: true } },
    },
  }
  return new Chart(canvas, config)
}
