/**
 * A small JSON Schema checker for the keywords our generated schema uses, so tests can check
 * documents against it without a validator dependency. An unknown keyword throws: the generator
 * starting to emit something new must not go unchecked.
 */
type Schema = { [key: string]: unknown }

const IGNORED = new Set(['$schema', '$id', 'title', 'description', 'default', '$defs', 'format'])

function typeOf(v: unknown): string {
  if (v === null) return 'null'
  if (Array.isArray(v)) return 'array'
  return typeof v
}

function hasType(v: unknown, type: string): boolean {
  if (type === 'integer') return Number.isInteger(v)
  return typeOf(v) === type
}

/** The paths and reasons where `value` fails `schema` (empty: it conforms). */
export function check(root: Schema, value: unknown): string[] {
  const defs = (root.$defs ?? {}) as Record<string, Schema>
  const errors: string[] = []
  const visit = (schema: Schema, v: unknown, at: string): boolean => {
    const before = errors.length
    const fail = (why: string) => errors.push(`${at || '/'}: ${why}`)
    for (const [key, arg] of Object.entries(schema)) {
      if (IGNORED.has(key)) continue
      switch (key) {
        case '$ref': {
          const target = defs[String(arg).replace('#/$defs/', '')]
          if (!target) throw new Error(`unresolved $ref ${String(arg)}`)
          visit(target, v, at)
          break
        }
        case 'type': {
          const types = Array.isArray(arg) ? (arg as string[]) : [arg as string]
          if (!types.some((t) => hasType(v, t))) fail(`expected ${types.join('|')}`)
          break
        }
        case 'const':
          if (v !== arg) fail(`expected ${JSON.stringify(arg)}`)
          break
        case 'enum':
          if (!(arg as unknown[]).includes(v)) fail(`expected one of ${JSON.stringify(arg)}`)
          break
        case 'anyOf':
        case 'oneOf':
        case 'allOf': {
          const results = (arg as Schema[]).map((s) => {
            const saved = errors.length
            const ok = visit(s, v, at)
            errors.length = saved
            return ok
          })
          const n = results.filter(Boolean).length
          if (key === 'anyOf' && n === 0) fail('no anyOf branch matches')
          if (key === 'oneOf' && n !== 1) fail(`${n} oneOf branches match`)
          if (key === 'allOf' && n !== results.length) fail('an allOf branch fails')
          break
        }
        case 'properties':
          if (typeOf(v) === 'object')
            for (const [p, s] of Object.entries(arg as Record<string, Schema>))
              if (Object.hasOwn(v as object, p)) visit(s, (v as Record<string, unknown>)[p], `${at}/${p}`)
          break
        case 'required':
          if (typeOf(v) === 'object')
            for (const p of arg as string[]) if (!Object.hasOwn(v as object, p)) fail(`missing ${p}`)
          break
        case 'additionalProperties':
          if (typeOf(v) === 'object') {
            const known = Object.keys((schema.properties ?? {}) as object)
            for (const [p, child] of Object.entries(v as object))
              if (!known.includes(p)) {
                if (arg === false) fail(`unexpected ${p}`)
                else visit(arg as Schema, child, `${at}/${p}`)
              }
          }
          break
        case 'propertyNames':
          if (typeOf(v) === 'object')
            for (const p of Object.keys(v as object)) visit(arg as Schema, p, `${at}/${p}(key)`)
          break
        case 'items':
          if (Array.isArray(v)) v.forEach((item, i) => visit(arg as Schema, item, `${at}/${i}`))
          break
        case 'minItems':
          if (Array.isArray(v) && v.length < (arg as number)) fail(`fewer than ${String(arg)} items`)
          break
        case 'maxItems':
          if (Array.isArray(v) && v.length > (arg as number)) fail(`more than ${String(arg)} items`)
          break
        case 'minLength':
          if (typeof v === 'string' && [...v].length < (arg as number)) fail(`shorter than ${String(arg)}`)
          break
        case 'maxLength':
          if (typeof v === 'string' && [...v].length > (arg as number)) fail(`longer than ${String(arg)}`)
          break
        case 'pattern':
          if (typeof v === 'string' && !new RegExp(arg as string, 'u').test(v)) fail(`does not match ${String(arg)}`)
          break
        case 'minimum':
          if (typeof v === 'number' && v < (arg as number)) fail(`less than ${String(arg)}`)
          break
        case 'maximum':
          if (typeof v === 'number' && v > (arg as number)) fail(`more than ${String(arg)}`)
          break
        default:
          throw new Error(`json-schema-check does not know the keyword "${key}"`)
      }
    }
    return errors.length === before
  }
  visit(root, value, '')
  return errors
}
