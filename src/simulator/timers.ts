/** Timers for delayed responses: unref'd so they never hold a process open, and cancellable. */
export class Timers {
  private readonly pending = new Set<NodeJS.Timeout>();

  set(fn: () => void, ms: number): void {
    const timer = setTimeout(() => {
      this.pending.delete(timer);
      fn();
    }, ms);
    timer.unref();
    this.pending.add(timer);
  }

  delay(ms: number): Promise<void> {
    return new Promise((resolve) => this.set(resolve, ms));
  }

  clear(): void {
    for (const timer of this.pending) clearTimeout(timer);
    this.pending.clear();
  }
}
