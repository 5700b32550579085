import * as vscode from 'vscode';
import type { Logger } from '../core/util/logger';
import { UserFacingError, describeError, isCancellation } from '../core/util/errors';
import { redact } from '../core/util/redact';
import { directRegistrations, type CommandHandler, type Registrations } from '../shell/registrations';

export type { CommandHandler };

/** Shows an error with its action titles; answers the chosen title (undefined when dismissed). */
export type ErrorPresenter = (message: string, ...actions: string[]) => PromiseLike<string | undefined>;

const showError: ErrorPresenter = (message, ...actions) => vscode.window.showErrorMessage(message, ...actions);

/**
 * Registers commands so that each one runs inside the same error boundary: a cancelled action
 * stays quiet, any other failure is logged and shown once with its next steps. In the test host
 * (SYNAPSE_COMMANDS_RETHROW=1) the failure also rejects `executeCommand`, so a test of a command fails
 * when the command does.
 */
export class CommandRunner {
  private readonly registered = new Set<string>();
  private presentError: ErrorPresenter = showError;

  constructor(
    private readonly log: Logger,
    private readonly subscriptions: vscode.Disposable[],
    private readonly registrations: Pick<Registrations, 'command'> = directRegistrations,
    private readonly rethrow = process.env.SYNAPSE_COMMANDS_RETHROW === '1',
  ) {}

  register(id: string, handler: CommandHandler): void {
    this.registered.add(id);
    this.subscriptions.push(this.registrations.command(id, (...args: unknown[]) => this.run(id, () => handler(...args))));
  }

  /** Replaces how failures are shown (tests script the answer); undefined restores VS Code's error message. */
  useErrorPresenter(presenter: ErrorPresenter | undefined): void {
    this.presentError = presenter ?? showError;
  }

  /** Command ids registered through this runner (the manifest check compares them with package.json). */
  get ids(): ReadonlySet<string> {
    return this.registered;
  }

  async run<T>(id: string, action: () => T | Promise<T>): Promise<T | undefined> {
    try {
      return await action();
    } catch (err) {
      if (isCancellation(err)) {
        this.log.debug(`${id}: cancelled`);
        return undefined;
      }
      // A UserFacingError is an expected failure with its own explanation: log that (and its cause), not a stack trace.
      if (err instanceof UserFacingError) {
        const cause =
          err.cause instanceof Error && err.cause.message !== err.message ? ` (cause: ${err.cause.name}: ${err.cause.message})` : '';
        this.log.error(`${id}: ${err.message}${cause}`);
      } else {
        this.log.error(err instanceof Error ? err : describeError(err));
      }
      void this.show(err);
      if (this.rethrow) throw err;
      return undefined;
    }
  }

  private async show(err: unknown): Promise<void> {
    const message = redact(describeError(err));
    const actions = err instanceof UserFacingError ? err.actions : [];
    const showLog = vscode.l10n.t('Show Log');
    const titles = [...actions.map((a) => a.title), showLog];
    const picked = await this.presentError(message, ...titles);
    if (picked === showLog) {
      await vscode.commands.executeCommand('synapseSpark.showLog');
      return;
    }
    const action = actions.find((a) => a.title === picked);
    if (action) await vscode.commands.executeCommand(action.command, ...(action.args ?? []));
  }
}
