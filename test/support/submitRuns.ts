/**
 * Suites that submit pipeline files with the extension's own submit code to an in-process emulator (ARM +
 * Azurite + Spark) and follow the runs to the end: one emulator and workspace client per suite, temp folders
 * removed afterwards.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { NodeFileReader } from '../../src/core/pipelines';
import { submitPipeline } from '../../src/core/jobs/submitPipeline';
import { AmlWorkspaceClient } from '../../src/core/jobs/amlWorkspaceClient';
import { JobMonitor } from '../../src/core/jobs/jobMonitor';
import { startTestEmulator, type TestEmulator } from './emulator';
import { emulatorAccess } from './emulatorAccess';

const SUB = '11111111-aaaa-4bbb-8ccc-000000000001';
export const CONTOSO_AML = {
  id: `/subscriptions/${SUB}/resourceGroups/rg-datascience/providers/Microsoft.MachineLearningServices/workspaces/contoso-aml`,
  name: 'contoso-aml',
  subscriptionId: SUB,
  resourceGroup: 'rg-datascience',
};

export interface SubmitRuns {
  emu(): TestEmulator;
  client(): AmlWorkspaceClient;
  /** A fresh temp folder, removed when the suite ends. */
  tempDir(prefix: string): string;
  /** Submits the file (relative paths from `root`) and follows the run; the final run and every log line. */
  submitAndFollow(file: string, root: string): Promise<{ final: Awaited<ReturnType<JobMonitor['follow']>>; log: string; jobName: string }>;
}

/** Registers before/after hooks in the calling describe(). */
export function useSubmitRuns(): SubmitRuns {
  let emu: TestEmulator | undefined;
  let client: AmlWorkspaceClient | undefined;
  const roots: string[] = [];
  before(async () => {
    emu = await startTestEmulator({ storage: true, settings: { pageSize: 50 } });
    client = new AmlWorkspaceClient(emulatorAccess({ url: emu.url, caPem: emu.caPem, tenantId: emu.tenantId }).arm, CONTOSO_AML);
  });
  after(async () => {
    await emu?.stop();
    for (const r of roots) fs.rmSync(r, { recursive: true, force: true });
  });
  return {
    emu: () => emu!,
    client: () => client!,
    tempDir(prefix) {
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
      roots.push(dir);
      return dir;
    },
    async submitAndFollow(file, root) {
      const text = fs.readFileSync(file, 'utf8');
      const result = await submitPipeline({ text, filePath: file, rootDir: root, reader: new NodeFileReader(), client: client! });
      const logs: string[] = [];
      const final = await new JobMonitor(client!, result.jobName).follow({
        backoff: { initialDelayMs: 50, maxDelayMs: 300 },
        onLog: (c) => logs.push(`${c.step}: ${c.text}`),
      });
      return { final, log: logs.join('\n'), jobName: result.jobName };
    },
  };
}
