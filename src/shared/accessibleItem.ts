/**
 * What a screen reader announces for a tree row. VS Code reads a row's plain-string tooltip instead of what
 * the row shows, so every row gets an accessible label made of its visible words (label, then description);
 * the longer text stays in the tooltip.
 */
import * as vscode from 'vscode';

export function withAccessibleLabel<T extends vscode.TreeItem>(item: T): T {
  if (item.accessibilityInformation) return item;
  const label = typeof item.label === 'string' ? item.label : (item.label?.label ?? '');
  const description = typeof item.description === 'string' ? item.description : '';
  item.accessibilityInformation = { label: description ? `${label}, ${description}` : label };
  return item;
}
