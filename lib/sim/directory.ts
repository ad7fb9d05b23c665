/** The documents a simulation (or a validation) works from: what the loader returns for a set of files. */
import type { Agent, Contact, Schedule, Team, Workflow } from '../workflow/schema.js'

export type Directory = {
  workflows: Workflow[]
  schedules: Schedule[]
  teams: Team[]
  agents: Agent[]
  contacts: Contact[]
}
