/**
 * The payments waiting to be read and settled after their webhooks, worked through a few at a
 * time. GOV.UK Pay limits reads per account (about 75 a second, FACTS §13), shared with the
 * citizens' returns and reconciliation, so a burst of webhooks, such as GOV.UK Pay's retries
 * after an outage here, must not become a burst of GETs. Nothing is lost by waiting or by being
 * turned away: each payment is marked due in the store before it is queued, and reconciliation
 * takes due payments first.
 */
export interface SettleQueue<T> {
  /** Queues `item` under `key` unless it is already waiting; false when turned away. */
  add(key: string, item: T): boolean;
  /** How many are waiting (not yet started). */
  readonly waiting: number;
  /** Starts nothing more; resolves once the work already started has finished. */
  close(): Promise<void>;
}

export interface SettleQueueOptions<T> {
  /** Most items worked on at once. */
  concurrency: number;
  /** Most items waiting; more are turned away. */
  maxWaiting: number;
  /** Never rejects: it logs its own failures. */
  work: (item: T) => Promise<void>;
}

export function createSettleQueue<T>(options: SettleQueueOptions<T>): SettleQueue<T> {
  const { concurrency, maxWaiting, work } = options;
  // Insertion order is arrival order; a second message about a waiting payment adds nothing.
  const waiting = new Map<string, T>();
  const running = new Set<Promise<void>>();
  let closed = false;

  function pump(): void {
    while (!closed && running.size < concurrency) {
      const next = waiting.entries().next();
      if (next.done === true) return;
      const [key, item] = next.value;
      waiting.delete(key);
      const task: Promise<void> = work(item)
        .catch(() => undefined)
        .finally(() => {
          running.delete(task);
          pump();
        });
      running.add(task);
    }
  }

  return {
    add(key, item) {
      if (closed || waiting.size >= maxWaiting) return false;
      if (!waiting.has(key)) waiting.set(key, item);
      pump();
      return true;
    },
    get waiting() {
      return waiting.size;
    },
    async close() {
      closed = true;
      waiting.clear();
      while (running.size > 0) await Promise.allSettled([...running]);
    },
  };
}
