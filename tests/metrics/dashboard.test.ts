/** docs/grafana-dashboard.json is valid JSON and queries only metrics the registry has. */
import t from 'tap'
import { readFileSync } from 'node:fs'
import { Metrics } from '../../lib/metrics/registry.js'

type Panel = { title: string; targets: { expr: string }[] }

t.test('every metric the dashboard queries exists', async (t) => {
  const dashboard = JSON.parse(readFileSync(new URL('../../docs/grafana-dashboard.json', import.meta.url), 'utf8')) as {
    panels: Panel[]
    templating: { list: { query?: unknown }[] }
  }
  const { registry } = new Metrics()
  const exprs = [
    ...dashboard.panels.flatMap((p) => p.targets.map((x) => x.expr)),
    ...dashboard.templating.list.flatMap((v) =>
      typeof v.query === 'object' && v.query !== null ? [(v.query as { query: string }).query] : [],
    ),
  ]
  t.ok(exprs.length >= 15)
  const names = new Set(exprs.flatMap((e) => [...e.matchAll(/\b((?:ivr|process)_[a-z_]+)\b/g)].map((m) => m[1]!)))
  for (const name of names) {
    const base = name.replace(/_(bucket|sum|count)$/, '')
    const metric = registry.getSingleMetric(name) ?? registry.getSingleMetric(base)
    t.ok(metric, `${name} is a metric of the registry`)
    if (metric && base !== name) t.equal((await metric.get()).type, 'histogram', `${name}: ${base} is a histogram`)
  }
  const ours = (await registry.getMetricsAsJSON()).map((m) => m.name).filter((n) => n.startsWith('ivr_'))
  for (const name of ours)
    t.ok(
      [...names].some((n) => n.replace(/_(bucket|sum|count)$/, '') === name),
      `${name} is on the dashboard`,
    )
})

t.test('docs/operations.md lists every metric of the registry, and no other', async (t) => {
  const docs = readFileSync(new URL('../../docs/operations.md', import.meta.url), 'utf8')
  const listed = [...docs.matchAll(/^\| `(ivr_[a-z_]+)` \|/gm)].map((m) => m[1]!)
  const ours = (await new Metrics().registry.getMetricsAsJSON()).map((m) => m.name).filter((n) => n.startsWith('ivr_'))
  t.same([...listed].sort(), [...ours].sort())
})
