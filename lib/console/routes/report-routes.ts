/**
 * Reports: the list of sql/reports/ (what `ivr-router report` runs), and one report over a period with its rows,
 * the statement it ran with the filters written in (to paste into psql) and its SQL function as shipped.
 */
import type { FastifyInstance } from 'fastify'
import type { Store } from '../../store/db.js'
import { findReport, REPORTS, reportSource, reportStatement, runReport } from '../../store/reports.js'
import { NameParam, parse, ReportQuery } from '../requests.js'

export function reportRoutes(app: FastifyInstance, store: Store): void {
  app.get('/api/reports', { config: { role: 'viewer' } }, async () =>
    REPORTS.map(({ name, description, columns, threshold }) => ({
      name,
      description,
      columns,
      threshold: !!threshold,
    })),
  )

  app.get('/api/reports/:name', { config: { role: 'viewer' } }, async (request, reply) => {
    const { name } = parse(NameParam, request.params)
    const report = findReport(name)
    if (!report) return reply.code(404).send({ error: `no report named ${name}` })
    const q = parse(ReportQuery, request.query)
    const filters = {
      from: q.from,
      to: q.to,
      timeZone: q.tz,
      ...(q.team ? { team: q.team } : {}),
      ...(q.workflow ? { workflow: q.workflow } : {}),
      ...(q.threshold !== undefined ? { threshold: q.threshold } : {}),
    }
    return {
      name: report.name,
      description: report.description,
      columns: report.columns,
      rows: await runReport(store.db, report, filters),
      statement: reportStatement(report, filters),
      source: reportSource(report) ?? null,
    }
  })
}
