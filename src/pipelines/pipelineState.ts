/**
 * What the pipeline and job commands share: the ARM access and pool catalog (replaceable by tests), the Azure
 * ML workspace remembered for this folder, and the attached pools and workspace computes, cached until the
 * catalog says something changed.
 */
import * as vscode from 'vscode';
import { AmlWorkspaceClient } from '../core/jobs/amlWorkspaceClient';
import type { ArmAccess } from '../core/model/armAccess';
import type { AmlWorkspaceRef, AttachedSparkPool, SparkPoolCatalog } from '../core/model/sparkTargets';
import { describeError, UserCancelledError, UserFacingError } from '../core/util/errors';
import type { Logger } from '../core/util/logger';

const WORKSPACE_KEY = 'synapseSpark.pipelines.workspace';

const signInFirst = (why: string) =>
  new UserFacingError(vscode.l10n.t('Sign in to Azure first: {0}', why), [
    { title: vscode.l10n.t('Sign In'), command: 'synapseSpark.signIn' },
    { title: vscode.l10n.t('Open Settings'), command: 'synapseSpark.openSettings' },
  ]);

export class PipelineState implements vscode.Disposable {
  private pools: Promise<AttachedSparkPool[]> | undefined;
  private computesCache: { id: string; names: Promise<string[] | undefined> } | undefined;
  private catalogSubscription: { dispose(): void } | undefined;
  private readonly accessChanged = new vscode.EventEmitter<void>();
  private readonly workspaceChosen = new vscode.EventEmitter<void>();
  /** The catalog changed (sign-in/out, subscription choice, attach, detach), or tests replaced the access. */
  readonly onDidChangeAccess = this.accessChanged.event;
  /** A workspace was chosen (and remembered) for this folder. */
  readonly onDidChooseWorkspace = this.workspaceChosen.event;

  constructor(
    private readonly context: vscode.ExtensionContext,
    private readonly log: Logger,
    private currentArm: ArmAccess | undefined,
    private currentCatalog: SparkPoolCatalog | undefined,
  ) {
    this.catalogSubscription = this.subscribe(currentCatalog);
  }

  get arm(): ArmAccess | undefined {
    return this.currentArm;
  }

  get catalog(): SparkPoolCatalog | undefined {
    return this.currentCatalog;
  }

  requireArm(): ArmAccess {
    if (!this.currentArm?.signedIn()) throw signInFirst(vscode.l10n.t('submitting and following jobs needs an Azure account.'));
    return this.currentArm;
  }

  requireCatalog(): SparkPoolCatalog {
    if (!this.currentCatalog) throw signInFirst(vscode.l10n.t('no attached Spark pools are known yet.'));
    return this.currentCatalog;
  }

  rememberedWorkspace(): AmlWorkspaceRef | undefined {
    return this.context.workspaceState.get<AmlWorkspaceRef>(WORKSPACE_KEY);
  }

  /** Attached pools, cached until the catalog says something changed. */
  attachedPools(): Promise<AttachedSparkPool[]> {
    const catalog = this.currentCatalog;
    if (!catalog) return Promise.resolve([]);
    this.pools ??= catalog.listAttachedPools().catch((err) => {
      this.log.warn(`Listing attached Spark pools failed: ${describeError(err)}`);
      this.pools = undefined;
      return [];
    });
    return this.pools;
  }

  /** The compute names of the remembered workspace (undefined when none is remembered or they cannot be read). */
  workspaceComputes(): Promise<string[] | undefined> | undefined {
    const ws = this.rememberedWorkspace();
    if (!ws || !this.currentArm) return undefined;
    if (this.computesCache?.id !== ws.id)
      this.computesCache = { id: ws.id, names: new AmlWorkspaceClient(this.currentArm, ws).computeNames().catch(() => undefined) };
    return this.computesCache.names;
  }

  /**
   * The Azure ML workspace to use: `workspaceId` when given, else the one remembered for this folder, else a
   * quick pick. `ask` shows the pick even when one is remembered; `title` is the pick's question.
   */
  async pickWorkspace(access: ArmAccess, workspaceId?: string, pick: { ask?: boolean; title?: string } = {}): Promise<AmlWorkspaceRef> {
    const remembered = this.rememberedWorkspace();
    if (
      !pick.ask &&
      !workspaceId &&
      remembered &&
      vscode.workspace.getConfiguration('synapseSpark.pipelines').get<boolean>('rememberWorkspace', true)
    )
      return remembered;
    const all = await access.listAmlWorkspaces();
    let chosen: AmlWorkspaceRef | undefined;
    if (workspaceId) {
      chosen = all.find((w) => w.id.toLowerCase() === workspaceId.toLowerCase() || w.name === workspaceId);
      if (!chosen) throw new UserFacingError(vscode.l10n.t("Azure ML workspace '{0}' was not found.", workspaceId));
    } else {
      if (all.length === 0) throw new UserFacingError(vscode.l10n.t('No Azure ML workspaces are visible to the signed-in account.'));
      const items = all
        .map((w) => ({ label: w.name, description: `${w.resourceGroup} · ${w.subscriptionId}`, w }))
        .sort((a, b) => Number(b.w.id === remembered?.id) - Number(a.w.id === remembered?.id));
      const picked = await vscode.window.showQuickPick(items, {
        title: pick.title ?? vscode.l10n.t('Submit to which Azure ML workspace?'),
        placeHolder: vscode.l10n.t('The choice is remembered for this folder'),
      });
      if (!picked) throw new UserCancelledError();
      chosen = picked.w;
    }
    await this.context.workspaceState.update(WORKSPACE_KEY, chosen);
    this.computesCache = undefined;
    this.workspaceChosen.fire();
    return chosen;
  }

  /** Replaces the ARM access and pool catalog (tests use the emulator's service principal). */
  useAccess(arm: ArmAccess, catalog: SparkPoolCatalog): void {
    this.currentArm = arm;
    this.currentCatalog = catalog;
    this.catalogSubscription?.dispose();
    this.catalogSubscription = this.subscribe(catalog);
    this.changed();
  }

  dispose(): void {
    this.catalogSubscription?.dispose();
    this.accessChanged.dispose();
    this.workspaceChosen.dispose();
  }

  private subscribe(catalog: SparkPoolCatalog | undefined) {
    return catalog?.onDidChange(() => this.changed());
  }

  private changed(): void {
    this.pools = undefined;
    this.computesCache = undefined;
    this.accessChanged.fire();
  }
}
