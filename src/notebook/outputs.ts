/** Core output models -> VS Code notebook outputs. */
import * as vscode from 'vscode';
import { ipynbError, type CellOutputModel, type OutputItemModel } from '../core/notebook/outputs';

export function toNotebookOutputs(outputs: CellOutputModel[]): vscode.NotebookCellOutput[] {
  return outputs.map((o) => {
    const error = o.items.find((i): i is Extract<OutputItemModel, { error: unknown }> => 'error' in i);
    // VS Code's .ipynb serializer saves `originalError` as the output (traceback lines without "\n"),
    // so a reopened notebook shows the same error text.
    const metadata = error ? { ...o.metadata, originalError: ipynbError(error.error) } : o.metadata;
    return new vscode.NotebookCellOutput(o.items.map(toItem), metadata);
  });
}

function toItem(item: OutputItemModel): vscode.NotebookCellOutputItem {
  if ('error' in item) {
    const error = new Error(item.error.message);
    error.name = item.error.name;
    error.stack = item.error.stack;
    return vscode.NotebookCellOutputItem.error(error);
  }
  if ('text' in item) return vscode.NotebookCellOutputItem.text(item.text, item.mime);
  if ('json' in item) return vscode.NotebookCellOutputItem.json(item.json, item.mime);
  return new vscode.NotebookCellOutputItem(Buffer.from(item.base64, 'base64'), item.mime);
}
