import * as assert from 'assert';
import { useWorkbench } from './support/workbench';

describe('Packaged extension in the browser workbench', () => {
  const wb = useWorkbench();

  it('shows the Synapse Spark view container with its three views', async () => {
    const { page } = wb.get();
    await wb.get().openViewContainer('Synapse Spark');
    for (const view of ['Workspaces', 'Sessions', 'Jobs']) {
      await page.locator('.sidebar .pane-header', { hasText: view }).first().waitFor({ timeout: 15_000 });
    }
    const welcome = page.locator('.sidebar .welcome-view-content', { hasText: 'Link Synapse workspaces' });
    await welcome.first().waitFor({ timeout: 15_000 });
    // Signed out, the Sessions view asks for a sign-in rather than saying there are no sessions.
    const sessions = page.locator('.pane:has(.pane-header[aria-label^="Sessions"]) .welcome-view-content');
    await sessions.filter({ hasText: 'Sign in to Azure to see the live Spark sessions' }).first().waitFor({ timeout: 15_000 });
    assert.strictEqual(await sessions.filter({ hasText: 'No live Spark sessions' }).count(), 0);
    await wb.get().screenshot('view-container');
  });

  it('runs "Synapse Spark: Show Log" from the command palette and shows the log', async () => {
    const { page } = wb.get();
    await wb.get().runCommand('Synapse Spark: Show Log');
    // The Output view shows our channel, and the channel shows the activation line (Monaco renders
    // spaces as no-break spaces, hence \s).
    await page
      .locator('.part.panel .monaco-select-box[title*="Azure ML Synapse Spark"], .part.panel select', { hasText: 'Azure ML Synapse Spark' })
      .first()
      .waitFor({ timeout: 15_000 });
    const line = page.locator('.part.panel .view-lines', { hasText: /Activated\s+azureml-synapse-spark\.azureml-synapse-spark/ });
    await line.first().waitFor({ timeout: 15_000 });
    assert.ok((await line.count()) > 0);
  });
});
