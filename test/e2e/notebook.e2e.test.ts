/**
 * The notebook kernel in the browser workbench with the packaged extension and the emulator: sign in,
 * open the sample notebook, pick the attached pool as kernel, Run All, see the Livy table renderer; then
 * open Synapse notebooks from the corpus, run magic cells, save, and check their metadata survived; and
 * reload the window between two cells and check the notebook re-attached to its Livy session.
 */
import * as assert from 'assert';
import * as fs from 'fs';
import * as https from 'https';
import * as path from 'path';
import type { Frame, Page } from 'playwright-core';
import { referencePath } from '../support/reference';
import { attachedPoolsFromSeed } from '../support/sparkCatalog';
import { useWorkbench, type Workbench } from './support/workbench';

async function findInFrames(page: Page, selector: string, timeoutMs: number): Promise<Frame> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    for (const frame of page.frames()) {
      if (
        await frame
          .locator(selector)
          .count()
          .catch(() => 0)
      )
        return frame;
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
  await page
    .locator('.quick-input-list .monaco-list-row', { hasText: path.basename(file) })
    .first()
    .waitFor({ timeout: 15_000 });
  await page.keyboard.press('Enter');
  await page.locator('.notebook-editor .monaco-list-row').first().waitFor({ state: 'attached', timeout: 30_000 });
  await page.waitForTimeout(1000);
}

async function pickKernel(page: Page, pool: string): Promise<void> {
  // VS Code may pick the only matching controller by itself, or re-select the remembered one once the
  // extension's kernels exist (after a reload they register when its features load, a few seconds in): then
  // the toolbar names the pool.
  // Only the visible editor counts: editors of other open tabs stay in the page, hidden.
  const selected = page.locator('.notebook-toolbar-container', { hasText: pool }).filter({ visible: true }).first();
  const named = (timeout: number) =>
    selected.waitFor({ timeout }).then(
      () => true,
      () => false,
    );
  if (await named(5000)) return;
  for (let attempt = 1; ; attempt++) {
    await page
      .locator(
        '.notebook-editor .kernel-label, .notebook-editor [aria-label*="Kernel"], .notebook-editor .action-item:has-text("Select Kernel")',
      )
      .filter({ visible: true })
      .first()
      .click({ timeout: 15_000 });
    const row = page.locator('.quick-input-list .monaco-list-row', { hasText: pool }).first();
    if (
      await row.waitFor({ timeout: 15_000 }).then(
        () => true,
        () => false,
      )
    ) {
      await row.click();
      return;
    }
    // The picker opened before the kernels existed (it lists kernel sources only): close it and look again.
    await page.keyboard.press('Escape');
    if (await named(2000)) return;
    if (attempt >= 3) throw new Error(`no kernel named ${pool} could be picked`);
  }
}

