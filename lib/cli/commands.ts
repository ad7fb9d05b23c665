/** Every command group of the CLI, in the order `--help` lists them. */
import type { Registrar } from './main.js'
import { registerRecipeCommands } from './recipe-commands.js'

export const commands: Registrar[] = [registerRecipeCommands]
