/**
 * Show Session Logs: read-only documents (scheme SESSION_LOG_SCHEME) holding a Spark session's Livy log,
 * fetched when the command runs and again when a restored document asks for its text.
 */
import * as vscode from 'vscode';
import type { LivySessionInfo } from '../core/livy/types';
import type { AttachedSparkPool } from '../core/model/sparkTargets';
import { describeError, UserFacingError } from '../core/util/errors';
import { SESSION_LOG_SCHEME } from '../shell/registrations';

export function sessionLogUri(pool: AttachedSparkPool, sessionId: number): vscode.Uri {
  return vscode.Uri.from({ scheme: SESSION_LOG_SCHEME, path: `/${pool.poolName}/session-${sessionId}.log` });
}

export function formatSessionLog(pool: AttachedSparkPool, info: LivySessionInfo): string {
  return [
    vscode.l10n.t('Spark session {0} on {1} ({2})', info.id, pool.poolName, info.state),
    info.driverLogUrl ? vscode.l10n.t('Driver log: {0}', info.driverLogUrl) : '',
    info.sparkUiUrl ? vscode.l10n.t('Spark UI: {0}', info.sparkUiUrl) : '',
    '',
    ...info.log,
  ]
    .filter((l, i) => l !== '' || i > 2)
    .join('\n');
}

/**
 * The read-only session log documents. The command fetches the log and calls refresh, which updates an
 * open document too; a document restored after a reload (no remembered pool) finds its pool by name.
 */
export class SessionLogProvider implements vscode.TextDocumentContentProvider, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<vscode.Uri>();
  readonly onDidChange = this.changed.event;
  private readonly content = new Map<string, string>();
  private readonly targets = new Map<string, { pool: AttachedSparkPool; sessionId: number }>();

  constructor(
    private readonly fetch: (pool: AttachedSparkPool, sessionId: number) => Promise<string>,
    private readonly poolNamed: (poolName: string) => AttachedSparkPool | undefined,
  ) {}

  remember(uri: vscode.Uri, pool: AttachedSparkPool, sessionId: number): void {
    this.targets.set(uri.toString(), { pool, sessionId });
  }

  /** Fetches the log again; an open document of it shows the new text before this resolves (or within 2 s). */
  async refresh(uri: vscode.Uri): Promise<void> {
    const target = this.target(uri);
    if (!target) throw new UserFacingError(vscode.l10n.t('No attached Spark pool for {0}.', uri.path));
    const text = await this.fetch(target.pool, target.sessionId);
    this.content.set(uri.toString(), text);
    const open = vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri.toString());
    if (!open || open.getText() === text) return;
    let sub: vscode.Disposable | undefined;
    let timer: NodeJS.Timeout | undefined;
    await new Promise<void>((resolve) => {
      sub = vscode.workspace.onDidChangeTextDocument((e) => {
        if (e.document.uri.toString() === uri.toString()) resolve();
      });
      timer = setTimeout(resolve, 2000);
      this.changed.fire(uri);
    }).finally(() => {
      sub?.dispose();
      clearTimeout(timer);
    });
  }

  async provideTextDocumentContent(uri: vscode.Uri): Promise<string> {
    const cached = this.content.get(uri.toString());
    if (cached !== undefined) return cached;
    const target = this.target(uri);
    if (!target) return vscode.l10n.t('No attached Spark pool for {0}: run Show Session Logs from the Sessions view.', uri.path);
    try {
      const text = await this.fetch(target.pool, target.sessionId);
      this.content.set(uri.toString(), text);
      return text;
    } catch (err) {
      return vscode.l10n.t('Could not read the log of {0}: {1}', uri.path, describeError(err));
    }
  }

  private target(uri: vscode.Uri): { pool: AttachedSparkPool; sessionId: number } | undefined {
    const known = this.targets.get(uri.toString());
    if (known) return known;
    const m = /^\/([^/]+)\/session-(\d+)\.log$/.exec(uri.path);
    const pool = m ? this.poolNamed(m[1]) : undefined;
    return pool && m ? { pool, sessionId: Number(m[2]) } : undefined;
  }

  dispose(): void {
    this.changed.dispose();
  }
}
