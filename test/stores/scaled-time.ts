import { storeConformanceChecks } from '../../src/store';
import type { StoreConformanceCheck } from '../../src/store';
import type { PaymentRecord, PaymentStore, SettlementBegin } from '../../src/store/types';
import { sleep } from '../helpers/store-servers';

/**
 * A real server cannot have its clock moved, and the conformance TTL checks wait up to 190
 * seconds. This runs them on real time, `scale` times faster: every ttl, lease and retention
 * handed to the store is divided by `scale`, and advanceTime sleeps ms / scale.
 */
export class ScaledTimeStore implements PaymentStore {
  constructor(
    readonly inner: PaymentStore,
    readonly scale: number,
    readonly onClose: () => Promise<void>,
  ) {}
  #ms(ms: number): number {
    return Math.max(1, Math.round(ms / this.scale));
  }
  savePending(record: PaymentRecord, ttlMs: number) {
    return this.inner.savePending(record, this.#ms(ttlMs));
  }
  deletePending(paymentId: string) {
    return this.inner.deletePending(paymentId);
  }
  listPending(createdBefore: number) {
    return this.inner.listPending(createdBefore);
  }
  saveReturnId(returnId: string, record: PaymentRecord, ttlMs: number) {
    return this.inner.saveReturnId(returnId, record, this.#ms(ttlMs));
  }
  getReturnId(returnId: string) {
    return this.inner.getReturnId(returnId);
  }
  claim(key: string, ttlMs: number) {
    return this.inner.claim(key, this.#ms(ttlMs));
  }
  release(key: string) {
    return this.inner.release(key);
  }
  beginSettlement(key: string, leaseMs: number): Promise<SettlementBegin> | SettlementBegin {
    return this.inner.beginSettlement(key, this.#ms(leaseMs));
  }
  renewSettlement(key: string, token: string, leaseMs: number) {
    return this.inner.renewSettlement(key, token, this.#ms(leaseMs));
  }
  commitSettlement(key: string, token: string, retentionMs: number) {
    return this.inner.commitSettlement(key, token, this.#ms(retentionMs));
  }
  releaseSettlement(key: string, token: string) {
    return this.inner.releaseSettlement(key, token);
  }
  getPending(paymentId: string) {
    return this.inner.getPending(paymentId);
  }
  markDue(paymentId: string) {
    return this.inner.markDue(paymentId);
  }
  listDue() {
    return this.inner.listDue();
  }
  #closed = false;
  /** Closes the store and its connection once; the conformance checks may call it twice. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await this.inner.close?.();
    await this.onClose();
  }
}

/**
 * Registers every conformance check, shared-store checks included, against stores from
 * `open` (each its own connection). The timed checks run at `scale`× speed, side by side, so
 * the file takes seconds rather than minutes; their margins stay at hundreds of milliseconds.
 */
export function registerConformance(
  open: () => Promise<{ store: PaymentStore; close: () => Promise<void> }>,
  scale = 20,
): void {
  const create = async (): Promise<PaymentStore> => {
    const { store, close } = await open();
    return new ScaledTimeStore(store, scale, close);
  };
  const untimed = new Set(storeConformanceChecks(create, { shared: true }).map((c) => c.name));
  const checks: StoreConformanceCheck[] = storeConformanceChecks(create, {
    shared: true,
    advanceTime: (ms) => sleep(ms / scale),
  });
  for (const check of checks) {
    if (untimed.has(check.name)) it(check.name, () => check.run());
    else it.concurrent(check.name, () => check.run(), 60_000);
  }
}
