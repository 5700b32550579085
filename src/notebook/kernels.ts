/**
 * One NotebookController per attached Spark pool for `jupyter-notebook`, kept in step with the catalog,
 * and the per-notebook execution glue: each cell becomes a NotebookCellExecution queued on the notebook's
 * FIFO CellQueue and run by the core cell runner against the notebook's session for that pool.
 */
import * as vscode from 'vscode';
import type { AttachedSparkPool, SparkPoolCatalog } from '../core/model/sparkTargets';
import type { Logger } from '../core/util/logger';
import { CellQueue, type CellOutcome } from '../core/notebook/cellQueue';
import { resumeCell, runCell, type CellResult, type CellSink } from '../core/notebook/cellRunner';
import { DetachedError } from '../core/livy/statementRunner';
import { locateCell, sourceHash, type PendingCell, type PendingCells } from '../core/notebook/pendingCells';
import { controllerIdFor } from '../core/notebook/controllerIds';
import { parseCell } from '../core/notebook/magics';
import type { NotebookSessionRegistry } from '../core/notebook/sessionRegistry';
import { toNotebookOutputs } from './outputs';
import type { VsCodeNotebookSettings } from './settings';
import { describeError } from '../core/util/errors';

export const NOTEBOOK_TYPE = 'jupyter-notebook';
const SUPPORTED_LANGUAGES = ['python', 'scala', 'sql', 'csharp'];
/** A running cell keeps its previous outputs this long unless new ones come first. */
const CLEAR_AFTER_MS = 100;

export function notebookKey(notebook: vscode.NotebookDocument): string {
  return notebook.uri.toString();
}

function notebookName(notebook: vscode.NotebookDocument): string {
  return notebook.uri.path.split('/').pop() || 'notebook';
}

export class SparkKernels implements vscode.Disposable {
  private readonly controllers = new Map<string, { controller: vscode.NotebookController; pool: AttachedSparkPool }>();
  private readonly queues = new Map<string, CellQueue>();
  /** notebook key -> compute id of the selected Spark controller. */
  private readonly selected = new Map<string, string>();
  private readonly disposables: vscode.Disposable[] = [];
  private readonly selectionChanged = new vscode.EventEmitter<void>();
  readonly onDidChangeSelection = this.selectionChanged.event;
  private readonly poolsChanged = new vscode.EventEmitter<void>();
  /** The attached pools (controllers) changed: one was attached or detached. */
  readonly onDidChangePools = this.poolsChanged.event;
  private catalog: SparkPoolCatalog | undefined;
  private catalogListener: { dispose(): void } | undefined;
  private syncing: Promise<void> = Promise.resolve();
  /** Results being landed after a reload ("sessionId/statementId"), so a second selection event does not land them twice. */
  private readonly resuming = new Set<string>();

  constructor(
    private readonly registry: NotebookSessionRegistry,
    private readonly settings: VsCodeNotebookSettings,
    private readonly log: Logger,
    private readonly pending?: PendingCells,
  ) {
    this.disposables.push(
      vscode.workspace.onDidCloseNotebookDocument((nb) => {
        if (nb.notebookType === NOTEBOOK_TYPE) void this.onClosed(notebookKey(nb));
      }),
      // The document may outlive its last tab for a while; closing the last tab is what the user means by closing it.
      vscode.window.tabGroups.onDidChangeTabs((e) => this.onTabsClosed(e.closed)),
      this.selectionChanged,
      this.poolsChanged,
    );
  }

  /** Uses this catalog from now on (controllers follow its pools). Resolves once controllers exist. */
  useCatalog(catalog: SparkPoolCatalog): Promise<void> {
    this.catalogListener?.dispose();
    this.catalog = catalog;
    this.catalogListener = catalog.onDidChange(() => void this.sync());
    return this.sync();
  }

  get pools(): AttachedSparkPool[] {
    return [...this.controllers.values()].map((c) => c.pool);
  }

  controllerIds(): string[] {
    return [...this.controllers.keys()];
  }

  /** The pool whose controller is selected for the notebook, if it is one of ours. */
  selectedPool(notebook: vscode.NotebookDocument): AttachedSparkPool | undefined {
    const computeId = this.selected.get(notebookKey(notebook));
    return this.pools.find((p) => p.computeId === computeId);
  }

  queueFor(notebook: vscode.NotebookDocument): CellQueue {
    const key = notebookKey(notebook);
    let queue = this.queues.get(key);
    if (!queue) {
      queue = new CellQueue();
      this.queues.set(key, queue);
    }
    return queue;
  }

  sync(): Promise<void> {
    this.syncing = this.syncing.then(
      () => this.syncNow(),
      () => this.syncNow(),
    );
    return this.syncing;
  }

