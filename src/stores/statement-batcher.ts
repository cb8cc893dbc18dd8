/**
 * Coalesces calls of one kind into one statement over arrays. A call made while fewer than
 * `maxInFlight` statements of its kind are running goes out at once (after the current
 * microtasks, so a burst made in one turn of the event loop travels together); calls made while
 * they are all busy wait for the next one. So an idle service sends each call on its own, with
 * no timer to wait for, and a busy one pays one round trip and one commit for many payments
 * instead of one each.
 */
export class StatementBatcher<Item, Result> {
  readonly #queue: {
    item: Item;
    resolve: (result: Result) => void;
    reject: (error: unknown) => void;
  }[] = [];
  readonly #run: (items: readonly Item[]) => Promise<readonly Result[]>;
  readonly #maxInFlight: number;
  readonly #maxBatch: number;
  #inFlight = 0;
  #scheduled = false;

  /**
   * @param run one statement for `items`, answering one result per item, in their order.
   * @param maxInFlight statements of this kind running at once.
   * @param maxBatch items per statement at the most.
   */
  constructor(
    run: (items: readonly Item[]) => Promise<readonly Result[]>,
    maxInFlight: number,
    maxBatch: number,
  ) {
    this.#run = run;
    this.#maxInFlight = maxInFlight;
    this.#maxBatch = maxBatch;
  }

  add(item: Item): Promise<Result> {
    return new Promise<Result>((resolve, reject) => {
      this.#queue.push({ item, resolve, reject });
      if (this.#inFlight < this.#maxInFlight && !this.#scheduled) {
        this.#scheduled = true;
        queueMicrotask(() => {
          this.#scheduled = false;
          this.#pump();
        });
      }
    });
  }

  #pump(): void {
    while (this.#inFlight < this.#maxInFlight && this.#queue.length > 0) {
      const batch = this.#queue.splice(0, this.#maxBatch);
      this.#inFlight += 1;
      let running: Promise<readonly Result[]>;
      try {
        running = this.#run(batch.map((entry) => entry.item));
      } catch (error) {
        running = Promise.reject(error);
      }
      running
        .then(
          (results) => {
            batch.forEach((entry, i) => entry.resolve(results[i] as Result));
          },
          (error: unknown) => {
            for (const entry of batch) entry.reject(error);
          },
        )
        .finally(() => {
          this.#inFlight -= 1;
          this.#pump();
        })
        .catch(() => undefined);
    }
  }
}
