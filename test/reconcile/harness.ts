import { PayClient } from '../../src/client/pay-client';
import type { Payment } from '../../src/client/types';
import type { SettledResult } from '../../src/settlement';
import { createLogFingerprint, createSettler } from '../../src/settlement';
import type { Settler } from '../../src/settlement';
import type { ReconcileDeps } from '../../src/reconcile';
import { createSimulator, generateTestApiKey } from '../../src/simulator';
import type { RunningSimulator, Simulator } from '../../src/simulator';
import { MemoryStore } from '../../src/store/memory-store';
import type { PaymentRecord } from '../../src/store/types';
import { CapturingLogger } from '../helpers/capturing-logger';

export const MINUTE = 60_000;
const PENDING_TTL_MS = 8 * 24 * 60 * MINUTE;

export interface Harness {
  simulator: Simulator;
  running: RunningSimulator;
  client: PayClient;
  store: MemoryStore;
  logger: CapturingLogger;
  settled: SettledResult[];
  /** What the settler's onSettled does; a test may replace it. Records into `settled` by default. */
  onSettled: (result: SettledResult) => void | Promise<void>;
  /** What reconciliation's rate gate asked to sleep, in order (the client's own sleeps are apart). */
  gateSleeps: number[];
  /** Simulator-clock time of every status read reconciliation made. */
  fetchTimes: number[];
  deps: ReconcileDeps;
  /** The settlement core the run uses; a test settles through it as another feed would. */
  settler: Settler;
  /** Creates a payment through PayClient and records it as pending, as `start` does. */
  createPending(overrides?: { amount?: number; reference?: string }): Promise<PaymentRecord>;
  close(): Promise<void>;
}

/**
 * The real simulator over HTTP, the real PayClient and MemoryStore, and `settlePayment` as the
 * journey wires it, with every sleep moving the simulator's clock instead of waiting.
 */
export async function startHarness(
  options: { maxRetries?: number; timeoutMs?: number } = {},
): Promise<Harness> {
  const simulator = createSimulator({ startTime: Date.UTC(2024, 2, 1, 9), rateLimit: false });
  const running = await simulator.listen();
  const clientSleep = async (ms: number): Promise<void> => {
    simulator.clock.advance(ms);
  };
  const client = new PayClient({
    apiKey: generateTestApiKey(),
    apiBaseUrl: running.url,
    sleep: clientSleep,
    maxRetries: options.maxRetries ?? 0,
    timeoutMs: options.timeoutMs ?? 5000,
  });
  const store = new MemoryStore({ now: simulator.clock.now });
  const logger = new CapturingLogger();
  const settled: SettledResult[] = [];
  const gateSleeps: number[] = [];
  const fetchTimes: number[] = [];
  const fingerprint = createLogFingerprint('reconcile-harness-secret-0123456789-abcdefghij');
  const settler = createSettler({
    store,
    journey: 'test-journey',
    onSettled: (result) => harness.onSettled(result),
    logger,
    fingerprint,
    now: simulator.clock.now,
  });
  const deps: ReconcileDeps = {
    store,
    fetchPayment: (record) => {
      fetchTimes.push(simulator.clock.now());
      return client.getPaymentBySelfLink(record.selfHref);
    },
    settler,
    logger,
    fingerprint,
    now: simulator.clock.now,
    sleep: async (ms) => {
      gateSleeps.push(ms);
      simulator.clock.advance(ms);
    },
  };
  let counter = 0;
  const harness: Harness = {
    simulator,
    running,
    client,
    store,
    logger,
    settled,
    onSettled: (result) => {
      settled.push(result);
    },
    gateSleeps,
    fetchTimes,
    deps,
    settler,
    async createPending(overrides = {}) {
      counter += 1;
      const payment = await client.createPayment({
        amount: overrides.amount ?? 1000 + counter,
        reference: overrides.reference ?? `REF-${counter}`,
        description: `Permit ${counter}`,
        return_url: 'https://service.example.gov.uk/payment/return',
      });
      const record = recordOf(payment);
      store.savePending(record, PENDING_TTL_MS);
      return record;
    },
    async close() {
      store.close();
      await running.close();
    },
  };
  return harness;
}

export function recordOf(payment: Payment): PaymentRecord {
  return {
    paymentId: payment.payment_id,
    selfHref: payment._links.self.href,
    reference: payment.reference,
    amount: payment.amount,
    createdAt: Date.parse(payment.created_date),
  };
}

export async function pendingIds(
  store: MemoryStore,
  before = Number.MAX_SAFE_INTEGER,
): Promise<string[]> {
  const ids: string[] = [];
  for await (const record of store.listPending(before)) ids.push(record.paymentId);
  return ids;
}
