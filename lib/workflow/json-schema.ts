/**
 * The JSON Schema (draft 2020-12) of one document of any kind, generated from schema.ts, for
 * editors: VS Code's YAML extension completes and checks files with it. It describes what may be
 * written (zod's input side: defaults are optional). Cross-document rules are `workflow validate`'s.
 */
import { z } from 'zod'
import { Action, Condition, DOCUMENT_KINDS, Matcher, Prompt } from './schema.js'

export const SCHEMA_ID = 'urn:ivr-router:schema:document:v1'

type Json = { [key: string]: unknown }

const TITLES: Record<keyof typeof DOCUMENT_KINDS, string> = {
  workflow: 'Workflow (kind may be left out)',
  schedule: 'Schedule',
  team: 'Team',
  agent: 'Agent',
  contact: 'Contact',
}

/** Keywords of an object schema that merging keeps the meaning of (titles only describe). */
const PLAIN_OBJECT_KEYS = ['type', 'properties', 'required', 'additionalProperties', 'title', 'description']

function isObject(v: unknown): v is Json {
  return typeof v === 'object' && v !== null && !Array.isArray(v)
}

/**
 * zod writes `Matcher.and(z.object({name}))` as `allOf` of a closed matcher and `{name}`; in JSON
 * Schema the matcher's `additionalProperties: false` would then reject `name`. Plain object
 * members of an `allOf` are merged into one object instead.
 */
function mergeAllOf(node: unknown, defs: Json): unknown {
  if (Array.isArray(node)) return node.map((n) => mergeAllOf(n, defs))
  if (!isObject(node)) return node
  const out: Json = {}
  for (const [k, v] of Object.entries(node)) out[k] = mergeAllOf(v, defs)
  const all = out.allOf
  if (!Array.isArray(all)) return out
  const members = all.map((m) => (isObject(m) && typeof m.$ref === 'string' ? defs[m.$ref.replace('#/$defs/', '')] : m))
  const plain = (m: unknown): m is Json =>
    isObject(m) && m.type === 'object' && Object.keys(m).every((k) => PLAIN_OBJECT_KEYS.includes(k))
  if (!members.every(plain)) return out
  const { allOf: _, ...rest } = out
  return {
    ...rest,
    type: 'object',
    properties: Object.assign({}, ...members.map((m) => m.properties ?? {})),
    required: [...new Set(members.flatMap((m) => (Array.isArray(m.required) ? m.required : [])))],
    ...(members.some((m) => m.additionalProperties === false) ? { additionalProperties: false } : {}),
  }
}

export function documentSchema(): Json {
  const ids = z.registry<{ id: string; title?: string }>()
  ids.add(Prompt, { id: 'prompt', title: 'Prompt: {say: TEXT} or {play: FILE}' })
  ids.add(Condition, { id: 'condition', title: 'Condition' })
  ids.add(Matcher, { id: 'matcher', title: 'Matcher' })
  ids.add(Action, { id: 'action', title: 'Action' })
  for (const [kind, schema] of Object.entries(DOCUMENT_KINDS))
    ids.add(schema, { id: kind, title: TITLES[kind as keyof typeof DOCUMENT_KINDS] })
  const kinds = Object.values(DOCUMENT_KINDS)
  const generated = z.toJSONSchema(z.union(kinds), { io: 'input', metadata: ids }) as Json
  const defs = isObject(generated.$defs) ? generated.$defs : {}
  const { anyOf, $schema, ...rest } = mergeAllOf(generated, defs) as Json
  return {
    $schema,
    $id: SCHEMA_ID,
    title: 'ivr-router document',
    description:
      'One document of an ivr-router file: a workflow (the default kind), schedule, team, agent or contact. A YAML file may hold several, separated by ---.',
    // The kinds exclude each other (only a workflow may leave out `kind`), so exactly one matches.
    oneOf: anyOf,
    ...rest,
  }
}
