/**
 * Drives the real VS Code workbench (code-server) in Debian's Chromium through playwright-core.
 * The e2e runner starts the host with the packaged extension and passes its URL in E2E_URL.
 */
import * as fs from 'fs';
import * as path from 'path';
import { chromium, type Browser, type Frame, type Page } from 'playwright-core';

export const chromiumArgs = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export class Workbench {
  private constructor(
    readonly browser: Browser,
    readonly page: Page,
  ) {}

  static async open(url = requiredEnv('E2E_URL')): Promise<Workbench> {
    const browser = await chromium.launch({
      executablePath: process.env.CHROMIUM_PATH || '/usr/bin/chromium',
      headless: true,
      args: chromiumArgs,
    });
    const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    await page.goto(url);
    await page.locator('.monaco-workbench').waitFor({ timeout: 60_000 });
    await page.locator('.statusbar').waitFor({ timeout: 60_000 });
    return new Workbench(browser, page);
  }

  /** Runs a command through the command palette by its title, as a user would. */
  async runCommand(title: string): Promise<void> {
    const { page } = this;
    await page.keyboard.press('F1');
    const input = page.locator('.quick-input-widget input');
    await input.waitFor({ state: 'visible' });
    await input.fill(`>${title}`);
    // Click the row whose label is exactly the title: Enter would take the top fuzzy match, which
    // may be another command (e.g. "Compare Active File with Saved" for "File: Save").
    const row = page.locator('.quick-input-list .monaco-list-row', { has: page.getByText(title, { exact: true }) }).first();
    await row.waitFor({ state: 'visible', timeout: 15_000 });
    await row.click();
  }

  /** Clicks the activity-bar item with the given label and waits for its side bar. */
  async openViewContainer(label: string): Promise<void> {
    await this.page.locator(`.activitybar .action-item a[aria-label^="${label}"]`).first().click();
    await this.page.locator('.sidebar .composite.title', { hasText: label }).first().waitFor({ timeout: 15_000 });
  }

  /** Signs in from the palette (the emulator source the runner configured asks nothing) and waits for the tree. */
  async signInToEmulator(): Promise<void> {
    await this.openViewContainer('Synapse Spark');
    await this.runCommand('Synapse Spark: Sign In to Azure');
    await this.page
      .locator('.sidebar .pane-body .monaco-list .monaco-list-row', { hasText: 'contoso-aml' })
      .first()
      .waitFor({ timeout: 60_000 });
  }

  /** Opens a workspace file by name through Quick Open (Ctrl+P), as a user would. */
  async quickOpen(fileName: string): Promise<void> {
    const { page } = this;
    await page.keyboard.press('Control+P');
    const input = page.locator('.quick-input-widget input');
    await input.waitFor({ state: 'visible' });
    await input.fill(fileName);
    await page.locator('.quick-input-list .monaco-list-row', { hasText: fileName }).first().waitFor({ timeout: 15_000 });
    await page.keyboard.press('Enter');
  }

  /** The frame of the webview (custom editor, panel or notebook output) that shows `selector`. */
  async webviewFrame(selector: string, timeoutMs = 30_000): Promise<Frame> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      for (const frame of this.page.frames()) {
        if (frame === this.page.mainFrame()) continue;
        if (
          await frame
            .locator(selector)
            .count()
            .catch(() => 0)
        )
          return frame;
      }
      await this.page.waitForTimeout(200);
    }
    throw new Error(`no webview shows ${selector} within ${timeoutMs} ms`);
  }

  async screenshot(name: string): Promise<string> {
    const dir = process.env.E2E_SCREENSHOTS || path.resolve('test-results/screenshots');
    fs.mkdirSync(dir, { recursive: true });
    const file = path.join(dir, `${name.replace(/[^a-z0-9-]+/gi, '_')}.png`);
    await this.page.screenshot({ path: file });
    return file;
  }

  async close(): Promise<void> {
    await this.browser.close();
  }
}

function requiredEnv(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set: run the e2e suites through \`npm run test:e2e\`.`);
  return value;
}

/** Mocha hooks: one workbench per suite, a screenshot of each failed test. */
export function useWorkbench(): { get(): Workbench } {
  let workbench: Workbench | undefined;
  before(async function () {
    this.timeout(120_000);
    workbench = await Workbench.open();
  });
  afterEach(async function () {
    if (this.currentTest?.state === 'failed' && workbench) {
      const file = await workbench.screenshot(`failed-${this.currentTest.fullTitle()}`).catch(() => undefined);
      if (file) console.log(`    screenshot: ${file}`);
    }
  });
  after(async () => {
    await workbench?.close();
  });
  return {
    get() {
      if (!workbench) throw new Error('the workbench is not open');
      return workbench;
    },
  };
}
