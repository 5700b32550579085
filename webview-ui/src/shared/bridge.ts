/**
 * The webview side of a message protocol: validated receipt, a `ready` handshake, and requests with ids
 * that fail after a timeout when the extension does not answer.
 */
import * as l10n from '@vscode/l10n';
import { REQUEST_TIMEOUT_MS } from '../../../src/protocol/messages';

interface VsCodeApi {
  postMessage(message: unknown): void;
  getState(): unknown;
  setState(state: unknown): void;
}
declare function acquireVsCodeApi(): VsCodeApi;

export class Bridge<In extends { type: string }, Out extends { type: string }> {
  private readonly vscode = acquireVsCodeApi();
  private nextId = 1;
  private readonly pending = new Map<
    number,
    { resolve: (v: In) => void; reject: (e: Error) => void; timer: ReturnType<typeof setTimeout> }
  >();

  constructor(parse: (v: unknown) => In | undefined, onMessage: (m: In) => void) {
    window.addEventListener('message', (event: MessageEvent) => {
      const message = parse(event.data);
      if (!message) {
        console.warn('dropped a malformed message', event.data);
        return;
      }
      const id = (message as { requestId?: number }).requestId;
      if (message.type === 'result' && id !== undefined && this.pending.has(id)) {
        const p = this.pending.get(id)!;
        clearTimeout(p.timer);
        this.pending.delete(id);
        p.resolve(message);
        return;
      }
      onMessage(message);
    });
  }

  post(message: Out): void {
    this.vscode.postMessage(message);
  }

  /** Sends a message with a fresh requestId and resolves with its `result`. */
  request(message: Omit<Out, 'requestId'> & { type: string }): Promise<In> {
    const requestId = this.nextId++;
    return new Promise<In>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(requestId);
        reject(new Error(l10n.t('No answer within {0} s.', REQUEST_TIMEOUT_MS / 1000)));
      }, REQUEST_TIMEOUT_MS);
      this.pending.set(requestId, { resolve, reject, timer });
      this.vscode.postMessage({ ...message, requestId });
    });
  }

  get state(): unknown {
    return this.vscode.getState();
  }

  set state(value: unknown) {
    this.vscode.setState(value);
  }
}
