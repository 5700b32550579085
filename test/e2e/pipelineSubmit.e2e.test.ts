/**
 * Cancelling a submit from its progress notification, in the browser workbench with the packaged
 * extension against the emulator the runner started: sign in from the palette, open the sample pipeline,
 * "Submit Pipeline" with the component registration slowed down through the emulator's admin API, press
 * the notification's Cancel while it registers, and see that no job was created.
 */
import * as assert from 'assert';
import * as fs from 'fs';
import { emulatorAdmin } from '../support/emulatorAdmin';
import { emulatorAccess } from '../support/emulatorAccess';
import { AmlWorkspaceClient } from '../../src/core/jobs/amlWorkspaceClient';
import { useWorkbench } from './support/workbench';

const LATENCY_MS = 5000;

describe('Pipeline submit in the browser workbench', () => {
  const wb = useWorkbench();

  after(async () => {
    if (process.env.SYNAPSE_EMULATOR_URL) await emulatorAdmin('DELETE', '/_emulator/faults').catch(() => undefined);
  });

  it('cancels a submit from the progress notification and leaves no job behind', async function () {
    this.timeout(180_000);
    const url = process.env.SYNAPSE_EMULATOR_URL;
    const ca = process.env.SYNAPSE_EMULATOR_CA;
    assert.ok(url && ca, 'run through `npm run test:e2e` (SYNAPSE_EMULATOR_URL, SYNAPSE_EMULATOR_CA)');
    const { page } = wb.get();

    await wb.get().signInToEmulator();

    await wb.get().quickOpen('prepare-train.pipeline.yml');
    await wb.get().webviewFrame('svg.graph g.node[data-node-id="step:train"]');

    const seed = JSON.parse(fs.readFileSync(require.resolve('../../../emulator/seed.default.json'), 'utf8'));
    const access = emulatorAccess({ url, caPem: fs.readFileSync(ca, 'utf8'), tenantId: seed.tenantId });
    const workspace = (await access.arm.listAmlWorkspaces()).find((w) => w.name === 'contoso-aml')!;
    const client = new AmlWorkspaceClient(access.arm, workspace);
    const jobsBefore = (await client.listJobs(500)).map((j) => j.name);
    await emulatorAdmin('POST', '/_emulator/faults', {
      kind: 'latency',
      surface: 'arm',
      method: 'PUT',
      path: '/components/azureml_anonymous/versions/',
      latencyMs: LATENCY_MS,
      count: 1,
    });

    await wb.get().runCommand('Synapse Spark: Submit Pipeline');
    const row = page.locator('.quick-input-list .monaco-list-row', { has: page.getByText('contoso-aml', { exact: true }) }).first();
    await row.waitFor({ timeout: 30_000 });
    await row.click();

    const toast = page
      .locator('.notifications-toasts .notification-toast', { hasText: 'Submitting prepare-train.pipeline.yml to contoso-aml' })
      .first();
    await toast.waitFor({ timeout: 30_000 });
    await toast.locator('text=/Registering/').first().waitFor({ timeout: 30_000 });
    await wb.get().screenshot('pipeline-submit-registering');
    const started = Date.now();
    await toast.hover();
    await toast.locator('.monaco-button', { hasText: 'Cancel' }).first().click();

    const cancelled = page
      .locator('.notifications-toasts .notification-toast', { hasText: 'Submit cancelled during register: no job was created.' })
      .first();
    await cancelled.waitFor({ timeout: 15_000 });
    assert.ok(Date.now() - started < LATENCY_MS, 'the cancel does not wait for the delayed registration');
    await wb.get().screenshot('pipeline-submit-cancelled');

    // Past the delayed request too: still no new job in the workspace.
    await page.waitForTimeout(LATENCY_MS + 1000);
    const jobsAfter = (await client.listJobs(500)).map((j) => j.name);
    assert.deepStrictEqual(jobsAfter, jobsBefore, 'no job was created');
  });
});