  private async syncNow(): Promise<void> {
    if (!this.catalog) return;
    let pools: AttachedSparkPool[];
    try {
      pools = await this.catalog.listAttachedPools();
    } catch (err) {
      this.log.warn(`Could not list the attached Spark pools for notebook kernels: ${describeError(err)}`);
      return;
    }
    const wanted = new Map(pools.map((p) => [controllerIdFor(p), p]));
    const before = [...this.controllers.keys()].sort().join('\n');
    for (const [id, entry] of this.controllers) {
      if (!wanted.has(id)) {
        entry.controller.dispose();
        this.controllers.delete(id);
      }
    }
    for (const [id, pool] of wanted) {
      const existing = this.controllers.get(id);
      if (existing) {
        existing.pool = pool;
        this.describe(existing.controller, pool);
      } else {
        this.controllers.set(id, { controller: this.createController(id, pool), pool });
      }
    }
    this.log.info(`Notebook kernels: ${pools.length} attached Spark pool(s).`);
    if ([...this.controllers.keys()].sort().join('\n') !== before) this.poolsChanged.fire();
  }

  private describe(controller: vscode.NotebookController, pool: AttachedSparkPool): void {
    controller.label = pool.sparkVersion ? vscode.l10n.t('{0} (Spark {1})', pool.poolName, pool.sparkVersion) : pool.poolName;
    controller.description = vscode.l10n.t('Azure ML {0}', pool.amlWorkspace.name);
    controller.detail = pool.nodeSize
      ? vscode.l10n.t(
          'Synapse Spark pool {0} in {1}, {2} nodes; compute {3}',
          pool.poolName,
          pool.synapseWorkspace.name,
          pool.nodeSize,
          pool.computeName,
        )
      : vscode.l10n.t('Synapse Spark pool {0} in {1}; compute {2}', pool.poolName, pool.synapseWorkspace.name, pool.computeName);
  }

  private createController(id: string, pool: AttachedSparkPool): vscode.NotebookController {
    const controller = vscode.notebooks.createNotebookController(id, NOTEBOOK_TYPE, pool.poolName, (cells, notebook) =>
      this.execute(id, cells, notebook),
    );
    this.describe(controller, pool);
    controller.supportedLanguages = SUPPORTED_LANGUAGES;
    controller.supportsExecutionOrder = true;
    controller.interruptHandler = (notebook) => this.queueFor(notebook).interrupt();
    controller.onDidChangeSelectedNotebooks(({ notebook, selected }) => {
      const key = notebookKey(notebook);
      const current = this.controllers.get(id)?.pool;
      if (selected && current) {
        this.selected.set(key, current.computeId);
        void this.registry
          .get(key, current, notebookName(notebook))
          .activate(this.settings.prewarm())
          .then(() => this.resumePending(id, notebook));
      } else if (!selected && this.selected.get(key) === current?.computeId) {
        this.selected.delete(key);
      }
      this.selectionChanged.fire();
    });
    return controller;
  }

  private async execute(controllerId: string, cells: vscode.NotebookCell[], notebook: vscode.NotebookDocument): Promise<void> {
    const entry = this.controllers.get(controllerId);
    if (!entry) return;
    const key = notebookKey(notebook);
    this.selected.set(key, entry.pool.computeId);
    const host = this.registry.get(key, entry.pool, notebookName(notebook));
    const queue = this.queueFor(notebook);
    await Promise.all(
      cells.map((cell) => {
        const execution = entry.controller.createNotebookCellExecution(cell);
        return queue.enqueue({
          run: (signal) => this.runOne(cell, execution, host, signal),
          // A cell skipped by an Interrupt or an earlier failure never ran: ending it unstarted leaves it as it
          // was (outputs, no run time), as Jupyter does, instead of claiming a 0.0s run.
          cancelQueued: () => execution.end(undefined),
        });
      }),
    );
  }

  private async runOne(
    cell: vscode.NotebookCell,
    execution: vscode.NotebookCellExecution,
    host: ReturnType<NotebookSessionRegistry['get']>,
    signal: AbortSignal,
  ): Promise<CellOutcome> {
    const startedAt = Date.now();
    const text = cell.document.getText();
    let remembered: PendingCell | undefined;
    const result = await this.writeCell(cell, execution, startedAt, (sink) =>
      runCell(
        parseCell(text, cell.document.languageId),
        host,
        {
          ...sink,
          submitted: (sessionId, statementId) => {
            remembered = {
              notebook: notebookKey(cell.notebook),
              computeId: host.pool.computeId,
              cellIndex: cell.index,
              sourceHash: sourceHash(text),
              startedAt,
              sessionId,
              statementId,
            };
            this.pending?.add(remembered);
          },
        },
        signal,
      ),
    );
    // A window that closes or reloads under the cell leaves its statement running: the next window lands it.
    if (remembered && !(signal.reason instanceof DetachedError)) this.pending?.remove(remembered);
    return result.outcome;
  }

