/** A tiny event emitter for core code (the glue turns it into vscode.Event where needed). */
export interface Disposable {
  dispose(): void;
}

export class Emitter<T = void> {
  private readonly listeners = new Set<(value: T) => void>();

  readonly event = (listener: (value: T) => void): Disposable => {
    this.listeners.add(listener);
    return { dispose: () => this.listeners.delete(listener) };
  };

  fire(value: T): void {
    for (const l of [...this.listeners]) {
      try {
        l(value);
      } catch {
        // A listener's failure is its own; the others still hear the event.
      }
    }
  }

  dispose(): void {
    this.listeners.clear();
  }
}
