/**
 * Webview code in a DOM on Node: esbuild bundles a webview-ui module as the extension's build does (it is
 * type-checked by webview-ui/tsconfig.json, not here), and happy-dom runs it in a window of its own with
 * `acquireVsCodeApi` stubbed to record what the webview posts.
 */
import * as path from 'path';
import * as esbuild from 'esbuild';
import { Window } from 'happy-dom';

const repoRoot = path.resolve(__dirname, '..', '..', '..', '..');
const bundles = new Map<string, Promise<string>>();

/** Bundles `entry` (a path from the repository root) into one script, once per test run. */
export function bundle(entry: string): Promise<string> {
  let code = bundles.get(entry);
  if (!code) {
    code = esbuild
      .build({
        entryPoints: [path.join(repoRoot, entry)],
        absWorkingDir: repoRoot,
        bundle: true,
        write: false,
        format: 'iife',
        platform: 'browser',
        target: 'es2022',
        loader: { '.css': 'text' },
        logLevel: 'silent',
      })
      .then((r) => r.outputFiles[0].text);
    bundles.set(entry, code);
  }
  return code;
}

/** An element of the webview's DOM, typed loosely: the tests read and poke what a user or the page would. */
export type El = HTMLLikeElement;
export interface HTMLLikeElement {
  tagName: string;
  textContent: string | null;
  value: string;
  hidden: boolean;
  isConnected: boolean;
  shadowRoot: { querySelector(selector: string): HTMLLikeElement | null } | null;
  classList: { contains(c: string): boolean };
  getAttribute(name: string): string | null;
  hasAttribute(name: string): boolean;
  querySelector(selector: string): HTMLLikeElement | null;
  querySelectorAll(selector: string): Iterable<HTMLLikeElement> & { length: number };
  closest(selector: string): HTMLLikeElement | null;
  dispatchEvent(event: unknown): boolean;
  click(): void;
  focus(): void;
  remove(): void;
  appendChild(child: HTMLLikeElement): HTMLLikeElement;
  [property: string]: unknown;
}

export interface WebviewDom {
  window: Window;
  document: {
    body: El;
    activeElement: El | null;
    createElement(tag: string): El;
    getElementById(id: string): El | null;
    querySelector(s: string): El | null;
  };
  /** What the webview posted, in order (copied as the real channel does). */
  posted: { type: string; [key: string]: unknown }[];
  /** Delivers a message from the extension. */
  send(message: unknown): void;
  /** Waits until the components have rendered (and the drop-downs have read their options). */
  settle(): Promise<void>;
  close(): Promise<void>;
}

/**
 * ElementInternals, which the vscode-elements form controls attach, is not in happy-dom: a stand-in with the
 * calls they make (form value and validity have no part in these webviews).
 */
const ELEMENT_INTERNALS = `HTMLElement.prototype.attachInternals = function () {
  return { setFormValue() {}, setValidity() {}, checkValidity: () => true, reportValidity: () => true,
    validity: { valid: true }, validationMessage: '', willValidate: true, form: null, labels: [], states: new Set() };
};`;

/**
 * A window that ran `script` (a bundle), with `state` as what `getState` returns at first and `l10nBundle` in
 * the page as the extension puts VS Code's bundle there (src/pipelines/webviewHtml.ts).
 */
export function openWebview(script: string, state?: unknown, l10nBundle?: Record<string, string>): WebviewDom {
  const window = new Window({
    url: 'https://webview.test/index.html',
    width: 1200,
    height: 800,
    settings: { enableJavaScriptEvaluation: true, suppressInsecureJavaScriptEnvironmentWarning: true },
  });
  const w = window as unknown as Record<string, unknown> & { eval(code: string): unknown };
  const posted: WebviewDom['posted'] = [];
  let saved = state;
  w.acquireVsCodeApi = () => ({
    postMessage: (m: unknown) => posted.push(JSON.parse(JSON.stringify(m)) as WebviewDom['posted'][number]),
    getState: () => saved,
    setState: (s: unknown) => (saved = s),
  });
  w.eval(ELEMENT_INTERNALS);
  if (l10nBundle) {
    const data = window.document.createElement('script');
    data.setAttribute('type', 'application/json');
    data.id = 'l10n-bundle';
    data.textContent = JSON.stringify(l10nBundle).replace(/</g, '\\u003c');
    window.document.head.appendChild(data);
  }
  w.eval(script);
  const document = window.document as unknown as WebviewDom['document'];
  const nudged = new WeakSet<object>();
  return {
    window,
    document,
    posted,
    send: (message) => window.dispatchEvent(new window.MessageEvent('message', { data: message })),
    settle: async () => {
      for (let round = 0; round < 4; round++) {
        await new Promise((resolve) => setTimeout(resolve, 0));
        for (const el of document.body.querySelectorAll('*')) {
          const done = el.updateComplete as Promise<unknown> | undefined;
          if (done) await done;
        }
        // A browser tells a slot of the nodes it finds when it is created; happy-dom only of nodes added later.
        for (const select of document.body.querySelectorAll('vscode-single-select')) {
          const slot = select.shadowRoot?.querySelector('slot.main-slot');
          if (slot && !nudged.has(select)) {
            nudged.add(select);
            slot.dispatchEvent(new window.Event('slotchange'));
          }
        }
      }
    },
    close: async () => {
      await window.happyDOM.abort();
      await window.happyDOM.close();
    },
  };
}

/** Role and accessible name of each form control under `root`, as assistive technology gets them. */
export function controls(root: El): { role: string; name: string; el: El }[] {
  const out: { role: string; name: string; el: El }[] = [];
  for (const el of root.querySelectorAll('vscode-textfield, vscode-single-select, vscode-button')) {
    if (el.tagName === 'VSCODE-BUTTON') {
      out.push({ role: 'button', name: el.getAttribute('aria-label') ?? el.textContent?.trim() ?? '', el });
    } else {
      const inner = el.shadowRoot?.querySelector(el.tagName === 'VSCODE-TEXTFIELD' ? 'input' : '[role="combobox"]');
      out.push({ role: el.tagName === 'VSCODE-TEXTFIELD' ? 'textbox' : 'combobox', name: inner?.getAttribute('aria-label') ?? '', el });
    }
  }
  return out;
}

/** Types `value` into a text field and commits it (as Enter or leaving the field does). */
export function commitText(field: El, value: string, window: Window): void {
  const input = field.shadowRoot?.querySelector('input');
  if (!input) throw new Error(`${field.tagName} has no inner input`);
  input.value = value;
  input.dispatchEvent(new window.Event('input', { bubbles: true, composed: true }));
  input.dispatchEvent(new window.Event('change', { bubbles: true }));
}

/** Chooses `value` in a drop-down, as picking the option does. */
export function choose(select: El, value: string, window: Window): void {
  select.value = value;
  select.dispatchEvent(new window.Event('change'));
}
