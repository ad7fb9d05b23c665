/**
 * The simulator's endpoints: each `http` action's response as scripted by `--http NAME=…` (NAME is the action's
 * name): a JSON file, inline JSON (`{…}`), `timeout` (no answer: the action's time limit runs out in virtual time,
 * the caller hearing hold music) or `error` (HTTP 500). An action with no script fails as `refused`.
 */
import { readFileSync } from 'node:fs'
import type { DataRequest, DataResult, Requester } from '../engine/requests.js'

export type HttpScript = { kind: 'json'; value: unknown } | { kind: 'timeout' } | { kind: 'error' }

const NAME = /^[a-z0-9][a-z0-9-]{0,63}$/

/** One `--http` entry: `crm=reservation.json`, `crm={"status":"ok"}`, `crm=timeout`, `crm=error`. */
export function parseHttpScript(
  entry: string,
  read: (file: string) => string = (f) => readFileSync(f, 'utf8'),
): [string, HttpScript] {
  const eq = entry.indexOf('=')
  const name = entry.slice(0, eq)
  const what = entry.slice(eq + 1)
  if (eq < 0 || !NAME.test(name)) throw new Error(`--http "${entry}": use NAME=FILE.json, NAME=timeout or NAME=error`)
  if (what === 'timeout' || what === 'error') return [name, { kind: what }]
  let text: string
  try {
    text = what.trimStart().startsWith('{') || what.trimStart().startsWith('[') ? what : read(what)
  } catch (err) {
    throw new Error(`--http ${name}: cannot read ${what}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`)
  }
  try {
    return [name, { kind: 'json', value: JSON.parse(text) as unknown }]
  } catch {
    throw new Error(`--http ${name}: ${what} is not JSON`)
  }
}

/** The script as `--http` writes it back (path enumeration prints the inputs of each path). */
export function httpScriptText(name: string, s: HttpScript): string {
  return `${name}=${s.kind === 'json' ? JSON.stringify(s.value) : s.kind}`
}

export class ScriptedRequests implements Requester {
  constructor(private readonly scripts: Pick<ReadonlyMap<string, HttpScript>, 'get'>) {}

  request(req: DataRequest): Promise<DataResult> {
    const script = this.scripts.get(req.name)
    if (!script)
      return Promise.resolve({
        ok: false,
        reason: 'refused',
        message: `not scripted: give --http ${req.name}=FILE.json`,
      })
    if (script.kind === 'json') return Promise.resolve({ ok: true, status: 200, value: structuredClone(script.value) })
    if (script.kind === 'error')
      return Promise.resolve({ ok: false, reason: 'status', status: 500, message: 'HTTP 500' })
    // No answer: settles only when the engine gives up on it.
    return new Promise((resolve) => {
      const give = () => resolve({ ok: false, reason: 'timeout', message: `no answer within ${req.timeoutMs} ms` })
      if (req.signal.aborted) give()
      else req.signal.addEventListener('abort', give, { once: true })
    })
  }
}
