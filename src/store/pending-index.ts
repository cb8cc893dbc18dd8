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
 * Entries per chunk. A chunk is split when it doubles, so a splice inside one moves at most
 * 2 × this many references: cheap enough that reconciliation deleting the oldest of a million
 * pending payments stays in the microseconds.
 */
const CHUNK_SIZE = 512;

/**
 * Pending entries kept sorted by (createdAt, paymentId), a unique key since payment ids are.
 * Readers hold a key rather than a position, so entries added or removed while they iterate
 * never make them skip or repeat one.
 *
 * Stored as a list of sorted chunks (each at most 2 × {@link CHUNK_SIZE} long) rather than one
 * array: finding a key is two binary searches, and inserting or removing one splices a single
 * small chunk instead of shifting every entry after it. The list of chunks itself is touched
 * only when a chunk splits or empties, and holds n / CHUNK_SIZE references.
 */
export class PendingIndex {
  /** Never holds an empty chunk. */
  #chunks: PendingEntry[][] = [];
  #size = 0;

  get size(): number {
    return this.#size;
  }

  insert(entry: PendingEntry): void {
    const { createdAt, paymentId } = entry.record;
    const lastChunk = this.#chunks[this.#chunks.length - 1];
    if (lastChunk === undefined) {
      this.#chunks.push([entry]);
      this.#size = 1;
      return;
    }
    // New payments are nearly always the newest: an append to the last chunk.
    let chunkIndex = this.#chunks.length - 1;
    let chunk = lastChunk;
    const last = chunk[chunk.length - 1] as PendingEntry;
    if (compareKeys(createdAt, paymentId, last.record) > 0) {
      chunk.push(entry);
    } else {
      chunkIndex = this.#chunkFor(createdAt, paymentId);
      chunk = this.#chunks[chunkIndex] as PendingEntry[];
      chunk.splice(firstNotBefore(chunk, createdAt, paymentId), 0, entry);
    }
    this.#size += 1;
    if (chunk.length >= 2 * CHUNK_SIZE) {
      this.#chunks.splice(chunkIndex + 1, 0, chunk.splice(CHUNK_SIZE));
    }
  }

  remove(entry: PendingEntry): void {
    const { createdAt, paymentId } = entry.record;
    const chunkIndex = this.#chunkFor(createdAt, paymentId);
    const chunk = this.#chunks[chunkIndex];
    if (chunk === undefined) return;
    const index = firstNotBefore(chunk, createdAt, paymentId);
    if (chunk[index] !== entry) return;
    // The oldest entry goes first when reconciling: shift() is cheaper than splice(0, 1).
    if (index === 0) chunk.shift();
    else chunk.splice(index, 1);
    this.#size -= 1;
    if (chunk.length === 0) this.#chunks.splice(chunkIndex, 1);
  }

  /** The first entry, in order. */
  first(): PendingEntry | undefined {
    return this.#chunks[0]?.[0];
  }

  /** The first entry strictly after the key (createdAt, paymentId), whether or not it is held. */
  after(createdAt: number, paymentId: string): PendingEntry | undefined {
    let chunkIndex = this.#chunkFor(createdAt, paymentId);
    const chunk = this.#chunks[chunkIndex];
    if (chunk === undefined) return undefined;
    let index = firstNotBefore(chunk, createdAt, paymentId);
    const found = chunk[index];
    if (found !== undefined && compareKeys(createdAt, paymentId, found.record) === 0) index += 1;
    if (index < chunk.length) return chunk[index];
    chunkIndex += 1;
    return this.#chunks[chunkIndex]?.[0];
  }

  /** Drops every entry `isDead` picks, in one pass rather than a splice per entry. */
  removeWhere(isDead: (entry: PendingEntry) => boolean): void {
    const kept: PendingEntry[][] = [];
    let size = 0;
    for (const chunk of this.#chunks) {
      const live = chunk.filter((entry) => !isDead(entry));
      if (live.length === 0) continue;
      // Merge small neighbours so that many deletions do not leave many tiny chunks.
      const previous = kept[kept.length - 1];
      if (previous !== undefined && previous.length + live.length <= CHUNK_SIZE) {
        for (const entry of live) previous.push(entry);
      } else {
        kept.push(live);
      }
      size += live.length;
    }
    this.#chunks = kept;
    this.#size = size;
  }

  clear(): void {
    this.#chunks = [];
    this.#size = 0;
  }

  /**
   * The chunk where the key is or would go: the first whose last entry is not before the key,
   * or the last chunk when the key is after everything.
   */
  #chunkFor(createdAt: number, paymentId: string): number {
    let low = 0;
    let high = this.#chunks.length - 1;
    if (high < 0) return 0;
    while (low < high) {
      const middle = (low + high) >>> 1;
      const chunk = this.#chunks[middle] as PendingEntry[];
      const last = chunk[chunk.length - 1] as PendingEntry;
      if (compareKeys(createdAt, paymentId, last.record) > 0) low = middle + 1;
      else high = middle;
    }
    return low;
  }
}

/** Binary search: the index of the first entry whose key is not before the given one. */
function firstNotBefore(
  entries: readonly PendingEntry[],
  createdAt: number,
  paymentId: string,
): number {
  let low = 0;
  let high = entries.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    const entry = entries[middle] as PendingEntry;
    if (compareKeys(createdAt, paymentId, entry.record) > 0) low = middle + 1;
    else high = middle;
  }
  return low;
}
