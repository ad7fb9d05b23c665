/**
 * The board's page in Debian's chromium (playwright-core, no browser download), instrumented by a script that
 * runs before the page's own: it notes the board's server-sent events (type, when) as the page receives them, and records when the page's DOM first shows each awaited change (a MutationObserver: its
 * callback runs after the page drew, before the browser paints). The page's code is unchanged.
 */
import { chromium, type Browser, type CDPSession, type Page } from 'playwright-core'
import { CHROMIUM_ARGS } from '../helpers/browser.js'

// Plain JavaScript: it runs in the page, which the bench's TypeScript (no DOM types) does not describe.
const INSTRUMENT = `
(() => {
  const bench = { pushes: [], probes: [] }
  window.__bench = bench
  const Native = window.EventSource
  window.EventSource = class extends Native {
    constructor(url, init) {
      super(url, init)
      for (const type of ['board', 'board-delta'])
        this.addEventListener(type, () => bench.pushes.push({ type, at: Date.now() }))
    }
  }
  bench.check = () => {
    const now = Date.now()
    for (const p of bench.probes)
      if (p.seen === undefined && (document.querySelector(p.selector) !== null) === p.present) p.seen = now
  }
  // A probe that reaches a busy page after its change was drawn: shown by the last push handled (it drew the DOM as
  // it is), or at the latest now.
  bench.watch = (p) => {
    const last = bench.pushes.at(-1)
    if ((document.querySelector(p.selector) !== null) === p.present) {
      p.seen = last && last.at >= p.at ? last.at : Date.now()
      p.late = true
    }
    bench.probes.push(p)
  }
  new MutationObserver(bench.check).observe(document, {
    subtree: true, childList: true, attributes: true, attributeFilter: ['class'],
  })
})()
`

export type Push = { type: string; at: number }
export type SeenProbe = { selector: string; present: boolean; at: number; seen?: number; late?: boolean }

export class BoardPage {
  private constructor(
    private readonly browser: Browser,
    private readonly page: Page,
    private readonly cdp: CDPSession,
    private readonly url: string,
  ) {}

  static async open(url: string, name: string, password: string): Promise<BoardPage> {
    const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_ARGS })
    // The console's CSP forbids eval, which the bench's in-page probes (strings) need.
    const context = await browser.newContext({
      locale: 'en-US',
      viewport: { width: 1280, height: 900 },
      bypassCSP: true,
    })
    await context.addInitScript(INSTRUMENT)
    const page = await context.newPage()
    page.setDefaultTimeout(60_000)
    await page.goto(url)
    await page.fill('input[name=name]', name)
    await page.fill('input[name=password]', password)
    await page.click('button[type=submit]')
    await page.waitForSelector('header nav')
    const cdp = await context.newCDPSession(page)
    await cdp.send('Performance.enable')
    return new BoardPage(browser, page, cdp, url)
  }

  /**
   * Navigates to the board afresh and returns the page's clock (performance.now(): ms since the navigation
   * started) at the first animation frame in which the DOM holds `queued` rows in the teams' lines and
   * `underWay` rows of calls in progress.
   */
  async firstPaintMs(queued: number, underWay: number): Promise<number> {
    // Away first: the board's own address again would be the same document, not a navigation.
    await this.page.goto('about:blank')
    await this.page.goto(`${this.url}#board`)
    const drawn = await this.page.waitForFunction(
      `document.querySelectorAll('.queues tr[data-call]').length === ${queued} &&
       document.querySelectorAll('#under-way tr[data-call]').length === ${underWay} && performance.now()`,
      undefined,
      { polling: 'raf', timeout: 120_000 },
    )
    return (await drawn.jsonValue()) as number
  }

  /** The session's cookie, for another subscriber to the board's events. */
  async cookie(): Promise<string> {
    return (await this.page.context().cookies()).map((c) => `${c.name}=${c.value}`).join('; ')
  }

  /** The board's events the page received since it was last loaded. */
  pushes(): Promise<Push[]> {
    return this.page.evaluate('window.__bench.pushes') as Promise<Push[]>
  }

  /**
   * Awaits `selector` appearing (or going) in the page, from `at` (ms epoch). Not waited for: the changes keep their
   * rate even when the page's main thread is too busy to take the probe at once.
   */
  watch(probe: SeenProbe): void {
    void this.page.evaluate(`window.__bench.watch(${JSON.stringify(probe)})`).catch(() => undefined)
  }

  probes(): Promise<SeenProbe[]> {
    return this.page.evaluate('window.__bench.probes') as Promise<SeenProbe[]>
  }

  /** Waits (≤ `ms`) for the `watched` changes to show; those that did not by then are counted as not shown. */
  async settle(watched: number, ms: number): Promise<void> {
    await this.page
      .waitForFunction(
        `window.__bench.probes.length === ${watched} && window.__bench.probes.every((p) => p.seen !== undefined)`,
        undefined,
        { timeout: ms },
      )
      .catch(() => undefined)
  }

  /** Milliseconds the page's main thread has been busy with tasks (Chrome's TaskDuration). */
  async busyMs(): Promise<number> {
    const { metrics } = (await this.cdp.send('Performance.getMetrics')) as {
      metrics: { name: string; value: number }[]
    }
    return (metrics.find((m) => m.name === 'TaskDuration')?.value ?? 0) * 1000
  }

  close(): Promise<void> {
    return this.browser.close()
  }
}
