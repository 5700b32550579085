/**
 * A CommandUi whose answers are scripted by the test: each prompt takes the next step, and a prompt that
 * does not match the step (or comes when none is left) is recorded as unexpected and cancels the command,
 * so a test fails on an unexpected prompt instead of hanging.
 */
import { WizardBack, type CommandUi, type PickItem } from '../../src/shared/ui';

export type Step =
  | { pick: string | RegExp }
  | { pickMany: Array<string | RegExp> }
  | { input: string }
  | { confirm: boolean }
  | { secret: string }
  /** An error message matching `error`; `choose` is the action button to press (none: dismiss it). */
  | { error: string | RegExp; choose?: string }
  /** The Back button of a wizard's pick or input (a prompt without one is unexpected). */
  | { back: true }
  /** An information message matching `info` whose action `choose` is pressed (unscripted ones are only recorded). */
  | { info: string | RegExp; choose: string };

const matches = (label: string, want: string | RegExp) => (typeof want === 'string' ? label === want : want.test(label));

export class ScriptedUi implements CommandUi {
  readonly unexpected: string[] = [];
  readonly infos: string[] = [];
  readonly progressTitles: string[] = [];
  readonly validationMessages: Array<string | undefined> = [];
  /** Error messages shown, with their action titles. */
  readonly errors: Array<{ message: string; actions: string[] }> = [];
  /** Titles of every prompt, in order. */
  readonly titles: string[] = [];
  /** Progress tasks (long-running operations) still running. */
  running = 0;
  /** Progress whose title matches is cancelled (as with its Cancel button) when its task first reports. */
  cancelProgress: RegExp | undefined;
  private steps: Step[] = [];

  script(...steps: Step[]): this {
    this.steps.push(...steps);
    return this;
  }

  get remaining(): number {
    return this.steps.length;
  }

  private take<K extends string>(kind: K, title: string): Extract<Step, Record<K, unknown>> {
    this.titles.push(title);
    const step = this.steps.shift();
    if (!step || !(kind in step)) {
      this.unexpected.push(`${kind}: ${title}`);
      const e = new Error(`Unexpected ${kind} prompt "${title}"`);
      e.name = 'AbortError'; // cancel the command quietly; the test checks `unexpected`
      throw e;
    }
    return step as Extract<Step, Record<K, unknown>>;
  }

  /** When the next step is Back: takes it and rejects as the Back button does (unexpected without one). */
  private backIfScripted(title: string, hasBack: boolean | undefined): void {
    const next = this.steps[0];
    if (!next || !('back' in next)) return;
    this.take('back', title);
    if (!hasBack) {
      this.unexpected.push(`back: "${title}" has no Back button`);
      throw Object.assign(new Error('no Back button'), { name: 'AbortError' });
    }
    throw new WizardBack();
  }

  async pick<T>(items: PickItem<T>[] | Promise<PickItem<T>[]>, options: { title: string; back?: boolean }): Promise<T> {
    this.backIfScripted(options.title, options.back);
    const step = this.take('pick', options.title);
    const list = await items;
    const found = list.find((i) => matches(i.label, step.pick));
    if (!found) {
      this.unexpected.push(`pick "${String(step.pick)}" not among ${list.map((i) => i.label).join(', ')}`);
      throw Object.assign(new Error('no such item'), { name: 'AbortError' });
    }
    return found.value;
  }

  async pickMany<T>(items: PickItem<T>[] | Promise<PickItem<T>[]>, options: { title: string }): Promise<T[]> {
    const step = this.take('pickMany', options.title);
    const list = await items;
    return list.filter((i) => step.pickMany.some((w) => matches(i.label, w))).map((i) => i.value);
  }

  /** Inputs given, with the value each box opened with (tests check that Back keeps what was typed). */
  readonly inputValues: Array<string | undefined> = [];

  async input(options: { title: string; value?: string; validate?: (v: string) => string | undefined; back?: boolean }): Promise<string> {
    this.inputValues.push(options.value);
    this.backIfScripted(options.title, options.back);
    const step = this.take('input', options.title);
    const problem = options.validate?.(step.input);
    this.validationMessages.push(problem);
    if (problem) {
      this.unexpected.push(`input "${step.input}" refused: ${problem}`);
      throw Object.assign(new Error(problem), { name: 'AbortError' });
    }
    return step.input;
  }

  /** The detail line of every confirmation asked, in order. */
  readonly confirmDetails: string[] = [];

  async confirm(message: string, detail?: string): Promise<void> {
    this.confirmDetails.push(detail ?? '');
    const step = this.take('confirm', message);
    if (!step.confirm) throw Object.assign(new Error('declined'), { name: 'AbortError' });
  }

  async progress<T>(title: string, task: (report: (r: { message: string }) => void, signal: AbortSignal) => Promise<T>): Promise<T> {
    this.progressTitles.push(title);
    this.running++;
    try {
      const controller = new AbortController();
      const cancel = this.cancelProgress?.test(title);
      return await task(() => {
        if (cancel) controller.abort();
      }, controller.signal);
    } finally {
      this.running--;
    }
  }

  async info(message: string, ...actions: string[]): Promise<string | undefined> {
    this.infos.push(message);
    const step = this.steps[0];
    if (!step || !('info' in step) || !matches(message, step.info)) return undefined;
    this.steps.shift();
    if (!actions.includes(step.choose)) {
      this.unexpected.push(`info action "${step.choose}" not among ${actions.join(', ')}`);
      return undefined;
    }
    return step.choose;
  }

  /** Never throws (the runner shows errors without awaiting them): a mismatch is recorded in `unexpected`. */
  async error(message: string, ...actions: string[]): Promise<string | undefined> {
    this.errors.push({ message, actions });
    const step = this.steps[0];
    if (!step || !('error' in step)) {
      this.unexpected.push(`error: ${message}`);
      return undefined;
    }
    this.steps.shift();
    this.titles.push(message);
    if (!matches(message, step.error)) {
      this.unexpected.push(`error "${message}" does not match ${String(step.error)}`);
      return undefined;
    }
    if (step.choose !== undefined && !actions.includes(step.choose)) {
      this.unexpected.push(`error action "${step.choose}" not among ${actions.join(', ')}`);
      return undefined;
    }
    return step.choose;
  }

  async secret(prompt: string): Promise<string | undefined> {
    return this.take('secret', prompt).secret;
  }
}
