/**
 * Attach a Spark pool through the UI of the packaged extension (against the emulator the runner started):
 * sign in from the palette, expand the Workspaces tree, right-click a pool, answer the wizard (going Back
 * once), and see the pool marked attached.
 */
import { useWorkbench } from './support/workbench';

describe('Workspaces view in the browser workbench', () => {
  const wb = useWorkbench();

  it('signs in to the emulator and attaches a Spark pool from the tree context menu', async function () {
    this.timeout(120_000);
    const { page } = wb.get();
    await wb.get().openViewContainer('Synapse Spark');
    await wb.get().runCommand('Synapse Spark: Sign In to Azure');
    // The Workspaces pane only: a Sessions row's description ("contoso-synapse · contoso-aml") matches names too.
    const tree = page.locator('.pane:has(.pane-header[aria-label^="Workspaces"]) .monaco-list');
    const row = (text: string | RegExp) => tree.locator('.monaco-list-row', { hasText: text }).first();

    for (const name of ['Contoso Data Science (emulated)', 'contoso-aml', 'Linked Synapse workspaces', 'contoso-synapse']) {
      await row(name).waitFor({ timeout: 30_000 });
      if ((await row(name).getAttribute('aria-expanded')) !== 'true') await row(name).click();
    }
    const pool = row(/sparkmedium/);
    await pool.waitFor({ timeout: 30_000 });
    await tree
      .locator('.monaco-list-row', { hasText: /sparkmedium.*not attached/ })
      .first()
      .waitFor({ timeout: 15_000 });

    await pool.click({ button: 'right' });
    const entry = page.locator('.monaco-menu .action-item', { hasText: 'Attach Spark Pool' }).first();
    await entry.waitFor({ timeout: 15_000 });
    // VS Code menus ignore a click that comes right after they open (the right-click's own release).
    await page.waitForTimeout(500);
    await entry.click();

    const input = page.locator('.quick-input-widget input');
    await input.waitFor({ state: 'visible' });
    await input.fill('sparkmed-e2e');
    await page.keyboard.press('Enter');
    const systemAssigned = page.locator('.quick-input-list .monaco-list-row', { hasText: 'System-assigned identity' }).first();
    await systemAssigned.waitFor({ timeout: 15_000 });
    // The identity step's Back button returns to the name box, with the name as typed.
    await page.locator('.quick-input-widget .quick-input-left-action-bar .action-label').first().click();
    await page.waitForFunction(
      () => (globalThis as any).document.querySelector('.quick-input-widget input')?.value === 'sparkmed-e2e',
      undefined,
      { timeout: 15_000 },
    );
    await page.keyboard.press('Enter');
    await systemAssigned.waitFor({ timeout: 15_000 });
    await page.keyboard.press('Enter');

    await tree
      .locator('.monaco-list-row', { hasText: /sparkmedium.*attached as sparkmed-e2e/ })
      .first()
      .waitFor({ timeout: 60_000 });
    // The Sessions view lists the new pool at once (it polls only every 15 s).
    const sessions = page.locator('.pane:has(.pane-header[aria-label^="Sessions"]) .monaco-list');
    await sessions
      .locator('.monaco-list-row', { hasText: /^sparkmedium/ })
      .first()
      .waitFor({ timeout: 4000 });
    await wb.get().screenshot('attached-spark-pool');
  });
});
