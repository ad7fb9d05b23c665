/**
 * The reporting SQL lives twice: readable in sql/reports/ (one file per view) and in the migration that
 * creates it. They must not drift: the newest `NNNN_reports*.sql` migration is the files, in name order,
 * joined by drizzle's statement breakpoint. After changing a file, write them all into a new custom migration
 * (`npx drizzle-kit generate --custom --name reports_…`), after one that drops the functions and views whose
 * columns changed (as 0012_drop_changed_reports does).
 */
import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import t from 'tap'
import { MIGRATIONS_FOLDER } from '../../lib/store/db.js'
import { packageRoot } from '../../lib/paths.js'
import { REPORTS } from '../../lib/store/reports.js'

const REPORTS_FOLDER = join(packageRoot, 'sql', 'reports')
const BREAKPOINT = '--> statement-breakpoint\n'

const files = readdirSync(REPORTS_FOLDER)
  .filter((name) => name.endsWith('.sql'))
  .sort()
const text = (name: string) => readFileSync(join(REPORTS_FOLDER, name), 'utf8')

t.test('the newest reports migration is exactly the files of sql/reports/', async (t) => {
  const migrations = readdirSync(MIGRATIONS_FOLDER)
    .filter((name) => /^\d+_reports(_\w+)?\.sql$/.test(name))
    .sort()
  const newest = migrations.at(-1)!
  t.ok(newest, 'a migration named *_reports*.sql')
  const journal = readFileSync(join(MIGRATIONS_FOLDER, 'meta', '_journal.json'), 'utf8')
  t.match(journal, `"tag": "${newest.replace(/\.sql$/, '')}"`, 'the migration is in the journal')
  const expected = files.map(text).join(BREAKPOINT)
  const actual = readFileSync(join(MIGRATIONS_FOLDER, newest), 'utf8')
  t.ok(actual === expected, `${newest} differs from sql/reports/*.sql joined by "${BREAKPOINT.trim()}"`)
})

t.test('each file says what it answers, and each report has its view', async (t) => {
  for (const name of files) t.match(text(name), /^-- report_\w+: .+\n-- /, `${name} opens with a header comment`)
  const all = files.map(text).join('\n')
  for (const report of REPORTS) {
    t.match(all, `create or replace function ${report.fn}(`, `${report.name}: function ${report.fn}`)
    t.match(all, `create or replace view ${report.fn} as select * from ${report.fn}();`, `${report.name}: its view`)
  }
})
