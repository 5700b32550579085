/**
 * The notebook commands: Restart Spark Session (from a notebook), and Refresh, Kill Session and Show Session
 * Logs of the Sessions view.
 */
import * as vscode from 'vscode';
import type { LivyApi } from '../core/livy/livyClient';
import type { AttachedSparkPool } from '../core/model/sparkTargets';
import type { NotebookSessionRegistry } from '../core/notebook/sessionRegistry';
import { UserFacingError } from '../core/util/errors';
import type { CommandRunner } from '../shared/commandRunner';
import type { CommandUi } from '../shared/ui';
import { notebookKey, type SparkKernels } from './kernels';
import { sessionLogUri, type SessionLogProvider } from './sessionLogs';
import type { SessionsNode, SessionsTree } from './sessionsView';

export interface NotebookCommandDeps {
  registry: NotebookSessionRegistry;
  kernels: SparkKernels;
  tree: SessionsTree;
  logs: SessionLogProvider;
  apiFor(pool: AttachedSparkPool): LivyApi;
  /** The notebooks of this window using a session, by name. */
  notebooksUsing(pool: AttachedSparkPool, sessionId: number): string[];
  /** The prompts (tests script them). */
  ui(): CommandUi;
}

function activeNotebook(uri?: unknown): vscode.NotebookDocument {
  const target =
    uri instanceof vscode.Uri
      ? vscode.workspace.notebookDocuments.find((n) => n.uri.toString() === uri.toString())
      : vscode.window.activeNotebookEditor?.notebook;
  if (!target) throw new UserFacingError(vscode.l10n.t('Open a notebook that runs on a Synapse Spark pool first.'));
  return target;
}

export function registerNotebookCommands(commands: CommandRunner, deps: NotebookCommandDeps): void {
  const { registry, kernels, tree, logs, apiFor, notebooksUsing, ui } = deps;

  /**
   * Restarts the notebook's Spark session(s). A live session's variables and cached data are lost, so it
   * asks first (through `ui`, which tests script); `{ confirm: false }` skips that for programmatic callers.
   */
  commands.register('synapseSpark.notebook.restartSession', async (uri?: unknown, options?: { confirm?: boolean }) => {
    const notebook = activeNotebook(uri);
    const hosts = registry.find(notebookKey(notebook));
    if (!hosts.length)
      throw new UserFacingError(vscode.l10n.t('This notebook has no Spark session yet: run a cell on a Synapse Spark kernel first.'));
    const name = decodeURIComponent(notebook.uri.path.split('/').pop() || notebook.uri.toString());
    // A shared session restarts for every notebook using it (sessionSharing `sharedPerPool`).
    const sharers = [...new Set(hosts.flatMap((h) => h.sharedWith()))];
    if (options?.confirm !== false && hosts.some((h) => h.session.isLive)) {
      await ui().confirm(
        vscode.l10n.t('Restart the Spark session of {0}?', name),
        sharers.length
          ? vscode.l10n.t(
              'It is shared with {0}: it restarts for them too, and all of them lose their variables and cached data.',
              sharers.map((h) => h.notebookName).join(', '),
            )
          : vscode.l10n.t('Its variables and cached data are lost.'),
        vscode.l10n.t('Restart'),
      );
    }
    for (const doc of [
      notebook,
      ...vscode.workspace.notebookDocuments.filter((d) => sharers.some((h) => h.notebookKey === notebookKey(d))),
    ]) {
      kernels.queueFor(doc).interrupt();
    }
    await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: vscode.l10n.t('Restarting the Spark session') },
      async () => {
        for (const session of new Set(hosts.map((h) => h.session))) {
          await session.restart();
          session.prewarm();
        }
      },
    );
    vscode.window.setStatusBarMessage(`$(sync~spin) ${vscode.l10n.t('Requested a new Spark session for {0}', name)}`, 5000);
  });
  commands.register('synapseSpark.sessions.refresh', () => tree.refresh());
  commands.register('synapseSpark.sessions.kill', async (node?: SessionsNode) => {
    if (node?.kind !== 'session') throw new UserFacingError(vscode.l10n.t('Pick a session in the Sessions view to kill.'));
    const ours = registry.all().find((h) => h.pool.computeId === node.pool.computeId && h.session.sessionId === node.session.id);
    const users = notebooksUsing(node.pool, node.session.id);
    await ui().confirm(
      vscode.l10n.t('Kill Spark session {0} on {1}?', node.session.id, node.pool.poolName),
      ours && users.length > 1
        ? vscode.l10n.t('{0} share it: their variables are lost, and their next cells start a new session.', users.join(', '))
        : ours
          ? vscode.l10n.t('A notebook in this window uses it: its variables are lost, and its next cell starts a new session.')
          : node.session.submitterName
            ? vscode.l10n.t('Started by {0}. Whoever uses it loses its state.', node.session.submitterName)
            : vscode.l10n.t('Whoever uses it loses its state.'),
      vscode.l10n.t('Kill'),
    );
    if (ours) await ours.session.delete(vscode.l10n.t('was killed from the Sessions view'));
    else await apiFor(node.pool).deleteSession(node.session.id);
    registry.forgetOrphan(node.pool, node.session.id);
    tree.refresh();
  });
  commands.register('synapseSpark.sessions.showLogs', async (node?: SessionsNode) => {
    if (node?.kind !== 'session') throw new UserFacingError(vscode.l10n.t('Pick a session in the Sessions view to show its logs.'));
    const uri = sessionLogUri(node.pool, node.session.id);
    logs.remember(uri, node.pool, node.session.id);
    // Fetch first (errors surface in the command), then show the fresh text: an open log document is refreshed.
    await logs.refresh(uri);
    let doc = await vscode.workspace.openTextDocument(uri);
    if (doc.languageId !== 'log') doc = await vscode.languages.setTextDocumentLanguage(doc, 'log');
    await vscode.window.showTextDocument(doc, { preview: true });
  });
}
