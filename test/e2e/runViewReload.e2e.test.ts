/**
 * The run view comes back after a window reload (its WebviewPanelSerializer), in the browser workbench with
 * the packaged extension against the emulator: sign in, submit the sample pipeline from the palette, follow
 * it to Completed in the run view, run "Developer: Reload Window", and see the restored panel show the run
 * again (status, step states, each log line once). After a reload the panel is revived while the sign-in is
 * still being restored, so this also checks that the view waits for the sign-in instead of staying blank.
 */
import * as assert from 'assert';
import type { Frame } from 'playwright-core';
import { useWorkbench } from './support/workbench';

async function text(frame: Frame, selector: string): Promise<string> {
  return (await frame.locator(selector).first().textContent()) ?? '';
}

async function waitForText(frame: Frame, selector: string, expected: RegExp, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!expected.test(await text(frame, selector).catch(() => ''))) {
    if (Date.now() > deadline) throw new Error(`${selector} shows "${await text(frame, selector).catch(() => '')}", not ${expected}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

describe('Run view after a window reload', () => {
  const wb = useWorkbench();

  it("restores the run view of a submitted pipeline with the run's state", async function () {
    this.timeout(240_000);
    const { page } = wb.get();

    await wb.get().signInToEmulator();

    await wb.get().quickOpen('prepare-train.pipeline.yml');
    await wb.get().webviewFrame('svg.graph g.node[data-node-id="step:train"]');
    await wb.get().runCommand('Synapse Spark: Submit Pipeline');
    // The workspace is asked for unless an earlier suite in this host already chose it.
    const row = page.locator('.quick-input-list .monaco-list-row', { has: page.getByText('contoso-aml', { exact: true }) }).first();
    const runTab = page.locator('.tabs-container .tab', { hasText: /^Run: / }).first();
    await Promise.race([row.waitFor({ timeout: 30_000 }), runTab.waitFor({ timeout: 30_000 })]);
    if (await row.isVisible()) await row.click();

    const before = await wb.get().webviewFrame('#job-status', 60_000);
    await waitForText(before, '#job-status', /^Completed$/, 120_000);
    await waitForText(before, '#log', /train: 200 rows/, 30_000);
    const title = (await page.locator('.tabs-container .tab.active').first().getAttribute('aria-label')) ?? '';
    assert.match(title, /^Run: prepare_train \(Completed\)/, `the run view is the active tab (${title})`);
    await wb.get().screenshot('run-view-before-reload');

    // A mark on the old page: everything below must come from the reloaded one, not the page before it.
    await page.evaluate(() => {
      (globalThis as { beforeReload?: boolean }).beforeReload = true;
    });
    await wb.get().runCommand('Developer: Reload Window');
    const deadline = Date.now() + 60_000;
    while (await page.evaluate(() => (globalThis as { beforeReload?: boolean }).beforeReload === true).catch(() => true)) {
      if (Date.now() > deadline) throw new Error('the window did not reload');
      await page.waitForTimeout(250);
    }
    await page.locator('.monaco-workbench').waitFor({ timeout: 60_000 });
    await page.locator('.tabs-container .tab', { hasText: 'Run: prepare_train (Completed)' }).first().waitFor({ timeout: 60_000 });
    const after = await wb.get().webviewFrame('#job-status', 60_000);
    await waitForText(after, '#job-status', /^Completed$/, 60_000);
    await waitForText(after, '#log', /train: 200 rows/, 30_000);
    await wb.get().screenshot('run-view-after-reload');

    assert.match(await text(after, '#title'), /prepare_train/);
    const steps = await after
      .locator('svg.graph g.node')
      .evaluateAll((nodes) =>
        nodes.map((n) => `${n.getAttribute('data-node-id')}=${n.textContent?.includes('completed') ? 'completed' : n.textContent}`),
      );
    assert.deepStrictEqual(steps.sort(), ['step:prepare=completed', 'step:train=completed']);
    const log = await text(after, '#log');
    assert.strictEqual(log.match(/train: 200 rows/g)?.length, 1, `each log line once:\n${log}`);
    assert.strictEqual(
      await after.locator('#cancel').evaluate((b) => (b as unknown as { disabled: boolean }).disabled),
      true,
      'a finished run cannot be cancelled',
    );
    assert.ok(await after.locator('#notice').isHidden(), `no notice once the run is shown: ${await text(after, '#notice')}`);

    // Every control a screen reader reaches has a name (the outputs' Download/Copy/Browse say which output).
    const snapshot = await after.locator('body').ariaSnapshot();
    const controls = snapshot
      .split('\n')
      .map((l) => /^\s*- (button|textbox|combobox|link)(?: "([^"]*)")?/.exec(l))
      .filter((m): m is RegExpExecArray => m !== null);
    assert.ok(controls.length >= 3, snapshot);
    assert.deepStrictEqual(
      controls.filter((m) => !m[2]?.trim()).map((m) => m[0].trim()),
      [],
      `controls without a name:\n${snapshot}`,
    );
    const outputButtons = controls.filter((m) => m[1] === 'button' && /^(Download|Copy|Browse) /.test(m[2]));
    assert.strictEqual(new Set(outputButtons.map((m) => m[2])).size, outputButtons.length, 'each output action names its output');
  });
});
