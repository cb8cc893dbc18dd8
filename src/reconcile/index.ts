export { reconcilePending, reconcileResolved, RECONCILE_LOCK_TTL_MS } from './reconcile.js';
export { EVERY_MINUTES_RULE, resolveReconcileOptions } from './options.js';
export type { ReconcileRunOptions, ResolvedReconcileOptions } from './options.js';
export { createReconcileTimer } from './timer.js';
export type { ReconcileTimer, ReconcileTimerOptions } from './timer.js';
export type { ReconcileDeps, ReconcileSummary, StaleInfo, StaleReason } from './types.js';
