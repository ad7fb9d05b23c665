/**
 * Workflows: the list in priority order (the first enabled incoming one answers unbound numbers), one workflow with
 * its versions and current document, a diff between versions, its step funnel over a period (the current version
 * drawn, with how many calls reached each step and how they left it), and applying documents (admins) with the CLI's
 * checks: lib/workflow's loader and validator, then the store's refusals. Problems come back one per path.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import type { Store } from '../../store/db.js'
import { applyDocuments } from '../../store/apply.js'
import { writeAudit } from '../../store/audit.js'
import {
  diffVersions,
  listVersions,
  listWorkflows,
  rollbackWorkflow,
  setWorkflowEnabled,
  workflowVersion,
  workflowYaml,
} from '../../store/workflows.js'
import { findRecipe, listRecipes } from '../../recipes.js'
import { stepFunnel } from '../../store/step-funnel.js'
import { buildDiagram } from '../../workflow/diagram.js'
import { loadString } from '../../workflow/load.js'
import { accountOf } from '../access.js'
import { ApplyBody, EnabledBody, FunnelQuery, NameParam, parse, RecipeBody, RollbackBody } from '../requests.js'

export function workflowRoutes(app: FastifyInstance, store: Store, region: string): void {
  app.get('/api/workflows', { config: { role: 'viewer' } }, async () => {
    const list = await listWorkflows(store.db)
    // Incoming before queued, then as the router tries them: highest priority first, then by name.
    return list.sort(
      (a, b) =>
        Number(a.trigger === 'queued') - Number(b.trigger === 'queued') ||
        b.priority - a.priority ||
        a.name.localeCompare(b.name),
    )
  })

  app.get('/api/workflows/:name', { config: { role: 'viewer' } }, async (request, reply) => {
    const { name } = parse(NameParam, request.params)
    const current = await workflowVersion(store.db, name)
    if (!current.ok) return reply.code(404).send({ error: current.reasons.join('; ') })
    const summary = (await listWorkflows(store.db)).find((w) => w.name === name)
    return {
      ...summary,
      versionsList: await listVersions(store.db, name),
      document: current.workflow,
      yaml: workflowYaml(current.workflow),
    }
  })

  app.get('/api/workflows/:name/funnel', { config: { role: 'viewer' } }, async (request, reply) => {
    const { name } = parse(NameParam, request.params)
    const { from, to, tz } = parse(FunnelQuery, request.query)
    const current = await workflowVersion(store.db, name)
    if (!current.ok) return reply.code(404).send({ error: current.reasons.join('; ') })
    return {
      from,
      to,
      // The current version drawn; the counts are by step name, over every version the period's calls ran.
      diagram: buildDiagram(current.workflow),
      funnel: await stepFunnel(store.db, name, { from, to, timeZone: tz }),
    }
  })

  app.get('/api/workflows/:name/diff', { config: { role: 'viewer' } }, async (request, reply) => {
    const { name } = parse(NameParam, request.params)
    const q = request.query as { from?: string; to?: string }
    const n = (v: string | undefined) => (v === undefined || !/^\d{1,6}$/.test(v) ? undefined : Number(v))
    const diff = await diffVersions(store.db, name, n(q.from), n(q.to))
    if (!diff.ok) return reply.code(404).send({ error: diff.reasons.join('; ') })
    return diff
  })

  app.post('/api/workflows/:name/rollback', { config: { role: 'admin' } }, async (request, reply) => {
    const { name } = parse(NameParam, request.params)
    const { version } = parse(RollbackBody, request.body)
    const result = await rollbackWorkflow(store, name, version, region)
    if (!result.ok) return reply.code(409).send({ error: result.reasons.join('; '), reasons: result.reasons })
    await writeAudit(store.db, {
      actor: accountOf(request).name,
      action: 'workflow.rollback',
      target: name,
      detail: { from: result.from, to: result.to },
      origin: request.ip,
    })
    return result
  })

  app.post('/api/workflows/:name/enabled', { config: { role: 'admin' } }, async (request, reply) => {
    const { name } = parse(NameParam, request.params)
    const { enabled } = parse(EnabledBody, request.body)
    const result = await setWorkflowEnabled(store, name, enabled, region)
    if (!result.ok) return reply.code(409).send({ error: result.reasons.join('; '), reasons: result.reasons })
    await writeAudit(store.db, {
      actor: accountOf(request).name,
      action: enabled ? 'workflow.enable' : 'workflow.disable',
      target: name,
      origin: request.ip,
    })
    return result
  })

  app.get('/api/recipes', { config: { role: 'viewer' } }, async () =>
    listRecipes().map((r) => ({ name: r.name, title: r.title })),
  )

  /** A shipped recipe applied in one click, as `ivr-router recipe show NAME | ivr-router apply -` would. */
  app.post('/api/recipes/apply', { config: { role: 'admin' } }, async (request, reply) => {
    const { recipe } = parse(RecipeBody, request.body)
    const found = findRecipe(recipe)
    if (!found) return reply.code(404).send({ error: `no recipe named "${recipe}"` })
    return applyText(request, reply, found.text, `${found.name}.yaml`, `recipe ${found.name}`)
  })

  app.post('/api/apply', { config: { role: 'admin' } }, async (request, reply) => {
    const body = parse(ApplyBody, request.body)
    return applyText(request, reply, body.yaml, 'console.yaml', body.note)
  })

  async function applyText(
    request: FastifyRequest,
    reply: FastifyReply,
    text: string,
    file: string,
    note: string | undefined,
  ) {
    const user = accountOf(request)
    const result = await applyDocuments(store, loadString(text, file), {
      region,
      importedBy: `console:${user.name}`,
      ...(note ? { note } : {}),
    })
    if (!result.ok)
      return reply.code(422).send({
        error: 'not applied',
        diagnostics: result.diagnostics.filter((d) => d.severity === 'error'),
        reasons: result.reasons,
      })
    await writeAudit(store.db, {
      actor: user.name,
      action: 'workflow.apply',
      target: result.report.items.map((i) => `${i.kind} ${i.name}`).join(', '),
      detail: { items: result.report.items, note: note ?? null },
      origin: request.ip,
    })
    return { report: result.report, warnings: result.warnings }
  }
}
