/**
 * The notebook kernel in the browser workbench with the packaged extension and the emulator: sign in,
 * open the sample notebook, pick the attached pool as kernel, Run All, see the Livy table renderer; then
 * open Synapse notebooks from the corpus, run magic cells, save, and check their metadata survived.
 */
import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import type { Frame, Page } from 'playwright-core';
import { useWorkbench } from './support/workbench';

const corpusDir = [path.resolve('../shared/corpus/notebooks'), '/work/shared/corpus/notebooks'].find((d) => fs.existsSync(d));

async function findInFrames(page: Page, selector: string, timeoutMs: number): Promise<Frame> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    for (const frame of page.frames()) {
      if (await frame.locator(selector).count().catch(() => 0)) return frame;
    }
    if (Date.now() > deadline) throw new Error(`nothing matches ${selector} in any frame`);
    await page.waitForTimeout(250);
  }
}

async function quickOpen(page: Page, file: string): Promise<void> {
  await page.keyboard.press('Control+P');
  const input = page.locator('.quick-input-widget input');
  await input.waitFor({ state: 'visible' });
  await input.fill(file);
  await page.locator('.quick-input-list .monaco-list-row', { hasText: path.basename(file) }).first().waitFor({ timeout: 15_000 });
  await page.keyboard.press('Enter');
  await page.locator('.notebook-editor .monaco-list-row').first().waitFor({ state: 'attached', timeout: 30_000 });
  await page.waitForTimeout(1000);
}

async function pickKernel(page: Page, pool: string): Promise<void> {
  // VS Code may pick the only matching controller by itself: then the toolbar already names the pool.
  const selected = page.locator('.notebook-toolbar-container', { hasText: pool });
  if (await selected.count().catch(() => 0)) return;
  await page.locator('.notebook-editor .kernel-label, .notebook-editor [aria-label*="Kernel"], .notebook-editor .action-item:has-text("Select Kernel")')
    .first().click({ timeout: 15_000 });
  const row = page.locator('.quick-input-list .monaco-list-row', { hasText: pool }).first();
  await row.waitFor({ timeout: 30_000 });
  await row.click();
}

describe('Notebook kernel in the browser workbench', () => {
  const wb = useWorkbench();

  it('runs the sample notebook on the attached pool and renders the Livy table', async function () {
    this.timeout(180_000);
    const { page } = wb.get();
    // The extension host may still be starting: retry until the command is known.
    for (let attempt = 0; ; attempt++) {
      try {
        await wb.get().runCommand('Synapse Spark: Sign In');
        break;
      } catch (err) {
        await page.keyboard.press('Escape');
        if (attempt >= 3) throw err;
        await page.waitForTimeout(5000);
      }
    }
    // Accept whatever the sign-in asks (tenants, subscriptions) with its defaults.
    for (let i = 0; i < 3; i++) {
      await page.waitForTimeout(1500);
      if (await page.locator('.quick-input-widget').isVisible()) await page.keyboard.press('Enter');
    }
    await quickOpen(page, 'notebooks/explore.ipynb');
    await pickKernel(page, 'sparksmall');
    await wb.get().runCommand('Notebook: Run All');
    const frame = await findInFrames(page, '.livy-table', 120_000);
    await frame.locator('.livy-table', { hasText: 'Seattle' }).first().waitFor({ timeout: 30_000 });
    await page.locator('.notebook-editor .cell-statusbar-container .codicon-notebook-state-success').first().waitFor({ timeout: 30_000 });
    console.log(`    screenshot: ${await wb.get().screenshot('notebook-run-all-table')}`);
  });

  it('recognises the magics of Synapse notebooks and keeps their metadata on save', async function () {
    this.timeout(180_000);
    if (!corpusDir) this.skip();
    const { page } = wb.get();
    const workspace = process.env.E2E_WORKSPACE!;
    const target = path.join(workspace, 'corpus');
    fs.mkdirSync(target, { recursive: true });
    const picked = ['Introduction to Azure Synapse Studio Notebooks.ipynb', 'Lab 07 - Part 1 - Spark DataFrames.ipynb'];
    const found = picked.map((name) => findFile(corpusDir!, name)).filter((f): f is string => !!f);
    assert.ok(found.length > 0, 'corpus notebooks not found');
    for (const source of found) {
      const dest = path.join(target, path.basename(source).replace(/\s+/g, '-'));
      fs.copyFileSync(source, dest);
      const before = JSON.parse(fs.readFileSync(dest, 'utf8'));
      await quickOpen(page, `corpus/${path.basename(dest)}`);
      await pickKernel(page, 'sparksmall');
      await wb.get().runCommand('Notebook: Run All');
      // Every magic cell either runs or reaches the pool (the emulator runs Python and SQL only), never "Unknown cell magic".
      await page.waitForTimeout(8000);
      const unknown = await page.locator('.notebook-editor .output', { hasText: 'Unknown cell magic' }).count();
      assert.strictEqual(unknown, 0, `${path.basename(dest)}: a magic was not recognised`);
      await page.keyboard.press('Control+S');
      await page.waitForTimeout(1500);
      const after = JSON.parse(fs.readFileSync(dest, 'utf8'));
      for (const key of Object.keys(before.metadata)) {
        assert.deepStrictEqual(after.metadata[key], before.metadata[key], `notebook metadata '${key}' changed in ${path.basename(dest)}`);
      }
      assert.strictEqual(after.cells.length, before.cells.length);
      before.cells.forEach((cell: { metadata: unknown; source: unknown }, i: number) => {
        assert.deepStrictEqual(after.cells[i].metadata, cell.metadata, `cell ${i} metadata changed`);
        // VS Code's ipynb serializer normalises CRLF to LF; anything else in the source must stay.
        const src = (c: { source: unknown }) => [].concat(c.source as never).join('').replace(/\r\n/g, '\n');
        assert.strictEqual(src(after.cells[i]), src(cell), `cell ${i} source changed`);
      });
      console.log(`    screenshot: ${await wb.get().screenshot(`corpus-${path.basename(dest, '.ipynb')}`)}`);
    }
  });
});

function findFile(dir: string, name: string): string | undefined {
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) {
      const hit = findFile(full, name);
      if (hit) return hit;
    } else if (entry.name === name) {
      return full;
    }
  }
  return undefined;
}
