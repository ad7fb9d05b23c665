/** Every command group of the CLI, in the order `--help` lists them. */
import type { Registrar } from './main.js'

export const commands: Registrar[] = []
