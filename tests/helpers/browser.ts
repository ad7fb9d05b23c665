/**
 * Debian's chromium driven by playwright-core (which never downloads a browser), and the console's page built by
 * Vite from the current source into a temporary directory. Screenshots go under var/console/ on every run.
 */
import { mkdir } from 'node:fs/promises'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { chromium, type Browser, type Page } from 'playwright-core'
import type { Test } from 'tap'
import { build } from 'vite'
import { tempDir } from './store.js'

const root = fileURLToPath(new URL('../..', import.meta.url))
export const SCREENSHOTS = join(root, 'var', 'console')

export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
]

export async function openBrowser(t: Test): Promise<Browser> {
  const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_ARGS })
  t.teardown(() => browser.close())
  return browser
}

export async function buildUi(t: Test): Promise<string> {
  const outDir = join(await tempDir(t, 'ivr-console-ui-'), 'console')
  await build({ configFile: join(root, 'console-ui', 'vite.config.ts'), build: { outDir, emptyOutDir: true } })
  return outDir
}

export async function screenshot(page: Page, name: string): Promise<void> {
  await mkdir(SCREENSHOTS, { recursive: true })
  await page.screenshot({ path: join(SCREENSHOTS, `${name}.png`), fullPage: true })
}