async function signIn(wb: Workbench): Promise<void> {
  const { page } = wb;
  // The extension host may still be starting: retry until the command is known.
  for (let attempt = 0; ; attempt++) {
    try {
      await wb.runCommand('Synapse Spark: Sign In');
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
}

/** The emulator's Livy sessions on a pool, read over its REST API with a token for the seed's service principal. */
async function livySessions(poolName: string): Promise<{ id: number; name: string | null; state: string }[]> {
  const url = process.env.SYNAPSE_EMULATOR_URL!;
  const ca = fs.readFileSync(process.env.SYNAPSE_EMULATOR_CA!, 'utf8');
  const seed = JSON.parse(fs.readFileSync(path.resolve(__dirname, '../../../emulator/seed.default.json'), 'utf8'));
  const call = (method: string, target: string, body?: string, headers: Record<string, string> = {}) =>
    new Promise<any>((resolve, reject) => {
      const req = https.request(new URL(target), { method, ca, headers }, (res) => {
        let text = '';
        res.on('data', (d) => (text += d));
        res.on('end', () =>
          res.statusCode === 200 ? resolve(JSON.parse(text)) : reject(new Error(`${method} ${target}: ${res.statusCode} ${text}`)),
        );
      });
      req.on('error', reject);
      req.end(body);
    });
  const sp = seed.servicePrincipals[0];
  const token = (
    await call(
      'POST',
      `${url}/${seed.tenantId}/oauth2/v2.0/token`,
      new URLSearchParams({
        grant_type: 'client_credentials',
        client_id: sp.clientId,
        client_secret: sp.clientSecret,
        scope: 'https://dev.azuresynapse.net/.default',
      }).toString(),
      { 'content-type': 'application/x-www-form-urlencoded' },
    )
  ).access_token;
  const pool = attachedPoolsFromSeed(url, seed).find((p) => p.poolName === poolName)!;
  const list = await call(
    'GET',
    `${pool.synapseWorkspace.devEndpoint}/livyApi/versions/2019-11-01-preview/sparkPools/${poolName}/sessions?size=1000&detailed=true`,
    undefined,
    { authorization: `Bearer ${token}` },
  );
  return list.sessions;
}

/** Developer: Reload Window, and wait for the new page: a new document (and with it a new extension host) proves it happened. */
async function reloadWindow(wb: Workbench): Promise<void> {
  const { page } = wb;
  const loadedAt = await page.evaluate(() => performance.timeOrigin);
  await wb.runCommand('Developer: Reload Window');
  for (const deadline = Date.now() + 60_000; ;) {
    const now = await page.evaluate(() => performance.timeOrigin).catch(() => loadedAt);
    if (now !== loadedAt) break;
    if (Date.now() > deadline) throw new Error('the window did not reload');
    await page.waitForTimeout(250);
  }
  await page.locator('.monaco-workbench').waitFor({ timeout: 60_000 });
}

/** Runs the n-th cell with its Execute Cell button, as a user would. */
async function runCellAt(page: Page, index: number): Promise<void> {
  const cell = page.locator('.notebook-editor .code-cell-row').nth(index);
  await cell.hover();
  await cell.locator('.run-button-container [aria-label^="Execute Cell"]').first().click({ timeout: 15_000 });
}

/** Waits until a cell output (rendered in the notebook's output webview, not the main frame) shows `text`. */
async function waitForOutput(page: Page, text: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    for (const frame of page.frames()) {
      if (frame === page.mainFrame()) continue;
      if (
        await frame
          .getByText(text)
          .count()
          .catch(() => 0)
      )
        return;
    }
    if (Date.now() > deadline) throw new Error(`no cell output shows "${text}"`);
    await page.waitForTimeout(250);
  }
}

describe('Notebook kernel in the browser workbench', () => {
  const wb = useWorkbench();

  it('runs the sample notebook on the attached pool and renders the Livy table', async function () {
    this.timeout(180_000);
    const { page } = wb.get();
    await signIn(wb.get());
    await quickOpen(page, 'notebooks/explore.ipynb');
    await pickKernel(page, 'sparksmall');
    await wb.get().runCommand('Notebook: Run All');
    const frame = await findInFrames(page, '.livy-table', 120_000);
    await frame.locator('.livy-table', { hasText: 'Seattle' }).first().waitFor({ timeout: 30_000 });
    await page.locator('.notebook-editor .cell-statusbar-container .codicon-notebook-state-success').first().waitFor({ timeout: 30_000 });
    console.log(`    screenshot: ${await wb.get().screenshot('notebook-run-all-table')}`);
    // The keyboard stays in the table: Tab past its last control comes back to the first, Shift+Tab goes round.
    const table = frame.locator('.livy-table', { hasText: 'Seattle' }).first();
    const controls = table.locator('button:not([disabled]), th[tabindex="0"]');
    const count = await controls.count();
    assert.ok(count >= 2, `the table's controls: ${count}`);
    const focused = () =>
      table.evaluate((root) => {
        const all = [...root.querySelectorAll('button:not([disabled]), th[tabindex="0"]')];
        return all.indexOf(root.ownerDocument.activeElement as (typeof all)[number]);
      });
    await controls.nth(count - 1).focus();
    await page.keyboard.press('Tab');
    assert.strictEqual(await focused(), 0, 'Tab past the last control wraps to the first');
    await page.keyboard.press('Shift+Tab');
    assert.strictEqual(await focused(), count - 1, 'Shift+Tab from the first goes back to the last');
    // Once the cells are done, the status bar shows the notebook's session as idle (not still starting).
    await page
      .locator('.statusbar-item', { hasText: /Spark sparksmall: idle \(#\d+\)/ })
      .first()
      .waitFor({ timeout: 60_000 });
  });

  it('recognises the magics of Synapse notebooks and keeps their metadata on save', async function () {
    this.timeout(180_000);
    const corpusDir = referencePath('corpus/notebooks');
    const { page } = wb.get();
    const workspace = process.env.E2E_WORKSPACE!;
    const target = path.join(workspace, 'corpus');
    fs.mkdirSync(target, { recursive: true });
    const picked = ['Introduction to Azure Synapse Studio Notebooks.ipynb'];
    const found = picked.map((name) => findFile(corpusDir, name) ?? assert.fail(`corpus notebook '${name}' is missing from ${corpusDir}`));
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
        const src = (c: { source: unknown }) =>
          []
            .concat(c.source as never)
            .join('')
            .replace(/\r\n/g, '\n');
        assert.strictEqual(src(after.cells[i]), src(cell), `cell ${i} source changed`);
      });
      console.log(`    screenshot: ${await wb.get().screenshot(`corpus-${path.basename(dest, '.ipynb')}`)}`);
    }
  });
});

describe('Notebook session across a window reload', () => {
  const wb = useWorkbench();

  it('re-attaches to the same Livy session after Developer: Reload Window, with its variables', async function () {
    this.timeout(300_000);
    const { page } = wb.get();
    await signIn(wb.get());
    await wb.get().runCommand('View: Close All Editors');
    const name = 'reload-attach.ipynb';
    const marker = `reload-${Date.now()}`;
    const nb = {
      cells: [`reload_marker = "${marker}"\nprint("before", "reload")`, 'print("after reload:", reload_marker)'].map((source) => ({
        cell_type: 'code',
        execution_count: null,
        metadata: {},
        outputs: [],
        source,
      })),
      metadata: { kernelspec: { name: 'synapse_pyspark', display_name: 'Synapse PySpark' }, language_info: { name: 'python' } },
      nbformat: 4,
      nbformat_minor: 5,
    };
    fs.writeFileSync(path.join(process.env.E2E_WORKSPACE!, 'notebooks', name), JSON.stringify(nb, null, 1));
    await quickOpen(page, `notebooks/${name}`);
    await pickKernel(page, 'sparksmall');
    await runCellAt(page, 0);
    await waitForOutput(page, 'before reload', 120_000);
    const ours = <T extends { name: string | null }>(sessions: T[]) => sessions.filter((s) => s.name === `${name} (VS Code)`);
    const before = await livySessions('sparksmall');
    assert.strictEqual(ours(before).length, 1, JSON.stringify(before));
    const session = ours(before)[0];
    assert.strictEqual(session.state, 'idle');

    await reloadWindow(wb.get());
    // The window comes back with the notebook open; its kernel is remembered or picked again.
    await page.locator('.notebook-editor .code-cell-row').nth(1).waitFor({ timeout: 60_000 });
    await page.waitForTimeout(3000);
    await pickKernel(page, 'sparksmall');
    await runCellAt(page, 1);
    await waitForOutput(page, `after reload: ${marker}`, 120_000);

    const after = await livySessions('sparksmall');
    assert.deepStrictEqual(
      ours(after).map((s) => [s.id, s.state]),
      [[session.id, 'idle']],
      'the same session, still alive',
    );
    assert.strictEqual(after.length, before.length, `no session was created on the pool: ${JSON.stringify(after)}`);
    console.log(`    screenshot: ${await wb.get().screenshot('notebook-after-reload')}`);
  });

  it('lands the result of a cell that was running during Developer: Reload Window in that cell', async function () {
    this.timeout(300_000);
    const { page } = wb.get();
    await wb.get().runCommand('View: Close All Editors');
    const name = 'reload-result.ipynb';
    const file = path.join(process.env.E2E_WORKSPACE!, 'notebooks', name);
    const marker = `slept-${Date.now()}`;
    const nb = {
      cells: ['# A long cell', `import time\nruns = globals().get("runs", 0) + 1\ntime.sleep(25)\nprint("${marker}", "runs:", runs)`].map(
        (source, i) => ({ cell_type: i ? 'code' : 'markdown', ...(i ? { execution_count: null, outputs: [] } : {}), metadata: {}, source }),
      ),
      metadata: { kernelspec: { name: 'synapse_pyspark', display_name: 'Synapse PySpark' }, language_info: { name: 'python' } },
      nbformat: 4,
      nbformat_minor: 5,
    };
    fs.writeFileSync(file, JSON.stringify(nb, null, 1));
    await quickOpen(page, `notebooks/${name}`);
    await pickKernel(page, 'sparksmall');
    await runCellAt(page, 0);
    // Reload only once the statement runs on the pool (the session is busy with it).
    const ours = (sessions: { name: string | null; state: string }[]) => sessions.filter((s) => s.name === `${name} (VS Code)`);
    for (const deadline = Date.now() + 120_000; ;) {
      if (ours(await livySessions('sparksmall')).some((s) => s.state === 'busy')) break;
      if (Date.now() > deadline) throw new Error("the cell's statement never started");
      await page.waitForTimeout(250);
    }
    await reloadWindow(wb.get());
    await page.locator('.notebook-editor .code-cell-row').first().waitFor({ timeout: 60_000 });
    await pickKernel(page, 'sparksmall');
    // The new window follows the statement it found running, in the cell it came from, and shows its result.
    await waitForOutput(page, 'The window reloaded while this cell ran', 60_000);
    await waitForOutput(page, `${marker} runs: 1`, 120_000);
    await page.locator('.notebook-editor .code-cell-row .codicon-notebook-state-success').first().waitFor({ timeout: 30_000 });
    await page.keyboard.press('Control+S');
    for (const deadline = Date.now() + 15_000; ;) {
      const saved = JSON.parse(fs.readFileSync(file, 'utf8'));
      const text = JSON.stringify(saved.cells[1].outputs);
      if (text.includes(`${marker} runs: 1`)) {
        assert.strictEqual(saved.cells[0].cell_type, 'markdown');
        assert.ok(!JSON.stringify(saved.cells[0]).includes(marker), 'only the cell that ran holds the result');
        break;
      }
      if (Date.now() > deadline) throw new Error(`the saved notebook does not hold the result: ${text}`);
      await page.waitForTimeout(250);
    }
    console.log(`    screenshot: ${await wb.get().screenshot('notebook-result-after-reload')}`);
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
