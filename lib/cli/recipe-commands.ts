/** `ivr-router recipe list | show NAME`: the shipped workflow recipes. */
import type { Command } from 'commander'
import { findRecipe, listRecipes } from '../recipes.js'
import { UsageError } from './errors.js'

export function registerRecipeCommands(program: Command): void {
  const recipe = program.command('recipe').description('shipped workflow recipes to start from')
  recipe
    .command('list')
    .description('list the recipes')
    .option('--json', 'print JSON')
    .action((opts: { json?: boolean }) => {
      const recipes = listRecipes().map(({ name, title }) => ({ name, title }))
      if (opts.json) process.stdout.write(`${JSON.stringify(recipes, null, 2)}\n`)
      else for (const r of recipes) process.stdout.write(`${r.name.padEnd(24)} ${r.title}\n`)
    })
  recipe
    .command('show')
    .description('print a recipe as YAML (save it, edit it, apply it)')
    .argument('<name>', 'recipe name from `recipe list`')
    .action((name: string) => {
      const found = findRecipe(name)
      if (!found) throw new UsageError(`no recipe "${name}" (see: ivr-router recipe list)`)
      process.stdout.write(found.text)
    })
}
