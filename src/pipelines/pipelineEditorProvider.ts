/**
 * The pipeline custom editor over the YAML TextDocument. The document is the source of truth: webview
 * edits become WorkspaceEdits made of the model's minimal text edits (so undo/redo, dirty state and git
 * diffs behave as for typing), and every document change is re-analysed and sent back as `state`.
 * Diagnostics go to the Problems panel through one DiagnosticCollection.
 */
import * as path from 'node:path';
import * as vscode from 'vscode';
import { loadPipeline, NodeFileReader, type Diagnostic, type TextEdit } from '../core/pipelines';
import type { Logger } from '../core/util/logger';
import { parseFromEditor, type EditorState, type FromEditor, type ToEditor } from '../protocol/pipelineEditor';
import { unhandledMessage } from '../protocol/messages';
import { applyEditOp, editorState, quickState } from './editorState';
import { webviewHtml, webviewOptions } from './webviewHtml';
import { describeError } from '../core/util/errors';

export const EDITOR_VIEW_TYPES = ['synapseSpark.pipelineEditor', 'synapseSpark.pipelineEditor.anyYaml'] as const;

export interface EditorContextSource {
  /** Compute names to offer for Spark steps (attached pools). */
  sparkPools(): Promise<string[]>;
  /** All compute names of the chosen workspace, when one is chosen (validation), else undefined. */
  workspaceComputes(): Promise<string[] | undefined>;
}

const SEVERITY: Record<Diagnostic['severity'], vscode.DiagnosticSeverity> = {
  error: vscode.DiagnosticSeverity.Error,
  warning: vscode.DiagnosticSeverity.Warning,
  info: vscode.DiagnosticSeverity.Information,
};

export function toVscodeDiagnostic(d: Diagnostic): vscode.Diagnostic {
  const range = new vscode.Range(d.range.start.line, d.range.start.col, d.range.end.line, d.range.end.col);
  const diag = new vscode.Diagnostic(range, d.message, SEVERITY[d.severity]);
  diag.source = vscode.l10n.t('Azure ML pipeline');
  diag.code = d.code;
  return diag;
}

export function rootDirOf(uri: vscode.Uri): string {
  return (vscode.workspace.getWorkspaceFolder(uri)?.uri.fsPath ?? path.dirname(uri.fsPath)).replace(/\\/g, '/');
}

/** Full analysis of a pipeline document: components, files under the workspace folder, computes. */
export async function analyzeDocument(document: vscode.TextDocument, computes?: string[]) {
  const filePath = document.uri.fsPath.replace(/\\/g, '/');
  return loadPipeline(document.getText(), { filePath, reader: new NodeFileReader(), rootDir: rootDirOf(document.uri), computes });
}

/** How long typing must pause before the pipeline is analysed again (diagnostics, graph). */
const TYPING_PAUSE_MS = 250;

class EditorSession {
  lastState: EditorState | undefined;
  private timer: NodeJS.Timeout | undefined;
  private generation = 0;

  constructor(
    readonly document: vscode.TextDocument,
    readonly panel: vscode.WebviewPanel,
    private readonly owner: PipelineEditorProvider,
  ) {}

  post(message: ToEditor): void {
    if (message.type === 'state') this.lastState = message.state;
    void this.panel.webview.postMessage(message);
  }

