/** The documents of a set of workflow files, without their sources: what simulate and serve on files run from. */
import type { Agent, Contact, Schedule, Team, Workflow } from './schema.js'

export type Directory = {
  workflows: Workflow[]
  schedules: Schedule[]
  teams: Team[]
  agents: Agent[]
  contacts: Contact[]
}
