/** The `synapseSpark.notebook.*` settings, read on every use so changes apply without a reload. */
import * as vscode from 'vscode';
import type { Logger } from '../core/util/logger';
import { validateSessionConfig, type SessionConfig } from '../core/notebook/configure';
import type { NotebookSettings, SessionSharing } from '../core/notebook/sessionRegistry';
import { DEFAULT_SQL_ROW_LIMIT, type OutputLimits } from '../core/notebook/outputs';

const SECTION = 'synapseSpark.notebook';

export class VsCodeNotebookSettings implements NotebookSettings {
  private warned = '';

  constructor(private readonly log: Logger) {}

  private get config(): vscode.WorkspaceConfiguration {
    return vscode.workspace.getConfiguration(SECTION);
  }

  sessionDefaults(): SessionConfig {
    const c = this.config;
    const raw: Record<string, unknown> = {};
    for (const key of ['driverMemory', 'executorMemory'] as const) {
      const v = c.get<string>(`session.${key}`, '');
      if (v) raw[key] = v;
    }
    for (const key of ['driverCores', 'executorCores', 'numExecutors'] as const) {
      const v = c.get<number>(`session.${key}`, 0);
      if (v) raw[key] = v;
    }
    const conf = { ...c.get<Record<string, unknown>>('session.conf', {}) };
    // How many rows of a SQL result the session returns (Livy's own setting; a conf entry of the user's wins).
    if (conf['livy.rsc.sql.num-rows'] === undefined && this.sqlRowLimit() !== DEFAULT_SQL_ROW_LIMIT)
      conf['livy.rsc.sql.num-rows'] = String(this.sqlRowLimit());
    if (Object.keys(conf).length) raw.conf = conf;
    const result = validateSessionConfig(raw, 'The synapseSpark.notebook.session settings');
    if ('error' in result) {
      if (this.warned !== result.error) this.log.warn(`${result.error} They are ignored.`);
      this.warned = result.error;
      return {};
    }
    return result.config;
  }

  idleShutdownMinutes(): number {
    return Math.max(0, this.config.get<number>('idleShutdownMinutes', 30));
  }

  outputLimits(): OutputLimits {
    return {
      maxBytes: Math.max(1, this.config.get<number>('outputLimitKB', 1024)) * 1024,
      textTableRows: 50,
      sqlRowLimit: this.sqlRowLimit(),
    };
  }

  private sqlRowLimit(): number {
    const v = this.config.get<number>('sqlRowLimit', DEFAULT_SQL_ROW_LIMIT);
    return Number.isInteger(v) && v > 0 ? Math.min(v, 1_000_000) : DEFAULT_SQL_ROW_LIMIT;
  }

  sparkProgress(): boolean {
    return this.config.get<boolean>('sparkProgress', true);
  }

  prewarm(): boolean {
    return this.config.get<boolean>('prewarm', false);
  }

  sessionSharing(): SessionSharing {
    return this.config.get<string>('sessionSharing', 'perNotebook') === 'sharedPerPool' ? 'sharedPerPool' : 'perNotebook';
  }

  deleteSessionOnClose(): boolean {
    return this.config.get<boolean>('deleteSessionOnClose', true);
  }
}
