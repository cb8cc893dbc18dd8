export type {
  Awaitable,
  PaymentRecord,
  PaymentStore,
  SettlementBegin,
  SettlementLease,
  SettlementState,
} from './types.js';
export { MemoryStore } from './memory-store.js';
export type { MemoryStoreOptions } from './memory-store.js';
export { storeConformanceChecks } from './conformance.js';
export type { StoreConformanceCheck, StoreConformanceOptions } from './conformance.js';
