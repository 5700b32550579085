/**
 * Page-at-a-time loading for "load more": wraps an SDK `byPage()` iterator (or any async iterator of
 * pages). A failed page can be retried: the iterator is recreated and the pages already shown are
 * skipped, so a failure never loses or duplicates items and does not depend on continuation tokens
 * (which @azure/arm-synapse does not expose).
 */
export class Pager<T> {
  private iterator: AsyncIterator<T[]> | undefined;
  /** The next page, already requested: how the pager knows it is done without an extra round trip. */
  private lookahead: Promise<IteratorResult<T[]>> | undefined;
  private pagesLoaded = 0;
  private broken = false;
  private finished = false;

  constructor(private readonly open: () => AsyncIterator<T[]>) {}

  /** True once the last page was returned (known as soon as it arrives when the list has no next link). */
  get done(): boolean {
    return this.finished;
  }

  /** The next page's items; `[]` once done. */
  async next(): Promise<T[]> {
    if (this.finished) return [];
    try {
      if (!this.iterator || this.broken) {
        this.iterator = this.open();
        this.broken = false;
        this.lookahead = undefined;
        for (let i = 0; i < this.pagesLoaded; i++) {
          if ((await this.iterator.next()).done) {
            this.finished = true;
            return [];
          }
        }
      }
      const r = await (this.lookahead ?? this.iterator.next());
      this.lookahead = undefined;
      if (r.done) {
        this.finished = true;
        return [];
      }
      this.pagesLoaded++;
      await this.peek();
      return r.value ?? [];
    } catch (e) {
      this.broken = true;
      this.lookahead = undefined;
      throw e;
    }
  }

  /**
   * Asks for the following page. Without a next link the SDK pagers end without I/O, so the answer is
   * there within the current turn and the list is known complete (no "load more" for nothing). Otherwise
   * the request is kept as a prefetch for the next call.
   */
  private async peek(): Promise<void> {
    const la = this.iterator!.next();
    la.catch(() => undefined);
    const now = await Promise.race([
      la.then(
        (x) => ({ x }),
        () => undefined,
      ),
      new Promise<undefined>((r) => setImmediate(() => r(undefined))),
    ]);
    if (now?.x.done) this.finished = true;
    else this.lookahead = la;
  }

  /** Loads at least `min` items (or everything that is left): lists filtered client-side may have short pages. */
  async nextAtLeast(min: number): Promise<T[]> {
    const out: T[] = [];
    do out.push(...(await this.next()));
    while (!this.finished && out.length < min);
    return out;
  }

  async all(): Promise<T[]> {
    const out: T[] = [];
    while (!this.finished) out.push(...(await this.next()));
    return out;
  }
}

/** Maps the items of a page iterator. */
export async function* mapPages<A, B>(pages: AsyncIterable<A[]>, f: (a: A) => B | undefined): AsyncGenerator<B[]> {
  for await (const page of pages) yield page.map(f).filter((b): b is B => b !== undefined);
}
