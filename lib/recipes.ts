/** The shipped recipes: workflow files in `recipes/` beside the package, shown by `ivr-router recipe`. */
import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { packageRoot } from './paths.js'

const dir = join(packageRoot, 'recipes')

export type Recipe = { name: string; title: string; text: string }

export function listRecipes(): Recipe[] {
  return readdirSync(dir)
    .filter((f) => f.endsWith('.yaml'))
    .sort()
    .map((file) => {
      const text = readFileSync(join(dir, file), 'utf8')
      const title = /^title: (.+)$/m.exec(text)?.[1] ?? ''
      return { name: file.replace(/\.yaml$/, ''), title, text }
    })
}

export function findRecipe(name: string): Recipe | undefined {
  return listRecipes().find((r) => r.name === name)
}