  /**
   * On open (no delay): the quick state at once, then the full analysis (files, computes). While typing: only
   * the full analysis, once the typing has paused for `delayMs`, so a keystroke never parses the file itself.
   */
  refresh(delayMs = TYPING_PAUSE_MS): void {
    const filePath = this.document.uri.fsPath.replace(/\\/g, '/');
    const gen = ++this.generation;
    if (delayMs === 0) {
      void this.owner.context.sparkPools().then((pools) => {
        if (gen === this.generation)
          this.post({ type: 'state', state: quickState(this.document.getText(), filePath, this.document.version, pools) });
      });
    }
    clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.fullAnalysis(gen), delayMs);
  }

  private async fullAnalysis(gen: number): Promise<void> {
    try {
      const [computes, pools] = await Promise.all([
        this.owner.context.workspaceComputes().catch(() => undefined),
        this.owner.context.sparkPools(),
      ]);
      const parsed = await analyzeDocument(this.document, computes);
      if (gen !== this.generation) return;
      this.owner.diagnostics.set(this.document.uri, parsed.diagnostics.map(toVscodeDiagnostic));
      this.post({ type: 'state', state: editorState(parsed, parsed.diagnostics, this.document.version, pools) });
    } catch (err) {
      this.owner.log.warn(`Pipeline analysis of ${this.document.uri.fsPath} failed: ${describeError(err)}`);
    }
  }

  /** Handles one (validated) message; answers edits with their result. */
  async handle(message: FromEditor): Promise<ToEditor | undefined> {
    switch (message.type) {
      case 'ready':
        this.refresh(0);
        return undefined;
      case 'openAsText':
        await vscode.commands.executeCommand('vscode.openWith', this.document.uri, 'default');
        return undefined;
      case 'reveal': {
        const step = this.lastState?.steps.find((s) => s.name === message.step);
        if (step) {
          const editor = await vscode.window.showTextDocument(this.document, {
            viewColumn: vscode.ViewColumn.Beside,
            preserveFocus: false,
          });
          const pos = new vscode.Position(step.line, 0);
          editor.selection = new vscode.Selection(pos, pos);
          editor.revealRange(new vscode.Range(pos, pos), vscode.TextEditorRevealType.InCenter);
        }
        return undefined;
      }
      case 'edit': {
        const reply = await this.applyEdit(message);
        this.post(reply);
        return reply;
      }
      default:
        return unhandledMessage(message);
    }
  }

  private async applyEdit(message: Extract<FromEditor, { type: 'edit' }>): Promise<ToEditor> {
    try {
      const pools = await this.owner.context.sparkPools();
      const result = applyEditOp(this.document.getText(), message.op, pools[0]);
      if (result.edits.length > 0) await this.applyTextEdits(result.edits);
      return { type: 'result', requestId: message.requestId, ok: true };
    } catch (err) {
      const error = describeError(err);
      return { type: 'result', requestId: message.requestId, ok: false, error };
    }
  }

  private async applyTextEdits(edits: TextEdit[]): Promise<void> {
    const edit = new vscode.WorkspaceEdit();
    for (const e of edits) {
      edit.replace(
        this.document.uri,
        new vscode.Range(this.document.positionAt(e.offset), this.document.positionAt(e.offset + e.length)),
        e.newText,
      );
    }
    if (!(await vscode.workspace.applyEdit(edit))) throw new Error('VS Code refused the edit (is the file read-only?).');
  }

  dispose(): void {
    clearTimeout(this.timer);
  }
}

export class PipelineEditorProvider implements vscode.CustomTextEditorProvider {
  private readonly sessions = new Map<string, EditorSession>();
  private active: EditorSession | undefined;

  constructor(
    private readonly extensionUri: vscode.Uri,
    readonly context: EditorContextSource,
    readonly diagnostics: vscode.DiagnosticCollection,
    readonly log: Logger,
  ) {}

  /** The document of the pipeline editor the user last focused, if it is still open. */
  get activeDocument(): vscode.TextDocument | undefined {
    return this.active && this.sessions.get(this.active.document.uri.toString()) === this.active ? this.active.document : undefined;
  }

  session(uri: string): EditorSession | undefined {
    return this.sessions.get(vscode.Uri.parse(uri).toString());
  }

  refreshAll(): void {
    for (const s of this.sessions.values()) s.refresh(0);
  }

  resolveCustomTextEditor(document: vscode.TextDocument, panel: vscode.WebviewPanel): void {
    panel.webview.options = webviewOptions(this.extensionUri);
    panel.webview.html = webviewHtml(panel.webview, this.extensionUri, 'pipelineEditor', path.basename(document.uri.fsPath));
    const session = new EditorSession(document, panel, this);
    const key = document.uri.toString();
    this.sessions.set(key, session);
    this.active = session;
    const subscriptions: vscode.Disposable[] = [
      panel.webview.onDidReceiveMessage(async (raw) => {
        const message = parseFromEditor(raw);
        if (!message) {
          this.log.warn(`Pipeline editor: dropped a malformed message ${JSON.stringify(raw).slice(0, 200)}`);
          return;
        }
        await session.handle(message);
      }),
      vscode.workspace.onDidChangeTextDocument((e) => {
        if (e.document.uri.toString() === key && e.contentChanges.length > 0) session.refresh();
      }),
      panel.onDidChangeViewState(() => {
        if (panel.active) this.active = session;
      }),
    ];
    panel.onDidDispose(() => {
      subscriptions.forEach((s) => s.dispose());
      session.dispose();
      if (this.sessions.get(key) === session) this.sessions.delete(key);
      // Keep the file's problems only while it is open somewhere.
      if (!vscode.workspace.textDocuments.some((d) => d.uri.toString() === key && !d.isClosed)) this.diagnostics.delete(document.uri);
    });
  }
}
