/** Every command group of the CLI, in the order `--help` lists them. */
import { registerAgentCommands } from './agent-commands.js'
import { registerApplyCommands } from './apply-commands.js'
import { registerCallbackCommands } from './callback-commands.js'
import { registerConfigCommands } from './config-command.js'
import { registerConsoleCommand } from './console-command.js'
import { registerContactCommands } from './contact-commands.js'
import { registerDbCommands } from './db-commands.js'
import { registerDoctorCommand } from './doctor-command.js'
import { registerInboxCommands } from './inbox-commands.js'
import type { Registrar } from './main.js'
import { registerNumberCommands } from './number-commands.js'
import { registerQueueCommands } from './queue-commands.js'
import { registerRecipeCommands } from './recipe-commands.js'
import { registerReportCommands } from './report-commands.js'
import { registerServeCommand } from './serve-command.js'
import { registerScheduleCommands } from './schedule-commands.js'
import { registerSimulateCommand } from './simulate-command.js'
import { registerTeamCommands } from './team-commands.js'
import { registerUserCommands } from './user-commands.js'
import { registerWorkflowCommands } from './workflow-commands.js'
import { registerWorkflowDiagramCommands } from './workflow-diagram-commands.js'
import { registerWorkflowStoreCommands } from './workflow-store-commands.js'

export const commands: Registrar[] = [
  registerServeCommand,
  registerConsoleCommand,
  registerApplyCommands,
  registerWorkflowCommands,
  registerWorkflowStoreCommands,
  registerWorkflowDiagramCommands,
  registerNumberCommands,
  registerTeamCommands,
  registerAgentCommands,
  registerQueueCommands,
  registerCallbackCommands,
  registerScheduleCommands,
  registerContactCommands,
  registerInboxCommands,
  registerUserCommands,
  registerDbCommands,
  registerDoctorCommand,
  registerSimulateCommand,
  registerRecipeCommands,
  registerReportCommands,
  registerConfigCommands,
]
