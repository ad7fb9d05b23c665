/** Loads and validates workflow files for a command that runs them: diagnostics to stderr, bad files refused. */
import type { Directory } from '../workflow/directory.js'
import { documentsOf } from '../workflow/load.js'
import { formatDiagnostic, validateFiles } from '../workflow/validate.js'
import { UsageError } from './errors.js'

/** `endpoints`: the names of the router's configuration, when known (serve); absent: not checked. */
export async function validDirectory(
  files: readonly string[],
  region: string,
  endpoints?: ReadonlySet<string>,
): Promise<Directory> {
  const { documents, diagnostics } = await validateFiles(files, {
    region,
    ...(endpoints ? { known: { endpoints } } : {}),
  })
  for (const d of diagnostics) process.stderr.write(`${formatDiagnostic(d)}\n`)
  const errors = diagnostics.filter((d) => d.severity === 'error').length
  if (errors > 0) throw new UsageError(`${errors} error${errors === 1 ? '' : 's'} in the workflow files: nothing run`)
  return documentsOf(documents)
}