  /**
   * The window reloaded while cells of this notebook ran: once its session is re-attached, follow each such
   * statement and land its result in the cell it came from (queued like a run, so Interrupt cancels it and
   * later cells wait for it), or say why it was lost.
   */
  private resumePending(controllerId: string, notebook: vscode.NotebookDocument): void {
    const entry = this.controllers.get(controllerId);
    const store = this.pending;
    if (!entry || !store || notebook.isClosed) return;
    const key = notebookKey(notebook);
    const host = this.registry.get(key, entry.pool, notebookName(notebook));
    const texts = notebook.getCells().map((c) => (c.kind === vscode.NotebookCellKind.Code ? c.document.getText() : '\u0000markdown'));
    for (const pending of store.forNotebook(key, entry.pool.computeId)) {
      const id = `${pending.sessionId}/${pending.statementId}`;
      if (this.resuming.has(id)) continue;
      const index = locateCell(texts, pending);
      if (index === undefined) {
        store.remove(pending);
        this.log.warn(
          `${notebookName(notebook)}: the result of statement ${pending.statementId} (Spark session ${pending.sessionId}), ` +
            'which ran when the window reloaded, was not put into the notebook: its cell was edited or removed since.',
        );
        continue;
      }
      this.resuming.add(id);
      const cell = notebook.cellAt(index);
      const execution = entry.controller.createNotebookCellExecution(cell);
      void this.queueFor(notebook)
        .enqueue({
          run: async (signal) => {
            const result = await this.writeCell(cell, execution, pending.startedAt, (sink) => resumeCell(pending, host, sink, signal));
            if (!(signal.reason instanceof DetachedError)) store.remove(pending);
            return result.outcome;
          },
          cancelQueued: () => {
            store.remove(pending);
            execution.end(undefined);
          },
        })
        .finally(() => this.resuming.delete(id));
    }
  }

  /** Runs one cell's work against a sink backed by its execution, then ends the execution. */
  private async writeCell(
    cell: vscode.NotebookCell,
    execution: vscode.NotebookCellExecution,
    startedAt: number,
    work: (sink: CellSink) => Promise<CellResult>,
  ): Promise<CellResult> {
    execution.start(startedAt);
    // VS Code applies an execution's output updates in call order, batched, and end() flushes them before the
    // execution completes: queue each write and never wait for one to be applied (that costs a batching delay
    // plus a round trip to the workbench per write, on every cell). The previous outputs are replaced by the
    // first new ones, or cleared after CLEAR_AFTER_MS without any, so a quick cell redraws its outputs once.
    const writes: Thenable<void>[] = [];
    let stale = cell.outputs.length > 0;
    const clearStale = () => {
      if (stale) writes.push(execution.clearOutput());
      stale = false;
    };
    const clearTimer = stale ? setTimeout(clearStale, CLEAR_AFTER_MS) : undefined;
    const sink: CellSink = {
      replace: (outputs) => {
        stale = false;
        writes.push(execution.replaceOutput(toNotebookOutputs(outputs)));
      },
      setExecutionOrder: (order) => {
        execution.executionOrder = order;
      },
    };
    const result = await work(sink).finally(() => clearTimeout(clearTimer));
    clearStale();
    execution.end(result.outcome === 'succeeded' ? true : result.outcome === 'failed' ? false : undefined, Date.now());
    Promise.all(writes).catch((err) => this.log.warn(`Writing cell outputs failed: ${String(err)}`));
    if (result.sessionEnded) {
      this.log.warn(`${notebookName(cell.notebook)}: ${result.sessionEnded.message}`);
      void vscode.window.showErrorMessage(result.sessionEnded.message, vscode.l10n.t('Restart Session')).then((picked) => {
        if (picked) void vscode.commands.executeCommand('synapseSpark.notebook.restartSession', cell.notebook.uri);
      });
    }
    return result;
  }

  private onTabsClosed(closed: readonly vscode.Tab[]): void {
    const open = new Set(
      vscode.window.tabGroups.all
        .flatMap((g) => g.tabs)
        .map(notebookTabKey)
        .filter(Boolean),
    );
    for (const key of new Set(closed.map(notebookTabKey))) {
      if (key && !open.has(key)) void this.onClosed(key);
    }
  }

  private async onClosed(key: string): Promise<void> {
    if (!this.queues.has(key) && !this.selected.has(key) && !this.registry.find(key).length) return;
    this.queues.get(key)?.interrupt();
    this.queues.delete(key);
    this.selected.delete(key);
    await this.registry.closeNotebook(key, this.settings.deleteSessionOnClose());
    this.selectionChanged.fire();
  }

  dispose(): void {
    this.catalogListener?.dispose();
    for (const { controller } of this.controllers.values()) controller.dispose();
    this.controllers.clear();
    // The window is closing or reloading: stop following running statements without cancelling them, so
    // their results land in their cells once the next window re-attaches (see resumePending).
    for (const queue of this.queues.values()) queue.interrupt(new DetachedError('The window closed.'));
    for (const d of this.disposables) d.dispose();
  }
}

function notebookTabKey(tab: vscode.Tab): string | undefined {
  const input = tab.input;
  return input instanceof vscode.TabInputNotebook && input.notebookType === NOTEBOOK_TYPE ? input.uri.toString() : undefined;
}
