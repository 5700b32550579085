/**
 * The Jobs view: recent Azure ML jobs of the chosen workspace (newest first, with status) and the Spark
 * batches started from this window. A failed load becomes an error item with a retry action.
 */
import * as vscode from 'vscode';
import { AmlWorkspaceClient, TERMINAL_STATES, type AmlJob } from '../core/jobs/amlWorkspaceClient';
import type { ArmAccess } from '../core/model/armAccess';
import type { AmlWorkspaceRef } from '../core/model/sparkTargets';
import { describeError } from '../core/util/errors';
import { withAccessibleLabel } from '../shared/accessibleItem';

export interface BatchEntry {
  id: number;
  name: string;
  pool: string;
  state: string;
}

export type JobsNode =
  | { kind: 'job'; job: AmlJob; workspace: AmlWorkspaceRef }
  | { kind: 'batch'; batch: BatchEntry }
  | { kind: 'error'; message: string }
  | { kind: 'signIn'; workspace: AmlWorkspaceRef };

const ICONS: Record<string, [string, string?]> = {
  Completed: ['pass', 'testing.iconPassed'],
  Failed: ['error', 'testing.iconFailed'],
  Canceled: ['circle-slash'],
  Running: ['sync~spin'],
  Queued: ['clock'],
  NotStarted: ['clock'],
  success: ['pass', 'testing.iconPassed'],
  dead: ['error', 'testing.iconFailed'],
  killed: ['circle-slash'],
  running: ['sync~spin'],
};

/** Livy's batch states in the words the Jobs view uses for Azure ML jobs. */
function batchState(state: string): string {
  switch (state) {
    case 'not_started':
      return vscode.l10n.t('Not started');
    case 'starting':
      return vscode.l10n.t('Starting');
    case 'running':
    case 'busy':
    case 'idle':
      return vscode.l10n.t('Running');
    case 'success':
      return vscode.l10n.t('Succeeded');
    case 'dead':
    case 'error':
      return vscode.l10n.t('Failed');
    case 'killed':
      return vscode.l10n.t('Canceled');
    case 'shutting_down':
      return vscode.l10n.t('Stopping');
    default:
      return state;
  }
}

function icon(status: string): vscode.ThemeIcon {
  const [id, color] = ICONS[status] ?? ['circle-outline'];
  return new vscode.ThemeIcon(id, color ? new vscode.ThemeColor(color) : undefined);
}

export class JobsTree implements vscode.TreeDataProvider<JobsNode>, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<JobsNode | undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  readonly batches: BatchEntry[] = [];
  /** The root nodes VS Code last loaded, and how many root loads there were (tests read them). */
  lastRoots: JobsNode[] = [];
  /** The workspace those roots list (undefined before a workspace is chosen). */
  lastWorkspace: string | undefined;
  loads = 0;
  /** Root loads started; a load that finishes after a newer one started (say, for another workspace) is stale. */
  private started = 0;

  constructor(
    private readonly arm: () => ArmAccess | undefined,
    private readonly workspace: () => AmlWorkspaceRef | undefined,
  ) {}

  refresh(): void {
    this.changed.fire(undefined);
  }

  getTreeItem(node: JobsNode): vscode.TreeItem {
    return withAccessibleLabel(this.itemOf(node));
  }

  private itemOf(node: JobsNode): vscode.TreeItem {
    if (node.kind === 'error') {
      const item = new vscode.TreeItem(vscode.l10n.t('Could not load jobs: {0}', node.message));
      item.iconPath = new vscode.ThemeIcon('warning');
      item.command = { command: 'synapseSpark.jobs.refresh', title: vscode.l10n.t('Retry') };
      item.tooltip = vscode.l10n.t('Click to retry');
      return item;
    }
    if (node.kind === 'signIn') {
      const item = new vscode.TreeItem(vscode.l10n.t('Sign in to Azure to see the jobs of {0}', node.workspace.name));
      item.iconPath = new vscode.ThemeIcon('account');
      item.command = { command: 'synapseSpark.signIn', title: vscode.l10n.t('Sign In to Azure') };
      return item;
    }
    if (node.kind === 'batch') {
      const b = node.batch;
      const item = new vscode.TreeItem(b.name);
      item.description = vscode.l10n.t('{0} · Spark batch {1} on {2}', batchState(b.state), b.id, b.pool);
      item.tooltip = vscode.l10n.t('{0}: Spark batch {1} on {2} (Livy state: {3}). Click to show its log.', b.name, b.id, b.pool, b.state);
      item.iconPath = icon(b.state);
      item.contextValue = 'synapseSpark.batch';
      item.command = { command: 'synapseSpark.jobs.showBatchLog', title: vscode.l10n.t('Show Spark Batch Log'), arguments: [node] };
      return item;
    }
    const p = node.job.properties;
    const item = new vscode.TreeItem(p.displayName ?? node.job.name);
    const status = p.status ?? 'Unknown';
    item.id = node.job.id;
    item.description = `${status} · ${p.jobType ?? vscode.l10n.t('Job')}`;
    item.tooltip = `${node.job.name}\n${p.experimentName ?? ''}\n${node.job.systemData?.createdAt ?? ''}`;
    item.iconPath = icon(status);
    item.contextValue = !TERMINAL_STATES.has(status)
      ? 'synapseSpark.job.active'
      : status === 'Completed'
        ? 'synapseSpark.job'
        : 'synapseSpark.job.ended';
    item.command = { command: 'synapseSpark.jobs.openRun', title: vscode.l10n.t('Open Run'), arguments: [node] };
    return item;
  }

  async getChildren(node?: JobsNode): Promise<JobsNode[]> {
    if (node) return [];
    const load = ++this.started;
    const workspace = this.workspace();
    const roots = await this.loadRoots();
    // Only the newest load, of the workspace still chosen, is what the view shows.
    if (load === this.started && this.workspace()?.id === workspace?.id) {
      this.lastRoots = roots;
      this.lastWorkspace = workspace?.name;
      this.loads++;
    }
    return roots;
  }

  private async loadRoots(): Promise<JobsNode[]> {
    const batches: JobsNode[] = this.batches.map((batch) => ({ kind: 'batch', batch }));
    const arm = this.arm();
    const ws = this.workspace();
    if (!arm || !ws) return batches;
    if (!arm.signedIn()) return [...batches, { kind: 'signIn', workspace: ws }];
    try {
      const max = vscode.workspace.getConfiguration('synapseSpark.jobs').get<number>('maxListed', 50);
      const jobs = await new AmlWorkspaceClient(arm, ws).listJobs(max);
      return [...batches, ...jobs.map((job): JobsNode => ({ kind: 'job', job, workspace: ws }))];
    } catch (err) {
      return [...batches, { kind: 'error', message: describeError(err) }];
    }
  }

  dispose(): void {
    this.changed.dispose();
  }
}
