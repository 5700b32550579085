/**
 * Registrations made at activation with stand-ins, so activation stays cheap: every command, tree view,
 * custom editor, webview panel serializer and content provider package.json (and SESSION_LOG_SCHEME)
 * names is registered with VS Code now, and the first call into any of them loads the features (`load`),
 * which plug the real ones in through the Registrations interface. A view that is never shown, a command
 * never run, costs nothing but its stand-in.
 */
import * as vscode from 'vscode';
import {
  CUSTOM_EDITOR_OPTIONS,
  directRegistrations,
  SESSION_LOG_SCHEME,
  TREE_VIEW_OPTIONS,
  type CommandHandler,
  type Registrations,
} from './registrations';

/** The parts of package.json read here. */
export interface ContributionManifest {
  activationEvents?: string[];
  contributes?: {
    commands?: { command: string }[];
    views?: Record<string, { id: string }[]>;
    customEditors?: { viewType: string }[];
  };
}

/** A tree data provider that loads the features on its first call and then answers with the real one. */
class LazyTreeProvider<T> implements vscode.TreeDataProvider<T>, vscode.Disposable {
  private real: vscode.TreeDataProvider<T> | undefined;
  private realSub: vscode.Disposable | undefined;
  private readonly changed = new vscode.EventEmitter<T | T[] | undefined | null | void>();
  readonly onDidChangeTreeData = this.changed.event;

  constructor(
    private readonly id: string,
    private readonly load: () => void,
  ) {}

  bind(real: vscode.TreeDataProvider<T>): void {
    this.realSub?.dispose();
    this.real = real;
    this.realSub = real.onDidChangeTreeData?.((e) => this.changed.fire(e));
  }

  getTreeItem(element: T): vscode.TreeItem | Thenable<vscode.TreeItem> {
    return this.provider().getTreeItem(element);
  }

  getChildren(element?: T): vscode.ProviderResult<T[]> {
    return this.provider().getChildren(element);
  }

  getParent(element: T): vscode.ProviderResult<T> {
    return this.provider().getParent?.(element);
  }

  private provider(): vscode.TreeDataProvider<T> {
    if (!this.real) this.load();
    if (!this.real) throw new Error(`No tree data provider for ${this.id}.`);
    return this.real;
  }

  dispose(): void {
    this.realSub?.dispose();
    this.changed.dispose();
  }
}

export class LazyRegistrations implements Registrations, vscode.Disposable {
  /** `kind:id` of every stand-in registered with VS Code. */
  private readonly standIns = new Set<string>();
  private readonly handlers = new Map<string, CommandHandler>();
  private readonly views = new Map<string, { view: vscode.TreeView<unknown>; provider: LazyTreeProvider<unknown> }>();
  private readonly editors = new Map<string, vscode.CustomTextEditorProvider>();
  private readonly serializers = new Map<string, vscode.WebviewPanelSerializer>();
  private readonly contents = new Map<string, vscode.TextDocumentContentProvider>();
  private readonly contentChanged = new vscode.EventEmitter<vscode.Uri>();
  private readonly disposables: vscode.Disposable[] = [this.contentChanged];

  constructor(
    manifest: ContributionManifest,
    private readonly load: () => void,
  ) {
    const contributes = manifest.contributes ?? {};
    for (const { command } of contributes.commands ?? []) {
      this.standIn(
        'command',
        command,
        vscode.commands.registerCommand(command, (...args: unknown[]) => this.loaded(this.handlers, command)(...args)),
      );
    }
    for (const { id } of Object.values(contributes.views ?? {}).flat()) {
      const provider = new LazyTreeProvider<unknown>(id, load);
      const view = vscode.window.createTreeView(id, { ...TREE_VIEW_OPTIONS[id], treeDataProvider: provider });
      this.views.set(id, { view, provider });
      this.disposables.push(view, provider);
    }
    for (const { viewType } of contributes.customEditors ?? []) {
      this.standIn(
        'editor',
        viewType,
        vscode.window.registerCustomEditorProvider(
          viewType,
          {
            resolveCustomTextEditor: (document, panel, token) =>
              this.loaded(this.editors, viewType).resolveCustomTextEditor(document, panel, token),
          },
          CUSTOM_EDITOR_OPTIONS,
        ),
      );
    }
    for (const event of manifest.activationEvents ?? []) {
      const viewType = /^onWebviewPanel:(.+)$/.exec(event)?.[1];
      if (!viewType) continue;
      this.standIn(
        'serializer',
        viewType,
        vscode.window.registerWebviewPanelSerializer(viewType, {
          deserializeWebviewPanel: (panel, state) => this.loaded(this.serializers, viewType).deserializeWebviewPanel(panel, state),
        }),
      );
    }
    this.standIn(
      'content',
      SESSION_LOG_SCHEME,
      vscode.workspace.registerTextDocumentContentProvider(SESSION_LOG_SCHEME, {
        onDidChange: this.contentChanged.event,
        provideTextDocumentContent: (uri, token) => this.loaded(this.contents, SESSION_LOG_SCHEME).provideTextDocumentContent(uri, token),
      }),
    );
  }

  command(id: string, handler: CommandHandler): vscode.Disposable {
    return this.bind('command', this.handlers, id, handler, () => directRegistrations.command(id, handler));
  }

  treeView<T>(id: string, provider: vscode.TreeDataProvider<T>): vscode.TreeView<T> {
    const entry = this.views.get(id);
    if (!entry) return directRegistrations.treeView(id, provider);
    entry.provider.bind(provider as vscode.TreeDataProvider<unknown>);
    return entry.view as vscode.TreeView<T>;
  }

  customEditor(viewType: string, provider: vscode.CustomTextEditorProvider): vscode.Disposable {
    return this.bind('editor', this.editors, viewType, provider, () => directRegistrations.customEditor(viewType, provider));
  }

  webviewPanelSerializer(viewType: string, serializer: vscode.WebviewPanelSerializer): vscode.Disposable {
    return this.bind('serializer', this.serializers, viewType, serializer, () =>
      directRegistrations.webviewPanelSerializer(viewType, serializer),
    );
  }

  textDocumentContentProvider(scheme: string, provider: vscode.TextDocumentContentProvider): vscode.Disposable {
    const bound = this.bind('content', this.contents, scheme, provider, () =>
      directRegistrations.textDocumentContentProvider(scheme, provider),
    );
    const sub = this.contents.get(scheme) === provider ? provider.onDidChange?.((uri) => this.contentChanged.fire(uri)) : undefined;
    return vscode.Disposable.from(bound, { dispose: () => sub?.dispose() });
  }

  dispose(): void {
    for (const d of this.disposables) d.dispose();
    this.disposables.length = 0;
  }

  private standIn(kind: string, id: string, registration: vscode.Disposable): void {
    this.standIns.add(`${kind}:${id}`);
    this.disposables.push(registration);
  }

  /** The real registration of `key`, loading the features first when it is not there yet. */
  private loaded<V>(map: Map<string, V>, key: string): V {
    if (!map.has(key)) this.load();
    const value = map.get(key);
    if (value === undefined) throw new Error(`The extension registered nothing for ${key}.`);
    return value;
  }

  /** Plugs `value` in behind its stand-in; one without a stand-in is registered with VS Code directly. */
  private bind<V>(kind: string, map: Map<string, V>, key: string, value: V, direct: () => vscode.Disposable): vscode.Disposable {
    if (!this.standIns.has(`${kind}:${key}`)) return direct();
    map.set(key, value);
    return new vscode.Disposable(() => {
      if (map.get(key) === value) map.delete(key);
    });
  }
}
