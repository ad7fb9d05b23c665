/**
 * The store keeps its own list of team strategies (lib/store/schema.ts is read by drizzle-kit, which should not
 * load the workflow model): it must be the workflow model's, or a team that validates could not be stored.
 */
import t from 'tap'
import { TEAM_STRATEGIES } from '../../lib/store/schema.js'
import { STRATEGIES } from '../../lib/workflow/schema.js'

t.test('the stored strategies are the workflow model’s', async (t) => {
  t.same([...TEAM_STRATEGIES].sort(), [...STRATEGIES].sort())
})
