import type { PaymentRecord } from './types.js';

/** A stored pending payment and the moment it stops counting, epoch ms. */
export interface PendingEntry {
  readonly record: PaymentRecord;
  readonly expiresAt: number;
}

function compareKeys(createdAt: number, paymentId: string, other: PaymentRecord): number {
  if (createdAt !== other.createdAt) return createdAt < other.createdAt ? -1 : 1;
  if (paymentId === other.paymentId) return 0;
  return paymentId < other.paymentId ? -1 : 1;
}

/**
 * Pending entries kept sorted by (createdAt, paymentId), a unique key since payment ids are.
 * Readers hold a key rather than a position, so entries added or removed while they iterate
 * never make them skip or repeat one. New payments are nearly always the newest, so inserting
 * is usually a push.
 */
export class PendingIndex {
  #entries: PendingEntry[] = [];

  get size(): number {
    return this.#entries.length;
  }

  insert(entry: PendingEntry): void {
    const last = this.#entries[this.#entries.length - 1];
    const { createdAt, paymentId } = entry.record;
    if (last === undefined || compareKeys(createdAt, paymentId, last.record) > 0) {
      this.#entries.push(entry);
      return;
    }
    this.#entries.splice(this.#firstNotBefore(createdAt, paymentId), 0, entry);
  }

  remove(entry: PendingEntry): void {
    const index = this.#firstNotBefore(entry.record.createdAt, entry.record.paymentId);
    if (this.#entries[index] === entry) this.#entries.splice(index, 1);
  }

  /** The first entry, in order. */
  first(): PendingEntry | undefined {
    return this.#entries[0];
  }

  /** The first entry strictly after the key (createdAt, paymentId), whether or not it is held. */
  after(createdAt: number, paymentId: string): PendingEntry | undefined {
    let index = this.#firstNotBefore(createdAt, paymentId);
    const found = this.#entries[index];
    if (found !== undefined && compareKeys(createdAt, paymentId, found.record) === 0) index += 1;
    return this.#entries[index];
  }

  /** Drops every entry `isDead` picks, in one pass rather than a splice per entry. */
  removeWhere(isDead: (entry: PendingEntry) => boolean): void {
    let kept = 0;
    for (const entry of this.#entries) {
      if (!isDead(entry)) this.#entries[kept++] = entry;
    }
    this.#entries.length = kept;
  }

  clear(): void {
    this.#entries = [];
  }

  /** Binary search: the index of the first entry whose key is not before the given one. */
  #firstNotBefore(createdAt: number, paymentId: string): number {
    let low = 0;
    let high = this.#entries.length;
    while (low < high) {
      const middle = (low + high) >>> 1;
      const entry = this.#entries[middle] as PendingEntry;
      if (compareKeys(createdAt, paymentId, entry.record) > 0) low = middle + 1;
      else high = middle;
    }
    return low;
  }
}
