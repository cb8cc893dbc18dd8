import {
  PayConflictError,
  PayConnectionError,
  PayError,
  PayNotFoundError,
  PayResponseError,
  PayServerError,
  PayValidationError,
} from '../../src/client/errors';
import { PayClient } from '../../src/client/pay-client';
import { refundable } from '../../src/client/refundable';
import type { CreatePaymentRequest, Payment } from '../../src/client/types';
import { TEST_CARDS, createSimulator, generateTestApiKey } from '../../src/simulator';
import type { RunningSimulator, Simulator } from '../../src/simulator';

/**
 * The client against the real simulator, over HTTP on a free port: the whole payment life cycle
 * and every refund rule, with the client's sleep wired to the simulator's clock so rate-limit
 * retries need no real waiting.
 */

const CARD = TEST_CARDS.authorised[0] as string;
const request = (overrides: Partial<CreatePaymentRequest> = {}): CreatePaymentRequest => ({
  amount: 5000,
  reference: 'PERMIT-1',
  description: 'Parking permit',
  return_url: 'https://service.example.gov.uk/payment/return',
  ...overrides,
});

let sim: Simulator;
let running: RunningSimulator;
let client: PayClient;
let sleeps: number[];

beforeAll(async () => {
  sim = createSimulator({});
  running = await sim.listen(0);
});
afterAll(async () => {
  await running.close();
});
beforeEach(() => {
  sim.reset();
  sleeps = [];
  client = new PayClient({
    apiKey: generateTestApiKey(),
    apiBaseUrl: running.url,
    sleep: (ms) => {
      sleeps.push(ms);
      sim.clock.advance(ms);
      return Promise.resolve();
    },
  });
});
afterEach(() => client.close());

async function paidPayment(amount = 5000): Promise<Payment> {
  const created = await client.createPayment(request({ amount }));
  sim.completePayment(created.payment_id, { card: CARD });
  return client.getPayment(created.payment_id);
}

describe('payments', () => {
  it('create, get (also by self link), events', async () => {
    const created = await client.createPayment(request({ metadata: { ledger: 'AB1', n: 2 } }));
    expect(created.state).toMatchObject({ status: 'created', finished: false });
    expect(created.amount).toBe(5000);
    expect(created._links.self.href.startsWith(`${running.url}/v1/payments/`)).toBe(true);
    expect(created._links.next_url?.href).toBeDefined();

    const fetched = await client.getPaymentBySelfLink(created._links.self.href);
    expect(fetched.payment_id).toBe(created.payment_id);
    expect(fetched.metadata).toEqual({ ledger: 'AB1', n: 2 });

    sim.completePayment(created.payment_id, { card: CARD });
    const paid = await client.getPayment(created.payment_id);
    expect(paid.state).toEqual({ status: 'success', finished: true });
    expect(paid._links.next_url).toBeUndefined();

    const events = await client.getPaymentEvents(created.payment_id);
    expect(events.payment_id).toBe(created.payment_id);
    expect(events.events.map((e) => e.state.status)).toEqual(
      expect.arrayContaining(['created', 'success']),
    );
  });

  it('cancel: cancelled P0040, and a second cancel is refused', async () => {
    const created = await client.createPayment(request());
    await client.cancelPayment(created.payment_id);
    const cancelled = await client.getPayment(created.payment_id);
    expect(cancelled.state).toMatchObject({ status: 'cancelled', finished: true, code: 'P0040' });
    await expect(client.cancelPayment(created.payment_id)).rejects.toBeInstanceOf(PayError);
  });

  it('delayed capture: capturable, then capturePayment -> success', async () => {
    const created = await client.createPayment(request({ delayed_capture: true }));
    sim.completePayment(created.payment_id, { card: CARD });
    expect((await client.getPayment(created.payment_id)).state.status).toBe('capturable');
    await client.capturePayment(created.payment_id);
    expect((await client.getPayment(created.payment_id)).state.status).toBe('success');
  });

  it('declined card: failed P0010', async () => {
    const created = await client.createPayment(request());
    sim.completePayment(created.payment_id, { card: TEST_CARDS.declined[0] as string });
    const failed = await client.getPayment(created.payment_id);
    expect(failed.state).toMatchObject({ status: 'failed', code: 'P0010' });
  });

  it('an unknown payment is a PayNotFoundError', async () => {
    await expect(client.getPayment('0000000000000000000000000a')).rejects.toBeInstanceOf(
      PayNotFoundError,
    );
  });

  it('search and allPayments across pages', async () => {
    for (let i = 0; i < 5; i += 1)
      await client.createPayment(request({ reference: `SEARCH-${i}` }));
    await client.createPayment(request({ reference: 'OTHER' }));
    const page = await client.searchPayments({ reference: 'SEARCH-3' });
    expect(page.results.map((p) => p.reference)).toEqual(['SEARCH-3']);

    const all: string[] = [];
    for await (const p of client.allPayments({ display_size: 2 })) all.push(p.reference);
    expect(all).toHaveLength(6);
    expect(new Set(all).size).toBe(6);
  });

  it("another account's key sees none of these payments", async () => {
    const created = await client.createPayment(request());
    const other = new PayClient({ apiKey: generateTestApiKey(), apiBaseUrl: running.url });
    await expect(other.getPayment(created.payment_id)).rejects.toBeInstanceOf(PayNotFoundError);
    other.close();
  });
});

