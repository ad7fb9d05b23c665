/** Every command group of the CLI, in the order `--help` lists them. */
import type { Registrar } from './main.js'
import { registerRecipeCommands } from './recipe-commands.js'
import { registerServeCommand } from './serve-command.js'
import { registerSimulateCommand } from './simulate-command.js'
import { registerWorkflowCommands } from './workflow-commands.js'

export const commands: Registrar[] = [
  registerServeCommand,
  registerWorkflowCommands,
  registerSimulateCommand,
  registerRecipeCommands,
]
