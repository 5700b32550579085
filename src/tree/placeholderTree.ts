import * as vscode from 'vscode';

/**
 * An empty tree: the view shows its welcome content from package.json until a real provider
 * (workspaces, sessions, jobs) takes its place.
 */
export class PlaceholderTree implements vscode.TreeDataProvider<never>, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChangeTreeData = this.changed.event;

  getTreeItem(element: never): vscode.TreeItem {
    return element;
  }

  getChildren(): never[] {
    return [];
  }

  refresh(): void {
    this.changed.fire();
  }

  dispose(): void {
    this.changed.dispose();
  }
}