describe('refunds', () => {
  it('a full refund', async () => {
    const paid = await paidPayment(5000);
    expect(refundable(paid)).toBe(5000);
    const refund = await client.refundPayment(paid.payment_id, {
      amount: 5000,
      refund_amount_available: refundable(paid),
    });
    expect(refund).toMatchObject({ amount: 5000 });
    const after = await client.getPayment(paid.payment_id);
    expect(after.refund_summary?.status).toBe('full');
    expect(refundable(after)).toBe(0);
    const fetched = await client.getRefund(paid.payment_id, refund.refund_id);
    expect(fetched.refund_id).toBe(refund.refund_id);
  });

  it('partial refunds: a second partial, then over-refund refused', async () => {
    const paid = await paidPayment(5000);
    await client.refundPayment(paid.payment_id, { amount: 1000, refund_amount_available: 5000 });
    const mid = await client.getPayment(paid.payment_id);
    expect(refundable(mid)).toBe(4000);
    await client.refundPayment(paid.payment_id, {
      amount: 1500,
      refund_amount_available: refundable(mid),
    });
    const after = await client.getPayment(paid.payment_id);
    expect(refundable(after)).toBe(2500);
    expect(after.refund_summary?.amount_submitted).toBe(2500);

    const over = await client
      .refundPayment(paid.payment_id, { amount: 2501, refund_amount_available: 2500 })
      .catch((e: unknown) => e);
    expect(over).toBeInstanceOf(PayValidationError);
    expect(over).toMatchObject({ status: 400, code: 'P0603' });
    expect(refundable(await client.getPayment(paid.payment_id))).toBe(2500);

    const list = await client.getRefunds(paid.payment_id);
    expect(list._embedded.refunds.map((r) => r.amount).sort()).toEqual([1000, 1500]);
    const searched: number[] = [];
    for await (const r of client.allRefunds()) searched.push(r.amount);
    expect(searched.sort()).toEqual([1000, 1500]);
  });

  it('a stale refund_amount_available is a 412 P0604 PayConflictError', async () => {
    const paid = await paidPayment(5000);
    await client.refundPayment(paid.payment_id, { amount: 1000, refund_amount_available: 5000 });
    // `paid` is stale: another refund happened since it was read.
    const error = await client
      .refundPayment(paid.payment_id, { amount: 1000, refund_amount_available: refundable(paid) })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PayConflictError);
    expect(error).toMatchObject({ status: 412, code: 'P0604' });
  });

  it('an unfinished payment cannot be refunded', async () => {
    const created = await client.createPayment(request());
    expect(refundable(created)).toBe(0);
    const error = await client
      .refundPayment(created.payment_id, { amount: 100 })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PayValidationError);
    expect((error as PayError).code).toBe('P0603');
  });
});

