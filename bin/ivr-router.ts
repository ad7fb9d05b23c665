#!/usr/bin/env node
import { runCli } from '../lib/cli/main.js'
import { commands } from '../lib/cli/commands.js'

process.exitCode = await runCli(process.argv.slice(2), commands)
