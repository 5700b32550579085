/**
 * Runs the integration suites under @vscode/test-electron, for machines that can download a desktop
 * VS Code (this project's CI cannot; it uses the code-server host in scripts/run-integration.mjs).
 */
import * as path from 'path';
import { runTests } from '@vscode/test-electron';

async function main(): Promise<void> {
  const root = path.resolve(__dirname, '..', '..');
  await runTests({
    version: process.env.VSCODE_TEST_VERSION ?? '1.100.3',
    extensionDevelopmentPath: root,
    extensionTestsPath: path.join(root, 'out', 'test', 'integration', 'index'),
    launchArgs: [path.join(root, 'sample-workspace'), '--disable-extensions', '--disable-workspace-trust'],
  });
}

main().catch((err) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