describe('faults', () => {
  it('a GET retries a 500 and a dropped connection', async () => {
    const created = await client.createPayment(request());
    sim.faults.inject({ route: 'getPayment', times: 1, fault: { kind: 'status', status: 500 } });
    sim.faults.inject({ route: 'getPayment', times: 1, fault: { kind: 'drop' } });
    await expect(client.getPayment(created.payment_id)).resolves.toMatchObject({
      payment_id: created.payment_id,
    });
    expect(sleeps).toHaveLength(2);
  });

  it('a create is not retried on a 500 or a timeout', async () => {
    sim.faults.inject({ route: 'createPayment', times: 1, fault: { kind: 'status', status: 500 } });
    await expect(client.createPayment(request())).rejects.toBeInstanceOf(PayServerError);
    sim.faults.inject({ route: 'createPayment', times: 1, fault: { kind: 'latency', ms: 500 } });
    const timeout = await client
      .createPayment(request(), { timeoutMs: 50 })
      .catch((e: unknown) => e);
    expect(timeout).toBeInstanceOf(PayConnectionError);
    expect((timeout as PayConnectionError).reason).toBe('timeout');
    expect(sleeps).toEqual([]);
  });

  it('a create is retried on 429 P0900 honouring Retry-After', async () => {
    sim.faults.inject({
      route: 'createPayment',
      times: 1,
      fault: {
        kind: 'status',
        status: 429,
        code: 'P0900',
        description: 'Too many requests',
        retryAfterSeconds: 2,
      },
    });
    const created = await client.createPayment(request());
    expect(created.state.status).toBe('created');
    expect(sleeps).toEqual([2000]);
    expect(sim.payments.size).toBe(1);
  });

  it("the simulator's own rate limit (15 creates a second) is absorbed by the create retry", async () => {
    // The limit is per second of real time: on a loaded machine one burst of 20 may spread past
    // a second and never meet it, so bursts are sent until one does (5 at the most).
    let bursts = 0;
    const rejected: unknown[] = [];
    while (bursts < 5 && sleeps.length === 0) {
      const results = await Promise.allSettled(
        Array.from({ length: 20 }, (_, i) =>
          client.createPayment(request({ reference: `RL-${bursts}-${i}` })),
        ),
      );
      bursts += 1;
      for (const r of results) if (r.status === 'rejected') rejected.push(r.reason);
    }
    expect(rejected).toEqual([]);
    // Those over the limit met 429 P0900, waited at least a (simulated) second and were retried:
    // every payment made once, no duplicates.
    expect(sleeps.length).toBeGreaterThan(0);
    expect(sleeps.every((ms) => ms >= 1000)).toBe(true);
    expect(sim.payments.size).toBe(20 * bursts);
  });

  it('malformed, truncated and missing-field answers are refused', async () => {
    const created = await client.createPayment(request());
    sim.faults.inject({ route: 'getPayment', times: 1, fault: { kind: 'malformed' } });
    await expect(client.getPayment(created.payment_id)).rejects.toBeInstanceOf(PayResponseError);
    sim.faults.inject({
      route: 'getPayment',
      times: 1,
      fault: { kind: 'missing-fields', fields: ['state'] },
    });
    await expect(client.getPayment(created.payment_id)).rejects.toThrow(/fields missing: state/);
    sim.faults.inject({ route: 'getPayment', times: 3, fault: { kind: 'truncated' } });
    const truncated = await client.getPayment(created.payment_id).catch((e: unknown) => e);
    expect(truncated).toBeInstanceOf(PayError);
  });
});
