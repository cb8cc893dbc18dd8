import { randomBytes } from 'node:crypto';
import { numberOption, optionsObject, rejectUnknownKeys } from '../options/index.js';
import type { ReconcileSummary } from '../reconcile/index.js';
import type { PaymentStore } from '../store/index.js';
import type { WebhookReceiver } from '../webhooks/index.js';
import type { JourneyReconciler } from './reconcile-wiring.js';
import { safeErrorLabel } from './reconcile-wiring.js';

/** Options of `journey.health()`. */
export interface HealthCheckOptions {
  /**
   * How long the store may take to answer the probe, in milliseconds (1 to 60000). Keep it below
   * the timeout of whatever polls the health endpoint.
   * @default 2000
   */
  timeoutMs?: number;
}

/** The store's answer to one cheap read. */
export type StoreHealth =
  | { ok: true; latencyMs: number }
  | {
      ok: false;
      latencyMs: number;
      /** `timeout`, the store error's code (e.g. `ECONNREFUSED`), or its class name. */
      error: string;
    };

/** The last reconciliation run this process has seen end. Times are ISO 8601. */
export interface ReconcileRunHealth {
  startedAt: string;
  finishedAt: string;
  durationMs: number;
  /** False when the run failed as a whole (the store was down, say). */
  ok: boolean;
  /** The failure's code or class name; null when the run ended normally. */
  error: string | null;
  /** Counts only, never a payment id; null when the run failed. */
  summary: ReconcileSummary | null;
}

export interface ReconcileHealth {
  /** Minutes between the timer's runs; null when runs come only from `journey.reconcile()`. */
  everyMinutes: number | null;
  /** True while a run is in flight. */
  running: boolean;
  /** Null until a run has ended in this process. */
  lastRun: ReconcileRunHealth | null;
}

/** Webhook requests this process has received. Times are ISO 8601. */
export interface WebhooksHealth {
  /** Requests whose Pay-Signature matched one of `webhooks.secrets`, duplicates included. */
  deliveries: number;
  lastDeliveryAt: string | null;
  /** Requests refused for a missing or wrong Pay-Signature: a rotated secret, or forgeries. */
  verificationFailures: number;
  lastVerificationFailureAt: string | null;
}

/** What `journey.health()` resolves to: plain data, ready for `res.json()`. */
export interface JourneyHealth {
  /** The store answered in time: answer the health endpoint 200 when true, 503 when false. */
  ok: boolean;
  /** When this check was made, ISO 8601, on the journey's clock. */
  checkedAt: string;
  store: StoreHealth;
  reconcile: ReconcileHealth;
  /** Present only when `webhooks` is configured. */
  webhooks?: WebhooksHealth;
}

export interface JourneyHealthDeps {
  store: PaymentStore;
  reconciler: JourneyReconciler;
  webhooks: WebhookReceiver | undefined;
  everyMinutes: number | undefined;
  now: () => number;
}

export const DEFAULT_HEALTH_TIMEOUT_MS = 2000;
const HEALTH_TIMEOUT_RULE = { min: 1, max: 60_000, integer: true, unit: 'milliseconds' };

function iso(epochMs: number | null): string | null {
  return epochMs === null ? null : new Date(epochMs).toISOString();
}

/**
 * One read a store answers cheaply and that touches no payment: a return id that cannot exist
 * (random, and shaped as real ones so every store accepts it).
 */
async function probeStore(store: PaymentStore, timeoutMs: number): Promise<StoreHealth> {
  const started = performance.now();
  const latencyMs = (): number => Math.round(performance.now() - started);
  const probeId = randomBytes(32).toString('base64url');
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<'timeout'>((resolve) => {
    timer = setTimeout(() => resolve('timeout'), timeoutMs);
    timer.unref();
  });
  try {
    const answer = await Promise.race([
      Promise.resolve().then(() => store.getReturnId(probeId)),
      timedOut,
    ]);
    if (answer === 'timeout') return { ok: false, latencyMs: latencyMs(), error: 'timeout' };
    return { ok: true, latencyMs: latencyMs() };
  } catch (err) {
    // Only a code or class name: a store's message may quote its connection string.
    return { ok: false, latencyMs: latencyMs(), error: safeErrorLabel(err) };
  } finally {
    clearTimeout(timer);
  }
}

function reconcileHealth(deps: JourneyHealthDeps): ReconcileHealth {
  const last = deps.reconciler.lastRun();
  return {
    everyMinutes: deps.everyMinutes ?? null,
    running: deps.reconciler.running() > 0,
    lastRun:
      last === undefined
        ? null
        : {
            startedAt: iso(last.startedAt) as string,
            finishedAt: iso(last.finishedAt) as string,
            durationMs: Math.max(0, last.finishedAt - last.startedAt),
            ok: last.error === undefined,
            error: last.error ?? null,
            summary: last.summary === undefined ? null : { ...last.summary },
          },
  };
}

function webhooksHealth(receiver: WebhookReceiver): WebhooksHealth {
  const stats = receiver.stats();
  return {
    deliveries: stats.verified,
    lastDeliveryAt: iso(stats.lastVerifiedAt),
    verificationFailures: stats.verificationFailures,
    lastVerificationFailureAt: iso(stats.lastVerificationFailureAt),
  };
}

/**
 * `journey.health()`: a bad option throws `PayConfigError` at once, as a programming mistake;
 * the promise itself never rejects, since a health endpoint must always have an answer.
 */
export function createJourneyHealth(
  deps: JourneyHealthDeps,
): (options?: HealthCheckOptions) => Promise<JourneyHealth> {
  return (options) => {
    const record = optionsObject(
      options ?? {},
      'journey.health()',
      'journey.health({ timeoutMs: 2000 })',
    );
    rejectUnknownKeys(record, ['timeoutMs'], 'journey.health()');
    const timeoutMs = numberOption(
      record.timeoutMs,
      'journey.health() timeoutMs',
      HEALTH_TIMEOUT_RULE,
      DEFAULT_HEALTH_TIMEOUT_MS,
    );
    return check(deps, timeoutMs).catch(() => fallbackHealth(deps));
  };
}

/** A bug in the check itself (a clock giving NaN, say) still gets an answer: not healthy. */
function fallbackHealth(deps: JourneyHealthDeps): JourneyHealth {
  return {
    ok: false,
    checkedAt: new Date().toISOString(),
    store: { ok: false, latencyMs: 0, error: 'health_check_failed' },
    reconcile: { everyMinutes: deps.everyMinutes ?? null, running: false, lastRun: null },
  };
}

async function check(deps: JourneyHealthDeps, timeoutMs: number): Promise<JourneyHealth> {
  const store = await probeStore(deps.store, timeoutMs);
  const health: JourneyHealth = {
    ok: store.ok,
    checkedAt: new Date(safeNow(deps.now)).toISOString(),
    store,
    reconcile: reconcileHealth(deps),
  };
  if (deps.webhooks !== undefined) health.webhooks = webhooksHealth(deps.webhooks);
  return health;
}

/** A broken injected clock must not make the health check reject. */
function safeNow(now: () => number): number {
  try {
    const value = now();
    return Number.isFinite(value) ? value : Date.now();
  } catch {
    return Date.now();
  }
}
